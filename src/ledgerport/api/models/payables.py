"""Sync for Payables v2 (Codat's synchronous "Bill pay" API): request and response bodies.

Field names, enums and required fields are those of ``Codat-Sync-Payables.json``. The
request models are what FastAPI validates a body against (a missing required field or a
value outside a closed enum is a 400 with the field named in ``validation``); the
response models describe the routes in /openapi.json, while the routes themselves build
plain dicts (``JSONBytes``). Amounts are :data:`Number` (``Decimal`` in Python, a JSON
number on the wire), so money is never added up in binary floating point.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ledgerport.domain.accounting.enums import (
    AddressType,
    BankAccountType,
    BillStatus,
    SupplierStatus,
)
from ledgerport.domain.accounting.fields import Number


class _Body(BaseModel):
    """Request bodies: unknown keys are ignored (as Codat does), names are exact."""

    model_config = ConfigDict(extra="ignore")


class PayablesStatus(StrEnum):
    """Payables' ``accountStatus``/``bankAccountStatus``/tax rate status: only these two,
    narrower than the accounting enums (which add ``Unknown`` and ``Pending``)."""

    ACTIVE = "Active"
    ARCHIVED = "Archived"


class TrackingRefType(StrEnum):
    TRACKING_CATEGORIES = "trackingCategories"
    CUSTOMERS = "customers"


# -- shared pieces -------------------------------------------------------------------


class Pagination(BaseModel):
    """Absent ``continuationToken``: there are no more results."""

    continuationToken: str | None = None


class Address(_Body):
    type: AddressType
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postalCode: str | None = None


class SupplierRef(_Body):
    id: str = Field(min_length=1)
    supplierName: str | None = None


class BillAccountRef(_Body):
    id: str | None = None


class BillTaxRateRef(_Body):
    id: str | None = None


class TrackingRef(_Body):
    id: str | None = None
    dataType: TrackingRefType | None = None
    isBillable: bool | None = None


class BillLineItem(_Body):
    description: str | None = None
    unitAmount: Number | None = None
    quantity: Number | None = None
    taxAmount: Number | None = None
    accountRef: BillAccountRef | None = None
    totalAmount: Number | None = None
    taxRateRef: BillTaxRateRef | None = None
    trackingRefs: list[TrackingRef] | None = None


# -- requests ------------------------------------------------------------------------


class SupplierPrototype(_Body):
    supplierName: str
    contactName: str | None = None
    emailAddress: str | None = None
    phone: str | None = None
    addresses: list[Address] | None = None
    status: SupplierStatus
    # Read-only at every platform (it is what the supplier is owed): accepted, not written.
    balance: Number | None = None
    defaultCurrency: str | None = None


class BillPrototype(_Body):
    reference: str | None = None
    supplierRef: SupplierRef
    issueDate: str
    dueDate: str
    currency: str
    currencyRate: Number | None = None
    lineItems: list[BillLineItem] | None = None
    status: BillStatus


class BillPaymentAccountRef(_Body):
    id: str = Field(min_length=1)


class BillPaymentPrototype(_Body):
    amount: Number = Field(gt=0)
    date: str
    reference: str | None = None
    accountRef: BillPaymentAccountRef
    currencyRate: Number | None = None


class BankAccountPrototype(_Body):
    nominalCode: str | None = None
    name: str
    accountType: BankAccountType
    accountNumber: str
    sortCode: str | None = None
    currency: str


# -- responses -----------------------------------------------------------------------


class CompanyInformation(BaseModel):
    companyName: str | None = None
    baseCurrency: str | None = None


class AccountMappingOption(BaseModel):
    id: str
    nominalCode: str | None = None
    name: str | None = None
    type: str | None = None
    currency: str | None = None
    status: PayablesStatus | None = None
    sourceModifiedDate: str | None = None


class TaxRateMappingOption(BaseModel):
    id: str
    name: str | None = None
    code: str | None = None
    effectiveTaxRate: Number | None = None
    totalTaxRate: Number | None = None
    status: PayablesStatus | None = None


class BillMappingOptions(BaseModel):
    accounts: list[AccountMappingOption]
    taxRates: list[TaxRateMappingOption]
    pagination: Pagination


class BankAccountMappingOption(BaseModel):
    id: str
    name: str | None = None
    accountNumber: str | None = None
    nominalCode: str | None = None
    sortCode: str | None = None
    currency: str | None = None
    status: PayablesStatus | None = None
    accountType: BankAccountType
    sourceModifiedDate: str | None = None


class PaymentMappingOptions(BaseModel):
    bankAccounts: list[BankAccountMappingOption]
    pagination: Pagination


class Supplier(BaseModel):
    id: str
    supplierName: str | None = None
    contactName: str | None = None
    emailAddress: str | None = None
    phone: str | None = None
    addresses: list[Address] | None = None
    status: SupplierStatus
    balance: Number | None = None
    defaultCurrency: str | None = None
    sourceModifiedDate: str | None = None


class Suppliers(BaseModel):
    results: list[Supplier]
    pagination: Pagination


class Bill(BaseModel):
    id: str
    reference: str | None = None
    supplierRef: SupplierRef
    issueDate: str
    dueDate: str
    currency: str
    currencyRate: Number | None = None
    lineItems: list[BillLineItem] | None = None
    status: BillStatus
    totalAmount: Number
    amountDue: Number | None = None
    sourceModifiedDate: str | None = None


class Bills(BaseModel):
    results: list[Bill]
    pagination: Pagination


class BillPayment(BaseModel):
    id: str
    amount: Number
    date: str
    reference: str | None = None
    accountRef: BillPaymentAccountRef
    currencyRate: Number | None = None


class BankAccount(BaseModel):
    id: str
    nominalCode: str | None = None
    name: str | None = None
    accountType: BankAccountType
    accountNumber: str | None = None
    sortCode: str | None = None
    currency: str
    status: PayablesStatus | None = None
    sourceModifiedDate: str | None = None


class Attachment(BaseModel):
    id: str
    name: str | None = None
    contentType: str | None = None
    dateCreated: str | None = None
    fileSize: int | None = None
    includeWhenSent: bool | None = None
    sourceModifiedDate: str | None = None
