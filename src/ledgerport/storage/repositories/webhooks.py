"""Webhook consumers, deliveries and attempts: the queries delivery and the API need.
The caller's transaction; nothing here commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from ledgerport.storage.tables import (
    CompanyRow,
    EventRow,
    WebhookAttemptRow,
    WebhookConsumerRow,
    WebhookDeliveryRow,
)
from ledgerport.storage.vault import Vault

PENDING = "Pending"
DELIVERED = "Delivered"
FAILED = "Failed"


# -- consumers --------------------------------------------------------------------------------


def consumers(session: Session) -> list[WebhookConsumerRow]:
    return list(
        session.scalars(
            select(WebhookConsumerRow).order_by(WebhookConsumerRow.created, WebhookConsumerRow.id)
        )
    )


def consumer(session: Session, consumer_id: uuid.UUID) -> WebhookConsumerRow | None:
    return session.get(WebhookConsumerRow, consumer_id)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(WebhookConsumerRow)) or 0)


def add(session: Session, row: WebhookConsumerRow) -> WebhookConsumerRow:
    session.add(row)
    session.flush()
    return row


def remove(session: Session, row: WebhookConsumerRow) -> None:
    """Delete a consumer; its deliveries and their attempts go with it (CASCADE)."""
    session.delete(row)
    session.flush()


def end_pending(session: Session, consumer_id: uuid.UUID, reason: str, now: datetime) -> int:
    """Fail every delivery still waiting for this consumer (it was disabled)."""
    done = session.execute(
        update(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.consumer_id == consumer_id, WebhookDeliveryRow.status == PENDING)
        .values(
            status=FAILED, completed=now, next_attempt=None, lease_until=None, last_error=reason
        )
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def hurry(session: Session, consumer_id: uuid.UUID, now: datetime) -> int:
    """Make this consumer's deliveries waiting for a retry due now (it answered again)."""
    done = session.execute(
        update(WebhookDeliveryRow)
        .where(
            WebhookDeliveryRow.consumer_id == consumer_id,
            WebhookDeliveryRow.status == PENDING,
            WebhookDeliveryRow.next_attempt > now,
        )
        .values(next_attempt=now)
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


# -- deliveries -------------------------------------------------------------------------------


def new_delivery(
    consumer_id: uuid.UUID,
    event_id: uuid.UUID,
    company_id: uuid.UUID | None,
    event_type: str,
    now: datetime,
    replay_of: uuid.UUID | None = None,
) -> WebhookDeliveryRow:
    """A pending delivery of an event to a consumer, due now (the caller adds it): one
    shape for the outbox's fan-out and for a replay."""
    return WebhookDeliveryRow(
        id=uuid.uuid4(),
        consumer_id=consumer_id,
        event_id=event_id,
        company_id=company_id,
        event_type=event_type,
        status=PENDING,
        attempts=0,
        next_attempt=now,
        created=now,
        replay_of=replay_of,
    )


def _due(now: datetime) -> Any:
    """Pending, due, not held by a live worker, for an enabled consumer, and the first
    of its consumer and company still pending (order per company is kept)."""
    earlier = aliased(WebhookDeliveryRow)
    blocked = exists().where(
        earlier.consumer_id == WebhookDeliveryRow.consumer_id,
        earlier.company_id == WebhookDeliveryRow.company_id,
        earlier.status == PENDING,
        earlier.seq < WebhookDeliveryRow.seq,
    )
    return and_(
        WebhookDeliveryRow.status == PENDING,
        WebhookDeliveryRow.next_attempt <= now,
        (WebhookDeliveryRow.lease_until.is_(None)) | (WebhookDeliveryRow.lease_until < now),
        WebhookConsumerRow.disabled.is_(False),
        ~blocked,
    )


def claim_due(
    session: Session, now: datetime, lease_until: datetime, limit: int
) -> list[WebhookDeliveryRow]:
    """Hold up to ``limit`` due deliveries for this worker until ``lease_until``. On
    PostgreSQL rows another worker is claiming are skipped (SKIP LOCKED); SQLite's
    write transactions never overlap."""
    stmt = (
        select(WebhookDeliveryRow)
        .join(WebhookConsumerRow, WebhookConsumerRow.id == WebhookDeliveryRow.consumer_id)
        .where(_due(now))
        .order_by(WebhookDeliveryRow.seq)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDeliveryRow)
    )
    rows = list(session.scalars(stmt))
    for row in rows:
        row.lease_until = lease_until
    session.flush()
    return rows


def claim_probes(
    session: Session, quiet_since: datetime, now: datetime, lease_until: datetime
) -> list[WebhookDeliveryRow]:
    """For each enabled consumer whose attempts have all been failing and that has not
    been tried since ``quiet_since``: its oldest pending delivery (the head of its
    company's queue, so a probe never breaks the order), held until ``lease_until``."""
    failing = session.scalars(
        select(WebhookConsumerRow.id).where(
            WebhookConsumerRow.disabled.is_(False),
            WebhookConsumerRow.failing_since.is_not(None),
            (WebhookConsumerRow.last_failure.is_(None))
            | (WebhookConsumerRow.last_failure <= quiet_since),
        )
    ).all()
    claimed: list[WebhookDeliveryRow] = []
    for consumer_id in failing:
        head = session.scalar(
            select(WebhookDeliveryRow)
            .where(
                WebhookDeliveryRow.consumer_id == consumer_id,
                WebhookDeliveryRow.status == PENDING,
            )
            .order_by(WebhookDeliveryRow.seq)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if head is not None and (head.lease_until is None or head.lease_until < now):
            head.lease_until = lease_until
            claimed.append(head)
    session.flush()
    return claimed


def next_due(session: Session) -> datetime | None:
    """When the soonest pending delivery of an enabled consumer is due."""
    return session.scalar(
        select(func.min(WebhookDeliveryRow.next_attempt))
        .join(WebhookConsumerRow, WebhookConsumerRow.id == WebhookDeliveryRow.consumer_id)
        .where(WebhookDeliveryRow.status == PENDING, WebhookConsumerRow.disabled.is_(False))
    )


def oldest_due_created(session: Session, now: datetime) -> datetime | None:
    """When the oldest delivery that is due and not yet delivered was made."""
    return session.scalar(
        select(func.min(WebhookDeliveryRow.created))
        .join(WebhookConsumerRow, WebhookConsumerRow.id == WebhookDeliveryRow.consumer_id)
        .where(
            WebhookDeliveryRow.status == PENDING,
            WebhookDeliveryRow.next_attempt <= now,
            WebhookConsumerRow.disabled.is_(False),
        )
    )


def delivery(
    session: Session, consumer_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDeliveryRow | None:
    return session.scalar(
        select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.consumer_id == consumer_id, WebhookDeliveryRow.id == delivery_id
        )
    )


def deliveries_of(
    consumer_id: uuid.UUID, status: str | None = None
) -> Select[WebhookDeliveryRow, EventRow]:
    """A consumer's deliveries, newest first, with their events."""
    stmt = (
        select(WebhookDeliveryRow, EventRow)
        .join(EventRow, EventRow.id == WebhookDeliveryRow.event_id)
        .where(WebhookDeliveryRow.consumer_id == consumer_id)
        .order_by(WebhookDeliveryRow.seq.desc())
    )
    if status is not None:
        stmt = stmt.where(WebhookDeliveryRow.status == status)
    return stmt


def open_counts(
    session: Session, consumer_id: uuid.UUID | None = None
) -> dict[tuple[uuid.UUID, str], int]:
    """How many Pending and Failed deliveries each consumer (or just ``consumer_id``)
    has, in one query (the portal shows them; Delivered, the bulk, is not counted)."""
    stmt = (
        select(WebhookDeliveryRow.consumer_id, WebhookDeliveryRow.status, func.count())
        .where(WebhookDeliveryRow.status.in_((PENDING, FAILED)))
        .group_by(WebhookDeliveryRow.consumer_id, WebhookDeliveryRow.status)
    )
    if consumer_id is not None:
        stmt = stmt.where(WebhookDeliveryRow.consumer_id == consumer_id)
    rows = session.execute(stmt)
    return {(consumer_id, status): int(n) for consumer_id, status, n in rows}


def count_deliveries(session: Session, consumer_id: uuid.UUID, status: str | None = None) -> int:
    stmt = select(func.count()).where(WebhookDeliveryRow.consumer_id == consumer_id)
    if status is not None:
        stmt = stmt.where(WebhookDeliveryRow.status == status)
    return int(session.scalar(stmt) or 0)


def attempts_of(session: Session, seqs: list[int]) -> dict[int, list[WebhookAttemptRow]]:
    found: dict[int, list[WebhookAttemptRow]] = {seq: [] for seq in seqs}
    if seqs:
        for row in session.scalars(
            select(WebhookAttemptRow)
            .where(WebhookAttemptRow.delivery_seq.in_(seqs))
            .order_by(WebhookAttemptRow.id)
        ):
            found[row.delivery_seq].append(row)
    return found


def add_attempt(session: Session, attempt: WebhookAttemptRow) -> None:
    session.add(attempt)


def purge(session: Session, before: datetime) -> int:
    """Forget finished deliveries (with their attempts) older than ``before``, then the
    events of deleted companies nothing refers to any more."""
    done = session.execute(
        delete(WebhookDeliveryRow).where(
            WebhookDeliveryRow.status != PENDING, WebhookDeliveryRow.created < before
        )
    )
    still_sent = exists().where(WebhookDeliveryRow.event_id == EventRow.id)
    company_gone = ~exists().where(CompanyRow.id == EventRow.company_id)
    session.execute(
        delete(EventRow).where(
            EventRow.created < before, EventRow.company_id.is_not(None), company_gone, ~still_sent
        )
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def rotate_all(session: Session, vault: Vault) -> int:
    """Re-encrypt every consumer's signing secret with the vault's first key."""
    rows = consumers(session)
    for row in rows:
        row.secret = vault.rotate(row.secret)
    return len(rows)
