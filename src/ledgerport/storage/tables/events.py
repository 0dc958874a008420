"""Events worth telling a client about (a connection's status changed, its grant is
about to run out), written in the transaction that made them true: an outbox that
webhook delivery reads, so an event is never sent for a change that rolled back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    connection_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    data: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    created: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_events_company_id_created", "company_id", "created"),)
