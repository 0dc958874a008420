from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class UploadedFileRow(Base):
    """A file the business sent through Codat's Files API (a pitch deck, an ID, a bank
    statement, or the spreadsheets and PDF bills of a file-upload connection). The bytes
    live in the blob store (a directory, or S3) under ``blob_key``; rows from before the
    blob store keep theirs in ``content``. The same bytes sent twice to a connection are
    kept once: the sha256 is unique per connection.

    On a file-upload connection a file also carries what reading it needs: the detected
    mapping of its sheets (``detected``), the one a person confirmed (``mappings``), and
    what the last import made of it (counts, review items, error)."""

    __tablename__ = "uploaded_files"
    __table_args__ = (
        UniqueConstraint("connection_id", "sha256", name="uq_uploaded_files_connection_sha256"),
        Index("ix_uploaded_files_company_uploaded", "company_id", "uploaded"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE")
    )
    file_name: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Loaded only when read (rows from before the blob store): listing files never
    # carries their bytes.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    blob_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    uploaded: Mapped[datetime] = mapped_column(UTCDateTime)
    # Stored (kept for the lender, not read), AwaitingConfirmation, Confirmed, Imported
    # or Failed: see domain/uploads.py.
    status: Mapped[str] = mapped_column(String(32), default="Stored", server_default="Stored")
    format: Mapped[str | None] = mapped_column(String(8), nullable=True)
    detected: Mapped[dict[str, Any] | None] = mapped_column(json_type(), nullable=True)
    mappings: Mapped[list[dict[str, Any]] | None] = mapped_column(json_type(), nullable=True)
    confirmed: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    imported: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    suppliers_found: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bills_found: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review: Mapped[list[dict[str, Any]] | None] = mapped_column(json_type(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
