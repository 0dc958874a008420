from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type

INDEXED_TEXT = 200
"""Longest text kept in an indexed column (PostgreSQL's b-tree refuses very long keys);
a longer value is left NULL there and queries for it read the JSON instead."""


_SCOPE = ("company_id", "data_type")
_KEY = ("record_id", "connection_id")


class RecordRow(Base):
    """One standard-model record (an invoice, a supplier...) as Codat shows it.

    ``data`` is the whole Codat-shaped document, served as stored; the columns beside it
    are what the store itself needs: identity, change detection and ordering.
    """

    __tablename__ = "records"

    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    data_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    # blake2b of the document without modifiedDate: a record "changes" (and gets a new
    # modifiedDate) only when its content does.
    content_hash: Mapped[str] = mapped_column(String(32))
    modified_date: Mapped[datetime] = mapped_column(UTCDateTime)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Copies of the most queried fields, for index seeks instead of JSON scans; which
    # path fills which column per data type is ``storage/indexed_fields.py``'s call.
    f_ref_id: Mapped[str | None] = mapped_column(String(INDEXED_TEXT))
    f_name: Mapped[str | None] = mapped_column(String(INDEXED_TEXT))
    f_status: Mapped[str | None] = mapped_column(String(INDEXED_TEXT))
    f_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    f_due_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    f_amount: Mapped[Decimal | None] = mapped_column(Numeric)
    f_amount_due: Mapped[Decimal | None] = mapped_column(Numeric)
    # Last: SQLite reads a column stored after a large value only by walking that
    # value's overflow pages (see migration 0006).
    data: Mapped[dict[str, Any]] = mapped_column(json_type())

    __table_args__ = (
        # Every index ends with the key, so ordered pages (orderBy, then the key as
        # tiebreak) are read and sorted from the index alone, never from the rows.
        Index(
            "ix_records_company_type_modified",
            "company_id",
            "data_type",
            "modified_date",
            "record_id",
            "connection_id",
        ),
        # Counterparty (+ status) then date: "this customer's open invoices by date".
        Index("ix_records_name", *_SCOPE, "f_name", "f_status", "f_date", *_KEY),
        Index("ix_records_status", *_SCOPE, "f_status", "f_date", *_KEY),
        Index("ix_records_date", *_SCOPE, "f_date", *_KEY),
        Index("ix_records_ref", *_SCOPE, "f_ref_id", "f_date", *_KEY),
    )


class DatasetRow(Base):
    """That a data type has been pulled for a connection, and when: reads of a data type
    never pulled are Codat's 409."""

    __tablename__ = "datasets"

    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    data_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    last_pulled: Mapped[datetime] = mapped_column(UTCDateTime)
    record_count: Mapped[int] = mapped_column(Integer)
