"""The Summary tab's activity log: what happened to a company, newest first.

Drawn from the records each fact already leaves (nothing is written for the log): the
company and its connections (created, linked, linking errors), pull operations, push
operations and the events outbox (status changes). Each source is read newest first and
cut at the end of the page asked for, then merged, so a page costs a few indexed reads
however long the history is.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledgerport.domain.pulls import PullStatus, is_errored
from ledgerport.storage.tables import ConnectionRow, EventRow, PullOperationRow, PushOperationRow
from ledgerport.storage.types import utcnow

PAGE_SIZE = 20

_EVENT_TEXT = {
    "connection.connected": "{platform} connection linked",
    "connection.reconnected": "{platform} connection linked again",
    "connection.disconnected": "{platform} connection is now {status}",
    "connection.failed": "{platform} connection failed to link",
    "connection.authorizationExpiring": "{platform} authorization expires soon: pull to keep it",
}
# The log shows only these events: the others (company and connection created or
# deleted, reads and writes ended) are already entries of their own, or webhook-only.
_LOGGED = EventRow.type.in_(list(_EVENT_TEXT))


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # company, connection, pull, push, event, error: a CSS/test hook
    text: str
    detail: str = ""
    tone: str = ""  # "error" for failures


@dataclass(frozen=True)
class ActivityPage:
    entries: Sequence[Entry]
    page: int
    pages: int
    total: int


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=utcnow().tzinfo)


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _fixed_entries(
    session: Session,
    company_id: uuid.UUID,
    created: datetime,
    names: Mapping[str, str],
    linked_events: set[tuple[uuid.UUID | None, datetime]],
) -> list[Entry]:
    """The company's and its connections' own facts: few, so read whole. A link an
    event already reports (OAuth links write connection.connected) is not listed twice."""
    entries = [Entry(created, "company", "Company created")]
    connections = session.scalars(
        select(ConnectionRow).where(ConnectionRow.company_id == company_id)
    ).all()
    for c in connections:
        platform = names.get(c.platform_key, c.platform_key)
        entries.append(Entry(c.created, "connection", f"{platform} connection created"))
        if c.link_used_at is not None and (c.id, c.link_used_at) not in linked_events:
            entries.append(Entry(c.link_used_at, "connection", f"{platform} connection linked"))
        for error in c.errors or []:
            when = error.get("erroredOnUtc")
            if when:
                entries.append(
                    Entry(
                        _iso(when),
                        "error",
                        f"{platform} linking error: {error.get('statusText') or 'Error'}",
                        str(error.get("errorMessage") or ""),
                        "error",
                    )
                )
    return entries


def _pull_entry(row: PullOperationRow) -> Entry:
    status = PullStatus(row.status)
    fetched = (row.audit or {}).get("fetched")
    read = f"{fetched:,} record{'' if fetched == 1 else 's'} read" if fetched is not None else ""
    detail = row.error_message or read
    # Placed at its request: each source is cut in that order, so pages stay exact.
    return Entry(
        row.requested,
        "pull",
        f"Pull of {row.data_type}: {status.value}",
        detail,
        "error" if is_errored(status) else "",
    )


def _push_entry(row: PushOperationRow) -> Entry:
    failed = row.status in ("Failed", "TimedOut")
    return Entry(
        row.requested,
        "push",
        f"Push ({row.kind}) of {row.data_type}: {row.status}",
        row.error_message or "",
        "error" if failed else "",
    )


def _event_entry(row: EventRow, names: Mapping[str, str]) -> Entry:
    data: dict[str, Any] = row.data or {}
    platform = names.get(str(data.get("platformKey", "")), "A")
    template = _EVENT_TEXT.get(row.type, row.type)
    text = template.format(platform=platform, status=data.get("status", "changed"))
    reason = str(data.get("reason") or "")
    tone = "error" if row.type in ("connection.disconnected", "connection.failed") else ""
    return Entry(row.created, "event", text, reason, tone)


def activity_page(
    session: Session,
    company_id: uuid.UUID,
    created: str,
    names: Mapping[str, str],
    page: int,
) -> ActivityPage:
    upto = page * PAGE_SIZE
    pull_rows = session.scalars(
        select(PullOperationRow)
        .where(PullOperationRow.company_id == company_id)
        .order_by(PullOperationRow.requested.desc(), PullOperationRow.id)
        .limit(upto)
    ).all()
    push_rows = session.scalars(
        select(PushOperationRow)
        .where(PushOperationRow.company_id == company_id)
        .order_by(PushOperationRow.requested.desc(), PushOperationRow.id)
        .limit(upto)
    ).all()
    event_rows = session.scalars(
        select(EventRow)
        .where(EventRow.company_id == company_id, _LOGGED)
        .order_by(EventRow.created.desc(), EventRow.id)
        .limit(upto)
    ).all()
    counts = [
        session.scalar(select(func.count()).where(table.company_id == company_id)) or 0
        for table in (PullOperationRow, PushOperationRow)
    ]
    counts.append(
        session.scalar(select(func.count()).where(EventRow.company_id == company_id, _LOGGED)) or 0
    )
    linked = {
        (row.connection_id, row.created)
        for row in event_rows
        if row.type in ("connection.connected", "connection.reconnected")
    }
    fixed = _fixed_entries(session, company_id, _iso(created), names, linked)
    merged = [*fixed, *(_event_entry(row, names) for row in event_rows)]
    merged += [_pull_entry(row) for row in pull_rows]
    merged += [_push_entry(row) for row in push_rows]
    merged.sort(key=lambda e: _aware(e.at), reverse=True)
    total = len(fixed) + sum(counts)
    pages = max(1, -(-total // PAGE_SIZE))
    return ActivityPage(merged[upto - PAGE_SIZE : upto], page, pages, total)
