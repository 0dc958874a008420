"""The fields of stored records that are copied into indexed columns, and how.

Most queries lenders and payables apps send hit the same few fields: the counterparty
(``customerRef.companyName``, ``supplierRef.id``), ``status``, the document date and the
amounts. Reading those out of the JSON document for every row costs about 5 µs a row;
an index seek costs microseconds for the whole page. So each record carries a handful of
generic columns (``f_name``, ``f_status``, ...), filled at write time from the paths this
module assigns per data type, and the query compiler reads those columns instead of the
JSON. Every other path still works, through JSON extraction.

The copies hold exactly what the JSON extraction would compare (see
``storage/query/fields.py``): text only when the JSON value is a string, ASCII-folded so
equality is case-insensitive through an index; datetimes only when canonical ISO 8601,
as UTC rounded to the millisecond; numbers only when JSON numbers. A test checks that
every query gives the same rows either way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ledgerport.domain.accounting.registry import MODELS, queryable_paths
from ledgerport.domain.enums import DataType
from ledgerport.storage.query.fields import FieldKind, fold_case, parse_datetime
from ledgerport.storage.tables.records import INDEXED_TEXT


@dataclass(frozen=True)
class Slot:
    """One indexed column and the kind of value it holds."""

    column: str
    kind: FieldKind


SLOTS: Mapping[str, Slot] = MappingProxyType(
    {
        "ref_id": Slot("f_ref_id", FieldKind.STRING),
        "name": Slot("f_name", FieldKind.STRING),
        "status": Slot("f_status", FieldKind.STRING),
        "date": Slot("f_date", FieldKind.DATETIME),
        "due_date": Slot("f_due_date", FieldKind.DATETIME),
        "amount": Slot("f_amount", FieldKind.NUMBER),
        "amount_due": Slot("f_amount_due", FieldKind.NUMBER),
    }
)
"""The generic indexed columns. Names say the role a path plays, not the path: the
counterparty's name on an invoice and a supplier's own name share ``f_name``."""

_CUSTOMER_DOCUMENT = {
    "ref_id": "customerRef.id",
    "name": "customerRef.companyName",
    "status": "status",
    "date": "issueDate",
    "due_date": "dueDate",
    "amount": "totalAmount",
    "amount_due": "amountDue",
}
_SUPPLIER_DOCUMENT = {
    "ref_id": "supplierRef.id",
    "name": "supplierRef.supplierName",
    "status": "status",
    "date": "issueDate",
    "due_date": "dueDate",
    "amount": "totalAmount",
    "amount_due": "amountDue",
}

_ASSIGNED: dict[DataType, dict[str, str]] = {
    DataType.INVOICES: _CUSTOMER_DOCUMENT,
    DataType.CREDIT_NOTES: {
        **_CUSTOMER_DOCUMENT,
        "due_date": "",
        "amount_due": "remainingCredit",
    },
    DataType.SALES_ORDERS: {**_CUSTOMER_DOCUMENT, "due_date": "", "amount_due": ""},
    DataType.BILLS: _SUPPLIER_DOCUMENT,
    DataType.BILL_CREDIT_NOTES: {
        **_SUPPLIER_DOCUMENT,
        "due_date": "",
        "amount_due": "remainingCredit",
    },
    DataType.PURCHASE_ORDERS: {
        **_SUPPLIER_DOCUMENT,
        "due_date": "paymentDueDate",
        "amount_due": "",
    },
    DataType.PAYMENTS: {
        "ref_id": "customerRef.id",
        "name": "customerRef.companyName",
        "date": "date",
        "amount": "totalAmount",
    },
    DataType.BILL_PAYMENTS: {
        "ref_id": "supplierRef.id",
        "name": "supplierRef.supplierName",
        "date": "date",
        "amount": "totalAmount",
    },
    DataType.CUSTOMERS: {"name": "customerName", "status": "status"},
    DataType.SUPPLIERS: {"name": "supplierName", "status": "status"},
    DataType.CHART_OF_ACCOUNTS: {"name": "name", "status": "status"},
    DataType.JOURNAL_ENTRIES: {"date": "postedOn"},
    DataType.BANK_TRANSACTIONS: {
        "ref_id": "accountId",
        "date": "clearedOnDate",
        "amount": "amount",
    },
    DataType.DIRECT_COSTS: {"date": "issueDate", "amount": "totalAmount"},
    DataType.DIRECT_INCOMES: {"date": "issueDate", "amount": "totalAmount"},
}


def _checked() -> Mapping[str, Mapping[str, Slot]]:
    """The assignments keyed by data type value, checked against the models: a model
    change cannot silently index the wrong thing."""
    table: dict[str, Mapping[str, Slot]] = {}
    for data_type, assigned in _ASSIGNED.items():
        kinds = queryable_paths(MODELS[data_type])
        slots: dict[str, Slot] = {}
        for slot, path in assigned.items():
            if not path:  # "" opts a data type out of a slot its template has
                continue
            if kinds.get(path) != SLOTS[slot].kind.value:
                raise ValueError(f"{data_type.value}.{path} is not a {SLOTS[slot].kind} field")
            slots[path] = SLOTS[slot]
        table[data_type.value] = MappingProxyType(slots)
    return MappingProxyType(table)


INDEXED: Mapping[str, Mapping[str, Slot]] = _checked()
"""data type value → {JSON path → slot} for the paths served from indexed columns."""

_NO_SLOTS: Mapping[str, Slot] = MappingProxyType({})


def paths_for(data_type: str) -> Mapping[str, Slot]:
    return INDEXED.get(data_type, _NO_SLOTS)


def _at(document: Mapping[str, Any], parts: tuple[str, ...]) -> Any:
    value: Any = document
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@functools.lru_cache(maxsize=8192)
def _instant(text: str) -> datetime | None:
    # Documents share few distinct dates (invoices of one day...): parse each once.
    return parse_datetime(text)


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > INDEXED_TEXT:
        return None
    return fold_case(value)


def _datetime(value: Any) -> datetime | None:
    return _instant(str(value)) if isinstance(value, str) else None


def _number(value: Any) -> Decimal | None:
    if type(value) is bool or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


_READERS = {FieldKind.STRING: _text, FieldKind.DATETIME: _datetime, FieldKind.NUMBER: _number}


@functools.cache
def _plan(data_type: str) -> tuple[tuple[str, tuple[str, ...], Any], ...]:
    """Per data type, once: (column, path parts, reader) for each assigned slot."""
    return tuple(
        (slot.column, tuple(path.split(".")), _READERS[slot.kind])
        for path, slot in paths_for(data_type).items()
    )


_EMPTY = {slot.column: None for slot in SLOTS.values()}


def extract(data_type: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The indexed columns' values for ``document``: every slot, None where unassigned.
    Runs for every record written, so the per-type plan is computed once."""
    values = dict(_EMPTY)
    for column, parts, read in _plan(data_type):
        values[column] = read(_at(document, parts))
    return values
