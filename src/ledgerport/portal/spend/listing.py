"""The tab's company picker: one page of companies, searched by name, each with what
Spend Insights can do for it (nothing pulled yet, bills pulled, a report to read).

Four statements whatever the page size: the API's read model for the companies and
their connections, then the page's bills data sets and reports, grouped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledgerport.domain.enums import DataType
from ledgerport.domain.spend import REPORT_TYPE
from ledgerport.portal import company_list
from ledgerport.storage.repositories import reports as report_repo
from ledgerport.storage.tables import CompanyRow, DatasetRow, ReportRow

PAGE_SIZE = company_list.PAGE_SIZE  # the pickers page as the Companies tab does
PATH = "/spend-insights"

NOT_CONNECTED = "not-connected"  # no linked connection and no bills
NOT_PULLED = "not-pulled"  # linked, bills never pulled
READY = "ready"  # bills pulled, no report yet
GENERATING = "generating"
REPORTED = "reported"


@dataclass(frozen=True)
class CompanyChoice:
    id: str
    name: str
    state: str
    bills_pulled: datetime | None
    report_as_of: datetime | None  # when the latest complete report was requested

    @property
    def href(self) -> str:
        return f"{PATH}/{self.id}"


@dataclass(frozen=True)
class Choices:
    rows: Sequence[CompanyChoice]
    query: str
    page: int
    pages: int
    total: int

    def url(self, page: int | None = None) -> str:
        params = {"q": self.query} if self.query else {}
        wanted = self.page if page is None else page
        if wanted > 1:
            params["page"] = str(wanted)
        return PATH + (f"?{urlencode(params)}" if params else "")

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


def _bills_pulled(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    rows = session.execute(
        select(DatasetRow.company_id, func.max(DatasetRow.last_pulled))
        .where(DatasetRow.company_id.in_(ids), DatasetRow.data_type == DataType.BILLS.value)
        .group_by(DatasetRow.company_id)
    )
    return dict(rows.all())


def _reports(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, datetime]]:
    """Company → report status → when the latest report of that status was requested."""
    rows = session.execute(
        select(ReportRow.company_id, ReportRow.status, func.max(ReportRow.requested))
        .where(ReportRow.company_id.in_(ids), ReportRow.report_type == REPORT_TYPE)
        .group_by(ReportRow.company_id, ReportRow.status)
    )
    found: dict[uuid.UUID, dict[str, datetime]] = {}
    for company_id, status, when in rows:
        found.setdefault(company_id, {})[status] = when
    return found


def _state(
    linked: bool, pulled: datetime | None, reports: dict[str, datetime], *, complete: bool
) -> str:
    running = reports.get(report_repo.IN_PROGRESS)
    if running is not None and running >= max(reports.values()):
        return GENERATING
    if complete:
        return REPORTED
    if pulled is not None:
        return READY
    return NOT_PULLED if linked else NOT_CONNECTED


def choices(session: Session, query: str, page: str) -> Choices:
    """The company picker: the Companies tab's search (same matching and paging)."""
    result = company_list.search(session, query, page)
    found, text, number, pages = result.found, result.query, result.page, result.pages
    ids = [uuid.UUID(c.id) for c in found.companies]
    pulled = _bills_pulled(session, ids) if ids else {}
    reports = _reports(session, ids) if ids else {}
    rows = []
    for company, key in zip(found.companies, ids, strict=True):
        linked = any(c.status == "Linked" for c in found.connections.get(company.id, []))
        mine = reports.get(key, {})
        complete = mine.get(report_repo.COMPLETE)
        rows.append(
            CompanyChoice(
                id=company.id,
                name=company.name,
                state=_state(linked, pulled.get(key), mine, complete=complete is not None),
                bills_pulled=pulled.get(key),
                report_as_of=complete,
            )
        )
    return Choices(rows=rows, query=text, page=number, pages=pages, total=found.total)


def any_company(session: Session) -> bool:
    return session.scalar(select(CompanyRow.id).limit(1)) is not None
