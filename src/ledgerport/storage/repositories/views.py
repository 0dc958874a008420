"""Read models for the API: companies and connections as rows of wire-ready text.

Timestamps, ids and JSON columns come out of SQL already formatted as Codat writes
them, so a list page is three statements and a loop that copies strings; the JSON
columns are passed through undecoded. Write paths use the ORM rows in ``tables/`` and
read back through here, so there is one representation of each resource.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ledgerport.storage.expressions import IsoTimestamp, UuidText, json_text
from ledgerport.storage.repositories import totals
from ledgerport.storage.tables import CompanyRow, ConnectionRow

_co = CompanyRow.__table__.c
_cx = ConnectionRow.__table__.c


class CompanyView(NamedTuple):
    """A company as the API shows it; every field already wire-ready text."""

    id: str
    name: str
    description: str | None
    created: str
    last_sync: str | None
    created_by_user_name: str | None
    tags: str  # JSON text
    products: str  # JSON text
    link_nonce: str


class ConnectionView(NamedTuple):
    id: str
    company_id: str
    platform_key: str
    status: str
    created: str
    last_sync: str | None
    link_nonce: str
    errors: str  # JSON text
    connection_info: str | None  # JSON text


# Column order must match the NamedTuples above (checked at import time below).
COMPANY_COLUMNS = (
    UuidText(_co.id).label("id"),
    _co.name,
    _co.description,
    IsoTimestamp(_co.created).label("created"),
    IsoTimestamp(_co.last_sync).label("last_sync"),
    _co.created_by_user_name,
    json_text(_co.tags).label("tags"),
    json_text(_co.products).label("products"),
    _co.link_nonce,
)

CONNECTION_COLUMNS = (
    UuidText(_cx.id).label("id"),
    UuidText(_cx.company_id).label("company_id"),
    _cx.platform_key,
    _cx.status,
    IsoTimestamp(_cx.created).label("created"),
    IsoTimestamp(_cx.last_sync).label("last_sync"),
    _cx.link_nonce,
    json_text(_cx.errors).label("errors"),
    json_text(_cx.connection_info).label("connection_info"),
)


assert tuple(c.name for c in COMPANY_COLUMNS) == CompanyView._fields
assert tuple(c.name for c in CONNECTION_COLUMNS) == ConnectionView._fields


@dataclass(frozen=True)
class CompanyPage:
    companies: Sequence[CompanyView]
    connections: Mapping[str, list[ConnectionView]]  # by company id
    total: int


def _connections_of(
    session: Session, company_ids: list[str], condition: ColumnElement[bool]
) -> dict[str, list[ConnectionView]]:
    grouped: dict[str, list[ConnectionView]] = {cid: [] for cid in company_ids}
    if company_ids:
        stmt = select(*CONNECTION_COLUMNS).where(condition).order_by(_cx.created, _cx.id)
        for row in session.connection().execute(stmt):
            view = ConnectionView._make(row)
            grouped[view.company_id].append(view)
    return grouped


def company_page(
    session: Session, filtered: Select[Any], *, offset: int, limit: int
) -> CompanyPage:
    """One page of a filtered, ordered select over companies, with their connections and
    the filtered total: three statements whatever the page size."""
    total = totals.total(session, filtered)
    if offset >= total:
        return CompanyPage([], {}, total)
    rows = _companies(session, filtered.offset(offset).limit(limit))
    # The page's ids as an IN list: PostgreSQL turns it into an index scan, where the
    # same condition as a subquery made it hash-join the whole connections table.
    ids = [row.id for row in rows]
    connections = _connections_of(session, ids, _cx.company_id.in_([uuid.UUID(i) for i in ids]))
    return CompanyPage(rows, connections, total)


def _companies(session: Session, stmt: Select[Any]) -> list[CompanyView]:
    # Core execution and plain tuples: row attribute access and the ORM result layer
    # were a measurable share of a list page.
    result = session.connection().execute(stmt.with_only_columns(*COMPANY_COLUMNS))
    return [CompanyView._make(row) for row in result]


def company(
    session: Session, company_id: uuid.UUID
) -> tuple[CompanyView, list[ConnectionView]] | None:
    found = _companies(session, select(_co.id).where(_co.id == company_id))
    if not found:
        return None
    row = found[0]
    return row, _connections_of(session, [row.id], _cx.company_id == company_id)[row.id]


def _connections(session: Session, stmt: Select[Any]) -> list[ConnectionView]:
    result = session.connection().execute(stmt.with_only_columns(*CONNECTION_COLUMNS))
    return [ConnectionView._make(row) for row in result]


def connection_page(
    session: Session, filtered: Select[Any], *, offset: int, limit: int
) -> tuple[list[ConnectionView], int]:
    total = totals.total(session, filtered)
    if offset >= total:
        return [], total
    return _connections(session, filtered.offset(offset).limit(limit)), total


def connection(session: Session, connection_id: uuid.UUID) -> ConnectionView | None:
    found = _connections(session, select(_cx.id).where(_cx.id == connection_id))
    return found[0] if found else None
