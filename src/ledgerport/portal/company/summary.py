"""The Summary tab's figures: revenue, operating profit and equity over the last twelve
months, from the same ledger and the same statement code as
``GET /companies/{id}/data/financials/...`` (so the portal and the API never disagree).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ledgerport.domain.enums import DataType
from ledgerport.domain.reports import ReportRequest, balance_sheet, profit_and_loss
from ledgerport.storage.repositories import ledger as ledger_repo
from ledgerport.storage.repositories import records

# The API call the figures equal: periodLength=12&periodsToCompare=1 (the twelve months
# ending with the latest month that has journal entries).
PERIOD_MONTHS = 12
NEEDED = (DataType.CHART_OF_ACCOUNTS, DataType.JOURNAL_ENTRIES)


@dataclass(frozen=True)
class Figures:
    currency: str
    from_date: str
    to_date: str
    revenue: float
    operating_profit: float
    equity: float


@dataclass(frozen=True)
class Summary:
    """Figures, or the data types still to pull before there can be any."""

    figures: Figures | None
    missing: tuple[str, ...] = ()


def _day(report_date: Any) -> str:
    return str(report_date)[:10]


def summarize(session: Session, company_id: uuid.UUID, today: date) -> Summary:
    missing = tuple(
        dt.value for dt in NEEDED if not records.has_dataset(session, company_id, dt.value)
    )
    if missing:
        return Summary(figures=None, missing=missing)
    ledger = ledger_repo.load_ledger(session, company_id)
    options = ledger_repo.statement_options(session, company_id, today)
    request = ReportRequest(PERIOD_MONTHS, 1, None)
    pl = profit_and_loss(ledger, request, options)["reports"][0]
    bs = balance_sheet(ledger, request, options)["reports"][0]
    return Summary(
        figures=Figures(
            currency=options.currency,
            from_date=_day(pl["fromDate"]),
            to_date=_day(pl["toDate"]),
            revenue=pl["income"]["value"],
            operating_profit=pl["netOperatingProfit"],
            equity=bs["equity"]["value"],
        )
    )
