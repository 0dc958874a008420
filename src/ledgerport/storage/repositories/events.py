"""The events outbox: written with the change it reports, read by webhook delivery.

``record`` runs inside the caller's transaction and does three things there, so they
commit or roll back with the change: it keeps the event with a snapshot of the company
and connection it is about (a deleted company is still described when the event is
sent), and it makes one delivery row per webhook consumer that hears the event (see
``domain.webhooks.matches``). Webhook delivery then only sends what is committed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain import webhooks as rules
from ledgerport.domain.dates import to_codat
from ledgerport.storage.repositories import webhooks as deliveries
from ledgerport.storage.tables import (
    CompanyRow,
    ConnectionRow,
    EventRow,
    WebhookConsumerRow,
)

# A session that recorded deliveries says so here; a listener the webhooks package
# installs (webhooks/tasks.py) starts delivery once the session commits.
SESSION_FLAG = "ledgerport_webhook_deliveries"


def company_snapshot(row: CompanyRow) -> dict[str, Any]:
    """The company as an event reports it (wire names; the link nonce is there for the
    ``redirect`` URL, which is signed when the event is sent)."""
    return {
        "id": str(row.id),
        "name": row.name,
        "description": row.description,
        "created": to_codat(row.created),
        "lastSync": to_codat(row.last_sync),
        "createdByUserName": row.created_by_user_name,
        "products": list(row.products or []),
        "tags": dict(row.tags or {}),
        "linkNonce": row.link_nonce,
    }


def connection_snapshot(row: ConnectionRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "companyId": str(row.company_id),
        "platformKey": row.platform_key,
        "status": row.status,
        "created": to_codat(row.created),
        "lastSync": to_codat(row.last_sync),
        "linkNonce": row.link_nonce,
        "errors": list(row.errors or []),
        "connectionInfo": row.connection_info,
    }


def record(
    session: Session,
    type_: str,
    now: datetime,
    *,
    company_id: uuid.UUID | None = None,
    connection_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> EventRow:
    """Keep an event, and queue it for every consumer that hears it, in ``session``'s
    transaction. ``data`` is the activity log's summary; ``payload`` what the webhook
    reports beyond the company and connection, which are read here as they now are
    (call this before deleting either)."""
    session.flush()  # the rows below are read as this transaction has them
    company = session.get(CompanyRow, company_id, populate_existing=True) if company_id else None
    connection = (
        session.get(ConnectionRow, connection_id, populate_existing=True) if connection_id else None
    )
    snapshot: dict[str, Any] = dict(payload or {})
    if company is not None:
        snapshot["company"] = company_snapshot(company)
    if connection is not None:
        snapshot["connection"] = connection_snapshot(connection)
    row = EventRow(
        id=uuid.uuid4(),
        type=type_,
        company_id=company_id,
        connection_id=connection_id,
        data=data or {},
        created=now,
        payload=snapshot,
        dedupe_key=dedupe_key,
    )
    session.add(row)
    session.flush()
    _fan_out(session, row, company.tags if company is not None else None, now)
    return row


def record_once(
    session: Session, dedupe_key: str, type_: str, now: datetime, **kwargs: Any
) -> EventRow | None:
    """``record``, unless an event with this key exists. Callers serialize on the
    company row first (``lock_company``), so two transactions cannot both miss it."""
    if seen(session, dedupe_key):
        return None
    return record(session, type_, now, dedupe_key=dedupe_key, **kwargs)


def seen(session: Session, dedupe_key: str) -> bool:
    return (
        session.scalar(select(EventRow.id).where(EventRow.dedupe_key == dedupe_key).limit(1))
        is not None
    )


def lock_company(session: Session, company_id: uuid.UUID) -> None:
    """Serialize the "is this the last one?" checks of one company's transactions
    (PostgreSQL row lock; SQLite's transactions are serialized already)."""
    session.execute(select(CompanyRow.id).where(CompanyRow.id == company_id).with_for_update())


def _fan_out(
    session: Session, event: EventRow, company_tags: dict[str, str] | None, now: datetime
) -> None:
    consumers = session.scalars(
        select(WebhookConsumerRow).where(WebhookConsumerRow.disabled.is_(False))
    ).all()
    made = False
    for consumer in consumers:
        if not rules.matches(event.type, company_tags, consumer.event_types, consumer.company_tags):
            continue
        session.add(
            deliveries.new_delivery(consumer.id, event.id, event.company_id, event.type, now)
        )
        made = True
    if made:
        # Flushed per event, so ``seq`` follows the order events are recorded in.
        session.flush()
        session.info[SESSION_FLAG] = True


def for_company(session: Session, company_id: uuid.UUID) -> list[EventRow]:
    return list(
        session.scalars(
            select(EventRow).where(EventRow.company_id == company_id).order_by(EventRow.created)
        )
    )
