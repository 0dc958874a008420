"""The Companies tab's table: one page of companies, searched by name, as display rows.

The page comes from the API's read model (``views.company_page``: three indexed
statements whatever the page size), so a search over thousands of companies costs what
``GET /companies`` costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledgerport.portal.statuses import Badge, badge
from ledgerport.services import Services
from ledgerport.storage.repositories import views
from ledgerport.storage.repositories.views import CompanyView, ConnectionView
from ledgerport.storage.tables import CompanyRow

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 255


@dataclass(frozen=True)
class ConnectionCell:
    id: str
    platform_name: str
    badge: Badge
    href: str


@dataclass(frozen=True)
class CompanyRowView:
    id: str
    name: str
    description: str | None
    created_by: str | None
    created: str
    created_iso: str
    last_sync: str | None
    last_sync_iso: str | None
    connections: Sequence[ConnectionCell]


@dataclass(frozen=True)
class Listing:
    rows: Sequence[CompanyRowView]
    query: str
    page: int
    pages: int
    total: int

    def url(self, page: int | None = None) -> str:
        params = {"q": self.query} if self.query else {}
        wanted = self.page if page is None else page
        if wanted > 1:
            params["page"] = str(wanted)
        return "/" + (f"?{urlencode(params)}" if params else "")

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


def when(iso: str | None) -> str | None:
    """``2026-12-03T14:42:53.646231Z`` as ``3 Dec 2026, 14:42 UTC``."""
    if not iso:
        return None
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def connection_href(company_id: str, connection_id: str) -> str:
    return f"/portal/companies/{company_id}/connections/{connection_id}"


def company_row(
    services: Services, company: CompanyView, connections: Sequence[ConnectionView]
) -> CompanyRowView:
    names = services.platform_names
    return CompanyRowView(
        id=company.id,
        name=company.name,
        description=company.description,
        created_by=company.created_by_user_name,
        created=when(company.created) or "",
        created_iso=company.created,
        last_sync=when(company.last_sync),
        last_sync_iso=company.last_sync,
        connections=[
            ConnectionCell(
                id=c.id,
                platform_name=names.get(c.platform_key, c.platform_key),
                badge=badge(c.status, orjson.loads(c.errors or "[]")),
                href=connection_href(company.id, c.id),
            )
            for c in connections
        ],
    )


def _page_number(raw: str) -> int:
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


@dataclass(frozen=True)
class SearchPage:
    """One page of companies matching a name search, as every portal list pages them."""

    found: views.CompanyPage
    query: str
    page: int
    pages: int


def search(session: Session, query: str, page: str) -> SearchPage:
    """Newest first; ``query`` matches anywhere in the name, ignoring case. A page past
    the end (its last company was deleted) shows the last page instead."""
    text = query.strip()[:MAX_QUERY_LENGTH]
    number = _page_number(page)
    stmt = select(CompanyRow).order_by(CompanyRow.created.desc(), CompanyRow.id.desc())
    if text:
        stmt = stmt.where(func.lower(CompanyRow.name).contains(text.lower(), autoescape=True))
    found = views.company_page(session, stmt, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    if number > pages and found.total:
        number = pages
        found = views.company_page(session, stmt, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return SearchPage(found, text, number, pages)


def listing(services: Services, session: Session, query: str, page: str) -> Listing:
    """The Companies tab's page of :func:`search`."""
    result = search(session, query, page)
    found, text, number, pages = result.found, result.query, result.page, result.pages
    rows = [company_row(services, c, found.connections[c.id]) for c in found.companies]
    return Listing(rows=rows, query=text, page=number, pages=pages, total=found.total)
