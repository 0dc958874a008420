"""Reference lists a company's documents point into: items (products and services),
payment methods, tax rates and tracking categories.

Only items have required fields (``itemStatus``, ``type``, ``isBillItem``,
``isInvoiceItem``). A tracking category's ``id`` is the one id Codat allows to be ``null``.
"""

from __future__ import annotations

from ledgerport.domain.accounting.enums import (
    ItemStatus,
    ItemType,
    PaymentMethodStatus,
    PaymentMethodType,
    TaxRateStatus,
    TrackingCategoryStatus,
)
from ledgerport.domain.accounting.fields import CodatModel, Money, Number, Omittable
from ledgerport.domain.accounting.metadata import Record
from ledgerport.domain.accounting.refs import AccountRef, TaxRateRef, ValidDataTypeLinks


class ItemDetails(CodatModel):
    """How an item is bought (``billItem``) or sold (``invoiceItem``)."""

    description: str | None = None
    unitPrice: Money | None = None
    accountRef: Omittable[AccountRef] = None
    taxRateRef: Omittable[TaxRateRef] = None


class Item(Record):
    name: str | None = None
    code: str | None = None
    itemStatus: ItemStatus
    type: ItemType
    isBillItem: bool
    billItem: Omittable[ItemDetails] = None
    isInvoiceItem: bool
    invoiceItem: Omittable[ItemDetails] = None


class PaymentMethod(Record):
    name: str | None = None
    type: Omittable[PaymentMethodType] = None
    status: Omittable[PaymentMethodStatus] = None


class TaxRateComponent(CodatModel):
    """A compound component applies on top of the rates before it."""

    name: str | None = None
    rate: Number | None = None
    isCompound: bool


class TaxRate(Record):
    """``effectiveTaxRate`` is what applies to a net amount once compounding is done;
    ``totalTaxRate`` the plain sum of the components."""

    name: str | None = None
    code: str | None = None
    status: Omittable[TaxRateStatus] = None
    effectiveTaxRate: Number | None = None
    totalTaxRate: Number | None = None
    components: list[TaxRateComponent] | None = None
    validDatatypeLinks: list[ValidDataTypeLinks] | None = None


class TrackingCategory(Record):
    """A node of the tracking category tree (parents have ``hasChildren``)."""

    id: str | None = None
    name: str | None = None
    status: Omittable[TrackingCategoryStatus] = None
    parentId: str | None = None
    hasChildren: Omittable[bool] = None
