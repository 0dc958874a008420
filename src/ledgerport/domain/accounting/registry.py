"""Which model and URL belong to each accounting data type, and which of a model's fields
Codat's query language can filter on.

Routes, storage and sync look data types up here instead of each keeping its own table,
so adding a data type is one line. ``queryable_paths`` is derived from the models, so a
field added to a model becomes queryable without a second list to keep in step.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import MappingProxyType, NoneType, UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ledgerport.domain.accounting.banking import BankAccount, BankTransaction, Transfer
from ledgerport.domain.accounting.catalog import Item, PaymentMethod, TaxRate, TrackingCategory
from ledgerport.domain.accounting.company import CompanyInfo
from ledgerport.domain.accounting.direct import DirectCost, DirectIncome
from ledgerport.domain.accounting.ledger import Account, Journal, JournalEntry
from ledgerport.domain.accounting.payables import (
    Bill,
    BillCreditNote,
    BillPayment,
    PurchaseOrder,
    Supplier,
)
from ledgerport.domain.accounting.receivables import (
    CreditNote,
    Customer,
    Invoice,
    Payment,
    SalesOrder,
)
from ledgerport.domain.enums import DataType

QueryKind = Literal["string", "number", "datetime", "boolean"]
"""How the query language compares a field: text, numerically, as an instant, or as a flag."""

MODELS: Mapping[DataType, type[BaseModel]] = MappingProxyType(
    {
        DataType.CHART_OF_ACCOUNTS: Account,
        DataType.BANK_ACCOUNTS: BankAccount,
        DataType.BANK_TRANSACTIONS: BankTransaction,
        DataType.BILLS: Bill,
        DataType.BILL_CREDIT_NOTES: BillCreditNote,
        DataType.BILL_PAYMENTS: BillPayment,
        DataType.COMPANY: CompanyInfo,
        DataType.CREDIT_NOTES: CreditNote,
        DataType.CUSTOMERS: Customer,
        DataType.DIRECT_COSTS: DirectCost,
        DataType.DIRECT_INCOMES: DirectIncome,
        DataType.INVOICES: Invoice,
        DataType.ITEMS: Item,
        DataType.JOURNAL_ENTRIES: JournalEntry,
        DataType.JOURNALS: Journal,
        DataType.PAYMENT_METHODS: PaymentMethod,
        DataType.PAYMENTS: Payment,
        DataType.PURCHASE_ORDERS: PurchaseOrder,
        DataType.SALES_ORDERS: SalesOrder,
        DataType.SUPPLIERS: Supplier,
        DataType.TAX_RATES: TaxRate,
        DataType.TRACKING_CATEGORIES: TrackingCategory,
        DataType.TRANSFERS: Transfer,
    }
)
"""The model of each data type that has a record model. Reports (balance sheet, ...),
account transactions and item receipts are not modelled here."""

_URL_EXCEPTIONS = {DataType.CHART_OF_ACCOUNTS: "accounts", DataType.COMPANY: "info"}

URL_SEGMENTS: Mapping[DataType, str] = MappingProxyType(
    {data_type: _URL_EXCEPTIONS.get(data_type, data_type.value) for data_type in MODELS}
)
"""The path segment under ``/data/`` each data type is served at. Two differ from their
key: ``chartOfAccounts`` is ``/data/accounts`` and ``company`` is ``/data/info``. (Bank
transactions sit under their account: ``bankAccounts/{accountId}/bankTransactions``.)"""


def queryable_paths(model: type[BaseModel]) -> dict[str, QueryKind]:
    """Every dotted JSON path to a scalar of ``model``, with how to compare it.

    Paths run through nested objects (``customerRef.companyName``) but never into lists:
    Codat's query language has no way to address an array element. Free-form objects
    (``supplementalData.content``) are left out too, since their keys are unknown."""
    return dict(_paths(model))


@functools.cache
def _paths(model: type[BaseModel]) -> tuple[tuple[str, QueryKind], ...]:
    return tuple(_walk(model, "", frozenset({model})))


def _walk(
    model: type[BaseModel], prefix: str, seen: frozenset[type[BaseModel]]
) -> Iterator[tuple[str, QueryKind]]:
    for name, field in model.model_fields.items():
        path = prefix + (field.serialization_alias or field.alias or name)
        annotation = _strip_optional(field.annotation)
        if not isinstance(annotation, type) or get_origin(annotation) is not None:
            continue  # lists, dicts and unions of several types are not addressable
        if issubclass(annotation, BaseModel):
            if annotation not in seen:
                yield from _walk(annotation, path + ".", seen | {annotation})
            continue
        kind = _scalar_kind(annotation)
        if kind is not None:
            yield path, kind


def _strip_optional(annotation: object) -> object:
    """``Annotated[X, ...]`` and ``X | None`` to ``X``; a real union is returned as is."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is Union or origin is UnionType:
            members = [arg for arg in get_args(annotation) if arg is not NoneType]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _scalar_kind(annotation: type) -> QueryKind | None:
    if issubclass(annotation, bool):  # before int: bool is an int
        return "boolean"
    if issubclass(annotation, Enum | str):
        return "string"
    if issubclass(annotation, int | float | Decimal):
        return "number"
    if issubclass(annotation, datetime | date):
        return "datetime"
    return None
