"""Push operations: creating, claiming for an attempt, settling, and history reads;
and the write log of platforms that run inside ledgerport."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledgerport.domain.push import PushStatus
from ledgerport.storage.tables import PushOperationRow, WriteLogRow


def company_scope(company_id: uuid.UUID) -> Select[Any]:
    return select(PushOperationRow).where(PushOperationRow.company_id == company_id)


def claim(session: Session, push_id: uuid.UUID, now: datetime, lease_until: datetime) -> bool:
    """Take a pending operation for one attempt, unless another worker holds it or its
    next attempt is not due yet: a conditional update, so of two workers handed the
    same job (a redelivery), exactly one gets it."""
    result = session.execute(
        update(PushOperationRow)
        .where(
            PushOperationRow.id == push_id,
            PushOperationRow.status == PushStatus.PENDING.value,
            or_(PushOperationRow.next_attempt.is_(None), PushOperationRow.next_attempt <= now),
        )
        .values(next_attempt=lease_until, attempts=PushOperationRow.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def due(session: Session, now: datetime, limit: int = 500) -> Sequence[PushOperationRow]:
    """Pending operations whose next attempt (or lease) has passed: lost jobs, dead
    workers' leases, and retries to send again."""
    return session.scalars(
        select(PushOperationRow)
        .where(
            PushOperationRow.status == PushStatus.PENDING.value,
            or_(
                and_(PushOperationRow.next_attempt.is_(None), PushOperationRow.requested <= now),
                PushOperationRow.next_attempt <= now,
            ),
        )
        .order_by(PushOperationRow.requested)
        .limit(limit)
    ).all()


def successful_writes(
    session: Session, connection_id: uuid.UUID, origin_prefix: str
) -> Sequence[PushOperationRow]:
    return session.scalars(
        select(PushOperationRow)
        .where(
            PushOperationRow.connection_id == connection_id,
            PushOperationRow.status == PushStatus.SUCCESS.value,
            PushOperationRow.origin.startswith(origin_prefix),
        )
        .order_by(PushOperationRow.completed)
    ).all()


# -- the write log ----------------------------------------------------------------------


class LogConflict(Exception):
    """Another entry took this position first: the write was decided on an old state."""


def log_append(
    session: Session,
    connection_id: uuid.UUID,
    key: str,
    entry: Mapping[str, Any],
    position: int,
    now: datetime,
) -> bool:
    """Add an entry at ``position`` (the number of entries its writer saw). False if
    the key is already logged (a write is logged once); :class:`LogConflict` if another
    entry holds that position."""
    try:
        with session.begin_nested():
            session.add(
                WriteLogRow(
                    connection_id=connection_id,
                    key=key,
                    position=position,
                    entry=dict(entry),
                    logged=now,
                )
            )
            session.flush()
    except IntegrityError:
        logged = session.scalar(
            select(WriteLogRow.seq).where(
                WriteLogRow.connection_id == connection_id, WriteLogRow.key == key
            )
        )
        if logged is not None:
            return False
        raise LogConflict(f"position {position} is taken") from None
    return True


def log_entries(session: Session, connection_id: uuid.UUID) -> Sequence[WriteLogRow]:
    return session.scalars(
        select(WriteLogRow)
        .where(WriteLogRow.connection_id == connection_id)
        .order_by(WriteLogRow.seq)
    ).all()
