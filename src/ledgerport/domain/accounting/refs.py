"""References from one record to another (``accountRef``, ``customerRef``, ...).

Codat is not consistent about them, and the SDKs hold it to its word: some refs require a
non-empty ``id`` and allow a ``null`` name, others make everything optional but never
``null``. Each class follows its own schema rather than a shared "Ref" shape.
"""

from __future__ import annotations

from ledgerport.domain.accounting.fields import CodatModel, NonEmptyStr, Number, Omittable


class AccountRef(CodatModel):
    id: Omittable[str] = None
    name: Omittable[str] = None


class TaxRateRef(CodatModel):
    id: Omittable[str] = None
    name: Omittable[str] = None
    effectiveTaxRate: Omittable[Number] = None


class ItemRef(CodatModel):
    id: NonEmptyStr
    name: str | None = None


class CustomerRef(CodatModel):
    """``companyName`` is the customer's ``customerName``."""

    id: NonEmptyStr
    companyName: str | None = None


class SupplierRef(CodatModel):
    id: NonEmptyStr
    supplierName: str | None = None


class TrackingCategoryRef(CodatModel):
    id: NonEmptyStr
    name: str | None = None


class ProjectRef(CodatModel):
    id: NonEmptyStr
    name: str | None = None


class PaymentMethodRef(CodatModel):
    id: Omittable[str] = None
    name: str | None = None


class JournalRef(CodatModel):
    """Codat forbids any other key here (``additionalProperties: false``), so never add one."""

    id: NonEmptyStr
    name: str | None = None


class ContactRef(CodatModel):
    """The customer or supplier of a direct cost, direct income or transfer;
    ``dataType`` says which (``customers`` or ``suppliers``)."""

    id: NonEmptyStr
    dataType: str | None = None


class RecordRef(CodatModel):
    """A link to a record of any data type (Codat names this schema ``invoiceTo``)."""

    id: Omittable[str] = None
    dataType: Omittable[str] = None


class PurchaseOrderRef(CodatModel):
    id: Omittable[str] = None
    purchaseOrderNumber: str | None = None


class ValidDataTypeLinks(CodatModel):
    """On accounts and tax rates: which properties of which data types may reference this
    record (e.g. ``{"property": "Id", "links": ["invoices.lineItems.accountRef.id"]}``)."""

    property: str | None = None
    links: list[str] | None = None
