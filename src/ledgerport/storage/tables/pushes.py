from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class PushOperationRow(Base):
    """One write to one connection (Codat's push operation), with how it went."""

    __tablename__ = "push_operations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # pushOperationKey
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE")
    )
    data_type: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))  # Create, Update, Delete, UploadAttachment
    status: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[int] = mapped_column(Integer)
    requested: Mapped[datetime] = mapped_column(UTCDateTime)
    completed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timeout_minutes: Mapped[int] = mapped_column(Integer)
    # The record as sent; replaced by the record as the platform holds it on success.
    data: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    record_id: Mapped[str | None] = mapped_column(String(255))  # update/delete target
    force_update: Mapped[bool] = mapped_column(default=False)
    error_message: Mapped[str | None] = mapped_column(Text)
    validation: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), default=list)
    # An uploaded file (attachment pushes), kept until the write is done.
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_type: Mapped[str | None] = mapped_column(String(255))
    file_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Delivery bookkeeping: attempts made, whether one may have reached the platform
    # (then the next attempt looks the write up before sending), when to try again.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    in_doubt: Mapped[bool] = mapped_column(default=False)
    next_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What happened on each attempt, and who ran it (the push's audit).
    audit: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    # Which client feature created it ("push", "payables", "expenses:<syncId>").
    origin: Mapped[str] = mapped_column(String(64), default="push")

    __table_args__ = (
        Index("ix_push_operations_company_requested", "company_id", "requested"),
        Index("ix_push_operations_status_next", "status", "next_attempt"),
        Index("ix_push_operations_origin", "origin"),
        # /metrics counts outcomes per connection, data type and status (outcomes.py).
        Index("ix_push_operations_connection_type_status", "connection_id", "data_type", "status"),
    )


class WriteLogRow(Base):
    """The durable memory of a platform that runs inside ledgerport (the sandbox): what
    was written to it, in order. Committed by itself, as a remote platform's own
    database would be, so a write can have happened while its push is unsettled."""

    __tablename__ = "write_log"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(255))
    # How many entries the platform held when this one was written: unique, so of two
    # writes decided on the same state, only the first is kept (the other is retried
    # on the new state), as a platform serializes writes to one company's books.
    position: Mapped[int] = mapped_column(Integer)
    entry: Mapped[dict[str, Any]] = mapped_column(json_type())
    logged: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_write_log_connection_key", "connection_id", "key", unique=True),
        Index("ix_write_log_connection_position", "connection_id", "position", unique=True),
    )
