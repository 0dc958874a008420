"""Addresses, phone numbers and web links, shared by customers, suppliers, orders and
company info. ``type`` is required on addresses and phone numbers (send ``Unknown`` when
the platform does not say), and a phone number's ``number`` is required but may be null.
"""

from __future__ import annotations

from ledgerport.domain.accounting.enums import AddressType, PhoneNumberType, WebLinkType
from ledgerport.domain.accounting.fields import CodatModel, Omittable


class Address(CodatModel):
    type: AddressType
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postalCode: str | None = None


class PhoneNumber(CodatModel):
    number: str | None
    type: PhoneNumberType


class WebLink(CodatModel):
    type: Omittable[WebLinkType] = None
    url: Omittable[str] = None


class ShipToContact(CodatModel):
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class ShipTo(CodatModel):
    """Delivery details of a purchase or sales order."""

    contact: Omittable[ShipToContact] = None
    address: Omittable[Address] = None
