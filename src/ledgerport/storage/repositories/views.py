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
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ledgerport.storage.expressions import IsoTimestamp, UuidText, json_text
from ledgerport.storage.tables import CompanyRow, ConnectionRow

_co = CompanyRow.__table__.c
_cx = ConnectionRow.__table__.c

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


@dataclass(frozen=True)
class CompanyPage:
    companies: Sequence[Row[Any]]
    connections: Mapping[str, list[Row[Any]]]  # by company id, as text
    total: int


def count(session: Session, filtered: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(filtered.order_by(None).subquery())) or 0


def _connections_of(
    session: Session, company_ids: list[str], condition: ColumnElement[bool]
) -> dict[str, list[Row[Any]]]:
    grouped: dict[str, list[Row[Any]]] = {cid: [] for cid in company_ids}
    if company_ids:
        rows = session.execute(
            select(*CONNECTION_COLUMNS).where(condition).order_by(_cx.created, _cx.id)
        ).all()
        for row in rows:
            grouped[row.company_id].append(row)
    return grouped


def company_page(
    session: Session, filtered: Select[Any], *, offset: int, limit: int
) -> CompanyPage:
    """One page of a filtered, ordered select over companies, with their connections and
    the filtered total: three statements whatever the page size."""
    total = count(session, filtered)
    if offset >= total:
        return CompanyPage([], {}, total)
    page_select = filtered.offset(offset).limit(limit)
    rows = session.execute(page_select.with_only_columns(*COMPANY_COLUMNS)).all()
    # The page's connections by re-using the page's own select as a subquery: cheaper
    # than binding a hundred ids into an IN list.
    page_ids = page_select.with_only_columns(_co.id).scalar_subquery()
    connections = _connections_of(session, [r.id for r in rows], _cx.company_id.in_(page_ids))
    return CompanyPage(rows, connections, total)


def company(session: Session, company_id: uuid.UUID) -> tuple[Row[Any], list[Row[Any]]] | None:
    row = session.execute(select(*COMPANY_COLUMNS).where(_co.id == company_id)).first()
    if row is None:
        return None
    return row, _connections_of(session, [row.id], _cx.company_id == company_id)[row.id]


def connection_page(
    session: Session, filtered: Select[Any], *, offset: int, limit: int
) -> tuple[Sequence[Row[Any]], int]:
    total = count(session, filtered)
    if offset >= total:
        return [], total
    rows = session.execute(
        filtered.with_only_columns(*CONNECTION_COLUMNS).offset(offset).limit(limit)
    ).all()
    return rows, total


def connection(session: Session, connection_id: uuid.UUID) -> Row[Any] | None:
    return session.execute(select(*CONNECTION_COLUMNS).where(_cx.id == connection_id)).first()
