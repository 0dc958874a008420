"""Sync for Expenses request and response bodies, named and shaped as Codat's spec
(``Codat-Sync-Expenses.json``, ``codat-sync-for-expenses`` 9.x)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ledgerport.api.models.common import PagingInfo
from ledgerport.domain.accounting.fields import Number
from ledgerport.domain.expenses import ExpenseType, TransactionStatus
from ledgerport.domain.push import parse_date


class _Body(BaseModel):
    # Unknown fields are ignored, as Codat does; known ones are checked.
    model_config = ConfigDict(extra="ignore")


class IdRef(_Body):
    id: Annotated[str, Field(min_length=1, max_length=255)]


class OptionalIdRef(_Body):
    id: Annotated[str, Field(max_length=255)] | None = None


class ExpenseContactRef(_Body):
    id: Annotated[str, Field(min_length=1, max_length=255)]
    type: Literal["Supplier"] = "Supplier"


class TrackingRef(_Body):
    id: Annotated[str, Field(min_length=1, max_length=255)]
    dataType: Literal["trackingCategories", "customers"] = "trackingCategories"


class InvoiceTo(_Body):
    id: str | None = None
    type: Literal["customer"] | None = None


def _date(value: str) -> str:
    if parse_date(value) is None:
        raise ValueError("must be a date such as 2024-05-21T00:00:00+00:00")
    return value


def _currency(value: str) -> str:
    if len(value) != 3 or not value.isalpha():
        raise ValueError("must be an ISO 4217 currency code such as GBP")
    return value.upper()


class ExpenseTransactionLine(_Body):
    netAmount: Decimal
    taxAmount: Decimal | None = None
    taxRateRef: IdRef | None = None
    accountRef: IdRef | None = None
    itemRef: OptionalIdRef | None = None
    trackingRefs: Annotated[list[TrackingRef], Field(min_length=1, max_length=10)] | None = None
    invoiceTo: InvoiceTo | None = None

    @field_validator("netAmount", "taxAmount")
    @classmethod
    def _finite(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not value.is_finite():
            raise ValueError("must be a finite number")
        return value


class _ExpenseFields(_Body):
    type: ExpenseType
    issueDate: str
    currency: str
    currencyRate: Decimal | None = None
    contactRef: ExpenseContactRef | None = None
    bankAccountRef: OptionalIdRef | None = None
    merchantName: Annotated[str, Field(max_length=255)] | None = None
    notes: Annotated[str, Field(max_length=4000)] | None = None

    _check_date = field_validator("issueDate")(_date)
    _check_currency = field_validator("currency")(_currency)

    @field_validator("currencyRate")
    @classmethod
    def _positive_rate(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and (not value.is_finite() or value <= 0):
            raise ValueError("must be greater than zero")
        return value


class ExpenseTransaction(_ExpenseFields):
    id: uuid.UUID
    reference: Annotated[str, Field(max_length=255)] | None = None
    lines: Annotated[list[ExpenseTransactionLine], Field(min_length=1, max_length=100)] | None = (
        None
    )
    postAsDraft: bool | None = None


CreateExpenseRequest = Annotated[list[ExpenseTransaction], Field(min_length=1, max_length=50)]


class UpdateExpenseRequest(_ExpenseFields):
    lines: Annotated[list[ExpenseTransactionLine], Field(min_length=1, max_length=100)] | None = (
        None
    )


class TransferSide(_Body):
    accountRef: IdRef
    amount: Decimal


class TransferTransactionRequest(_Body):
    description: Annotated[str, Field(max_length=4000)] | None = None
    date: str
    # ``from`` is a Python keyword: the field is read by its JSON name.
    from_: TransferSide = Field(alias="from")
    to: TransferSide

    _check_date = field_validator("date")(_date)


class AdjustmentTrackingRef(_Body):
    id: Annotated[str, Field(min_length=1, max_length=255)]
    dataType: Literal["trackingCategories", "customers", "suppliers"] = "trackingCategories"


class AdjustmentTransactionLine(_Body):
    amount: Decimal  # positive: a debit; negative: a credit
    accountRef: IdRef
    description: Annotated[str, Field(max_length=4000)] | None = None
    trackingRefs: (
        Annotated[list[AdjustmentTrackingRef], Field(min_length=1, max_length=10)] | None
    ) = None
    invoiceTo: InvoiceTo | None = None


class AdjustmentTransactionRequest(_Body):
    id: uuid.UUID
    date: str
    currency: str
    currencyRate: Decimal | None = None
    reference: Annotated[str, Field(max_length=255)] | None = None
    lines: Annotated[list[AdjustmentTransactionLine], Field(min_length=1, max_length=100)]

    _check_date = field_validator("date")(_date)
    _check_currency = field_validator("currency")(_currency)


CreateAdjustmentRequest = Annotated[
    list[AdjustmentTransactionRequest], Field(min_length=1, max_length=50)
]


class ReimbursableExpenseTransactionLine(_Body):
    description: Annotated[str, Field(max_length=4000)] | None = None
    netAmount: Decimal
    taxAmount: Decimal | None = None
    taxRateRef: IdRef | None = None
    accountRef: IdRef | None = None
    itemRef: OptionalIdRef | None = None
    trackingRefs: Annotated[list[TrackingRef], Field(min_length=1, max_length=10)] | None = None
    invoiceTo: InvoiceTo | None = None


class UpdateReimbursableExpenseTransactionRequest(_Body):
    reference: Annotated[str, Field(max_length=255)] | None = None
    contactRef: IdRef
    apAccountRef: OptionalIdRef | None = None
    issueDate: str
    dueDate: str
    currency: str
    currencyRate: Decimal | None = None
    notes: Annotated[str, Field(max_length=4000)] | None = None
    lines: (
        Annotated[list[ReimbursableExpenseTransactionLine], Field(min_length=1, max_length=100)]
        | None
    ) = None

    _check_dates = field_validator("issueDate", "dueDate")(_date)
    _check_currency = field_validator("currency")(_currency)


class ReimbursableExpenseTransaction(UpdateReimbursableExpenseTransactionRequest):
    id: uuid.UUID


CreateReimbursableRequest = Annotated[
    list[ReimbursableExpenseTransaction], Field(min_length=1, max_length=50)
]


class CompanyConfiguration(_Body):
    bankAccount: IdRef
    supplier: IdRef
    customer: IdRef


class SyncIdResponse(BaseModel):
    syncId: str


class AccountMappingInfo(BaseModel):
    id: str
    nominalCode: str | None = None
    name: str
    currency: str
    accountType: Literal["Asset", "Liability", "Income", "Expense", "Equity"]
    fullyQualifiedCategory: str
    isBankAccount: bool
    validTransactionTypes: list[ExpenseType]
    validFor: list[str]


class TrackingCategoryMappingInfo(BaseModel):
    id: str
    name: str
    hasChildren: bool
    parentId: str | None = None


class TaxRateMappingInfo(BaseModel):
    id: str
    name: str
    code: str | None = None
    # Number, not Decimal: a plain Decimal is documented as a string in responses.
    effectiveTaxRate: Number
    totalTaxRate: Number
    validTransactionTypes: list[ExpenseType]


class MappingOptions(BaseModel):
    expenseProvider: str | None = None
    accounts: list[AccountMappingInfo] | None = None
    trackingCategories: list[TrackingCategoryMappingInfo] | None = None
    taxRates: list[TaxRateMappingInfo] | None = None


class CompanySyncStatus(BaseModel):
    companyId: str | None = None
    syncId: str | None = None
    syncStatusCode: int
    syncStatus: str | None = None
    errorMessage: str | None = None
    syncExceptionMessage: str | None = None
    syncUtc: str | None = None
    dataPushed: bool


class Transaction(BaseModel):
    transactionId: str | None = None
    status: TransactionStatus | None = None
    message: str | None = None
    integrationType: Literal["expenses", "bankfeeds"] | None = "expenses"


class Transactions(PagingInfo):
    results: list[Transaction]


class Attachment(BaseModel):
    companyId: str
    id: str
    transactionId: str
