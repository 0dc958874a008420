from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class ConnectionRow(Base):
    """A data connection: one company's link to one platform."""

    __tablename__ = "connections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    platform_key: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sync: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Link URL token material: token = HMAC(secret, id:nonce); valid until used or expired.
    link_nonce: Mapped[str] = mapped_column(String(64))
    link_issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    link_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Codat's dataConnectionErrors, newest last.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), default=list)
    connection_info: Mapped[dict[str, Any] | None] = mapped_column(json_type())

    company: Mapped[Any] = relationship("CompanyRow", back_populates="connections")

    __table_args__ = (
        Index("ix_connections_company_id_created", "company_id", "created"),
        Index("ix_connections_status", "status"),
    )
