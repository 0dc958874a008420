from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class PullOperationRow(Base):
    """One pull of one data type from one connection (Codat's dataset), with its audit."""

    __tablename__ = "pull_operations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE")
    )
    data_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24))
    status_description: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    requested: Mapped[datetime] = mapped_column(UTCDateTime)
    completed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # Source calls, pages, records fetched/created/changed/deleted, cursors: what the
    # pull actually did, so "zero rows, success" can never hide a failure.
    audit: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)

    __table_args__ = (
        Index("ix_pull_operations_company_requested", "company_id", "requested"),
        Index("ix_pull_operations_connection_type_status", "connection_id", "data_type", "status"),
    )
