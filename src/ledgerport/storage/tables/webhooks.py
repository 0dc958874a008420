"""Webhook consumers, and the delivery of each event to each consumer that hears it.

A delivery row is made in the transaction that records the event (the outbox is
durable from the start); its ``seq`` is the order events are delivered in, per
consumer and company. Every attempt is kept, with what the receiver answered.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type

_SEQ = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER only


class WebhookConsumerRow(Base):
    __tablename__ = "webhook_consumers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(default=False)
    event_types: Mapped[list[str]] = mapped_column(json_type(), default=list)
    company_tags: Mapped[list[str] | None] = mapped_column(json_type())
    # The signing secret (whsec_...), encrypted with the vault.
    secret: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    # Why and when it was disabled: "manual" (API or portal) or "failing" (automatic).
    disabled_reason: Mapped[str | None] = mapped_column(String(32))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when every attempt has failed (None after a success): the auto-disable clock.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    consumer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("webhook_consumers.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("events.id", ondelete="CASCADE"))
    company_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # no FK: outlives the company
    event_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # Pending, Delivered, Failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A worker sending it holds it until then (a worker that died lets it go).
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    completed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A manual replay is a new delivery of the same event; this names the one replayed.
    replay_of: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt", "status", "next_attempt"),
        Index(
            "ix_webhook_deliveries_consumer_company_status", "consumer_id", "company_id", "status"
        ),
        Index("ix_webhook_deliveries_consumer_id_seq", "consumer_id", "seq"),
        Index("ix_webhook_deliveries_event_id", "event_id"),
    )


class WebhookAttemptRow(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=True)
    delivery_seq: Mapped[int] = mapped_column(
        _SEQ, ForeignKey("webhook_deliveries.seq", ondelete="CASCADE")
    )
    attempted: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    # The start of what the receiver answered (at most RESPONSE_EXCERPT characters).
    response: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    trigger: Mapped[str] = mapped_column(String(16), default="scheduled")

    __table_args__ = (Index("ix_webhook_attempts_delivery_seq", "delivery_seq"),)
