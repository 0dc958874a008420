from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime


class UploadedFileRow(Base):
    """A file the business sent through Codat's Files API (a pitch deck, an ID, a bank
    statement...), kept in the database like attachments so backups and cascading
    deletes need nothing beyond it. The same bytes sent twice to a connection are kept
    once: the sha256 is unique per connection."""

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
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded: Mapped[datetime] = mapped_column(UTCDateTime)
