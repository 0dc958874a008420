"""Events worth telling a client about (a connection's status changed, a pull finished,
a push succeeded), written in the transaction that made them true: an outbox that
webhook delivery reads, so an event is never sent for a change that rolled back.

An event keeps what it reports (``payload``: the company and connection as they were,
the pull or push summary) because the company may be gone by the time it is sent
(``company.deleted``); so ``company_id`` is not a foreign key, and the event outlives
the company until the retention purge."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    company_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    connection_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A short summary for the portal's activity log (platform key, status, reason).
    data: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the webhook reports, as recorded (see webhooks/payloads.py for Codat's shape).
    payload: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    # Set on events that must be recorded once (a group of pulls read, an expense sync).
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    # The envelope as first sent (JSON text), so retries and replays send the same bytes.
    envelope: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_events_company_id_created", "company_id", "created"),
        Index("ix_events_dedupe_key", "dedupe_key"),
    )
