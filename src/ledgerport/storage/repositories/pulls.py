"""Pull operations: queueing (without duplicates), status changes, history reads."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from ledgerport.domain.dates import to_codat
from ledgerport.domain.pulls import ACTIVE, PullStatus
from ledgerport.storage.repositories import webhook_events
from ledgerport.storage.tables import PullOperationRow


def active_for(
    session: Session, connection_id: uuid.UUID, data_type: str
) -> PullOperationRow | None:
    """A pull of this type for this connection that is queued or running, if any."""
    return session.scalar(
        select(PullOperationRow)
        .where(
            PullOperationRow.connection_id == connection_id,
            PullOperationRow.data_type == data_type,
            PullOperationRow.status.in_([s.value for s in ACTIVE]),
        )
        .order_by(PullOperationRow.requested)
        .limit(1)
    )


def queue(
    session: Session,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    now: datetime,
) -> tuple[PullOperationRow, bool]:
    """The queued pull for this type, and whether it is new: a refresh asked for while
    one is queued or running returns that one instead of starting a second."""
    running = active_for(session, connection_id, data_type)
    if running is not None:
        return running, False
    row = PullOperationRow(
        id=uuid.uuid4(),
        company_id=company_id,
        connection_id=connection_id,
        data_type=data_type,
        status=PullStatus.QUEUED.value,
        requested=now,
        progress=0,
        audit={},
    )
    session.add(row)
    session.flush()
    return row, True


def last_successful(
    session: Session, connection_id: uuid.UUID, data_type: str, *, mode: str | None = None
) -> PullOperationRow | None:
    """The newest completed pull of this type (of this mode, "full" or "incremental",
    as its audit records, when ``mode`` is given)."""
    stmt = (
        select(PullOperationRow)
        .where(
            PullOperationRow.connection_id == connection_id,
            PullOperationRow.data_type == data_type,
            PullOperationRow.status == PullStatus.COMPLETE.value,
        )
        .order_by(PullOperationRow.requested.desc())
    )
    if mode is None:
        return session.scalar(stmt.limit(1))
    # Completed pulls are few per type and day; the audit is JSON on both engines, so
    # the mode is checked here rather than in SQL.
    for row in session.scalars(stmt.limit(500)):
        if (row.audit or {}).get("mode") == mode:
            return row
    return None


def finish(
    session: Session,
    pull_id: uuid.UUID,
    status: PullStatus,
    now: datetime,
    *,
    error: str | None = None,
    audit: dict[str, Any] | None = None,
) -> None:
    row = session.get(PullOperationRow, pull_id)
    if row is None:
        return
    row.status = status.value
    row.completed = now
    row.progress = 100
    row.error_message = error
    if audit is not None:
        row.audit = audit
    webhook_events.pull_finished(session, row, now)  # read.completed, once a group ends


def company_scope(company_id: uuid.UUID) -> Select[Any]:
    return select(PullOperationRow).where(PullOperationRow.company_id == company_id)


def claim(session: Session, pull_id: uuid.UUID, worker: dict[str, Any], now: datetime) -> bool:
    """Move a queued pull to Fetching for ``worker``, if it is still queued: of two
    workers handed the same pull (a job delivered twice, a re-enqueued pull), exactly
    one gets it. Who holds it is kept in the audit until the pull ends, so a recovery
    pass can tell a running pull from one whose worker died."""
    result = session.execute(
        update(PullOperationRow)
        .where(
            PullOperationRow.id == pull_id,
            PullOperationRow.status == PullStatus.QUEUED.value,
        )
        .values(
            status=PullStatus.FETCHING.value,
            progress=0,
            audit={"worker": worker, "claimed": to_codat(now)},
        )
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def with_status(session: Session, status: PullStatus) -> list[PullOperationRow]:
    return list(session.scalars(select(PullOperationRow).where(PullOperationRow.status == status)))


def last_successful_times(
    session: Session, connection_ids: Collection[uuid.UUID], data_type: str
) -> dict[uuid.UUID, datetime]:
    """When the newest completed pull of ``data_type`` was requested, per connection (one
    query for all of them; connections never pulled are absent)."""
    if not connection_ids:
        return {}
    rows = session.execute(
        select(PullOperationRow.connection_id, func.max(PullOperationRow.requested))
        .where(
            PullOperationRow.connection_id.in_(list(connection_ids)),
            PullOperationRow.data_type == data_type,
            PullOperationRow.status == PullStatus.COMPLETE.value,
        )
        .group_by(PullOperationRow.connection_id)
    )
    return {row[0]: row[1] for row in rows}
