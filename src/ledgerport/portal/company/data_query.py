"""The Data tab's reads: one data type's records, filtered, ordered and paged by the
query language, through the same resolver, compiler and two-step page read as
``GET /companies/{id}/data/{dataType}`` (``api/routes/data.py``), so the portal shows
exactly the records the API returns for the same query."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from ledgerport.domain.accounting.registry import MODELS, queryable_paths
from ledgerport.domain.enums import DataType
from ledgerport.storage.query import apply_query
from ledgerport.storage.repositories import record_queries, records

BROWSABLE = tuple(dt for dt in MODELS if dt is not DataType.COMPANY)
PAGE_SIZES = (10, 25, 50, 100)
MAX_COLUMNS = 7

# The fields people recognise a record by, in the order shown; each data type gets the
# first few its model has (the id always comes first).
_KEY_FIELDS = (
    "invoiceNumber",
    "billCreditNoteNumber",
    "creditNoteNumber",
    "purchaseOrderNumber",
    "salesOrderNumber",
    "journalCode",
    "nominalCode",
    "code",
    "name",
    "accountName",
    "customerName",
    "supplierName",
    "reference",
    "description",
    "customerRef.companyName",
    "supplierRef.supplierName",
    "issueDate",
    "date",
    "postedOn",
    "clearedOnDate",
    "dueDate",
    "status",
    "type",
    "currency",
    "amount",
    "totalAmount",
    "amountDue",
    "balance",
    "currentBalance",
    "effectiveTaxRate",
)


# The data API's own resolver, so a query means the same here and there.
resolver = record_queries.resolver


@functools.cache
def columns(data_type: DataType) -> tuple[str, ...]:
    paths = queryable_paths(MODELS[data_type])
    chosen = [path for path in _KEY_FIELDS if path in paths][: MAX_COLUMNS - 1]
    return ("id", *chosen)


def cell(document: dict[str, Any], path: str) -> str:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:,.2f}"
    text = str(value)
    # Document dates are stored as midnight datetimes; the day is what a reader scans for.
    return text[:10] if text[10:] in ("T00:00:00", "T00:00:00Z") else text


@dataclass(frozen=True)
class DataPage:
    ids: Sequence[str]
    rows: Sequence[Sequence[str]]
    total: int
    pulled: bool


def page(
    session: Session,
    company_id: uuid.UUID,
    data_type: DataType,
    *,
    query: str | None,
    order_by: str | None,
    page_number: int,
    page_size: int,
) -> DataPage:
    """Raises the query compiler's BadRequestError for a query the API would refuse."""
    datasets = records.company_datasets(session, company_id, data_type.value)
    if not datasets.pulled:
        return DataPage(ids=(), rows=(), total=0, pulled=False)
    single = datasets.connections[0] if len(datasets.connections) == 1 else None
    stmt = apply_query(
        records.scope(company_id, data_type.value),
        resolver(data_type),
        query,
        order_by,
        default_order=records.page_order(ordered=order_by is not None),
    )
    texts, total = records.page_text(
        session,
        stmt,
        offset=(page_number - 1) * page_size,
        limit=page_size,
        known_total=None if query else datasets.total,
        only=None if single is None else (single, data_type.value),
    )
    documents = [orjson.loads(text) for text in texts]
    shown = columns(data_type)
    return DataPage(
        ids=[str(d.get("id", "")) for d in documents],
        rows=[[cell(d, path) for path in shown] for d in documents],
        total=total,
        pulled=True,
    )


def record_json(
    session: Session, company_id: uuid.UUID, data_type: DataType, record_id: str
) -> str | None:
    """One record, indented for reading; None if it is not there."""
    text = records.one_text(session, company_id, data_type.value, record_id)
    if text is None:
        return None
    return orjson.dumps(orjson.loads(text), option=orjson.OPT_INDENT_2).decode()
