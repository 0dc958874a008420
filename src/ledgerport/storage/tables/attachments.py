from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class AttachmentRow(Base):
    """One file on one record (an invoice's PDF, a bill's scanned receipt...).

    The bytes live in the row, not in files on disk: a pull writes a record's files in
    the same transaction as the record, so a failed pull leaves the old files exactly as
    the old record, and backups, deletes (``ON DELETE CASCADE``) and PostgreSQL replicas
    need nothing beyond the database. Platforms cap attachments at 4 MB (Xero) to 100 MB
    (QuickBooks Online, NetSuite), within what a BLOB or ``bytea`` (1 GB) column holds.
    """

    __tablename__ = "attachments"

    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    # The parent record's data type and id, as in ``records`` (no foreign key to it:
    # files stay when a record is flagged deleted, and go with its connection).
    data_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    attachment_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    # Codat's ``Attachment`` document, served as stored.
    data: Mapped[dict[str, Any]] = mapped_column(json_type())
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # blake2b of the bytes: with the metadata, what tells a replaced file from the same
    # file fetched again (only a real change moves ``modifiedDate``).
    content_hash: Mapped[str] = mapped_column(String(32))
    modified_date: Mapped[datetime] = mapped_column(UTCDateTime)
