"""Reading whole data sets out of the records store for computation: the financial
statements and the data-quality checks. Read-only.

Documents are streamed in batches as stored JSON text and decoded with orjson (faster
than the driver's own JSON decoding), so a 100,000-record data set never sits in
memory as rows and documents at once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Generator
from contextlib import closing
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Select, Text, cast
from sqlalchemy.orm import Session

from ledgerport.domain.enums import DataType
from ledgerport.domain.reports import UNKNOWN_CURRENCY, Ledger, StatementOptions
from ledgerport.domain.reports.amounts import month_from_date, month_of
from ledgerport.storage.repositories import records
from ledgerport.storage.tables import RecordRow

_rec = RecordRow.__table__.c
BATCH = 2000


def _live(company_id: uuid.UUID, data_type: str, connection_id: uuid.UUID | None) -> Select[Any]:
    """The API's scope of one type's records, less those deleted at the source."""
    return records.scope(company_id, data_type, connection_id).where(_rec.is_deleted.is_(False))


def documents(
    session: Session,
    company_id: uuid.UUID,
    data_type: str,
    connection_id: uuid.UUID | None = None,
) -> Generator[dict[str, Any], None, None]:
    """Every live (not deleted) document of one type, in id order (so "the first 100
    findings" are the same on every run)."""
    stmt = _live(company_id, data_type, connection_id).with_only_columns(cast(_rec.data, Text()))
    result = session.execute(
        stmt.order_by(_rec.record_id).execution_options(yield_per=BATCH, stream_results=True)
    )
    try:
        for text in result.scalars():
            yield orjson.loads(text)
    finally:  # a reader that stops early must not leave a server-side cursor open
        result.close()


def load_ledger(
    session: Session, company_id: uuid.UUID, connection_id: uuid.UUID | None = None
) -> Ledger:
    """The chart of accounts and every journal entry, posted into a :class:`Ledger`."""
    ledger = Ledger.from_accounts(
        documents(session, company_id, DataType.CHART_OF_ACCOUNTS.value, connection_id)
    )
    for entry in documents(session, company_id, DataType.JOURNAL_ENTRIES.value, connection_id):
        ledger.add_entry(entry)
    return ledger


def statement_options(
    session: Session,
    company_id: uuid.UUID,
    today: date,
    connection_id: uuid.UUID | None = None,
) -> StatementOptions:
    """Base currency and financial year from the company info when it was pulled; else
    the accounts' most common currency (or Codat's ``XXX``) and a calendar year."""
    with closing(documents(session, company_id, DataType.COMPANY.value, connection_id)) as infos:
        info = next(infos, None) or {}
    currency = info.get("baseCurrency")
    if not isinstance(currency, str) or not currency:
        stmt = _live(company_id, DataType.CHART_OF_ACCOUNTS.value, connection_id).with_only_columns(
            _rec.data["currency"].as_string()
        )
        seen = Counter(c for c in session.scalars(stmt) if c)
        currency = seen.most_common(1)[0][0] if seen else UNKNOWN_CURRENCY
    year_start = month_of(info.get("financialYearStartDate"))
    return StatementOptions(
        currency=currency,
        financial_year_start=year_start % 12 + 1 if year_start is not None else 1,
        current_month=month_from_date(today),
    )
