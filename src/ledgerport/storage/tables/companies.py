from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class CompanyRow(Base):
    __tablename__ = "companies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_user_name: Mapped[str | None] = mapped_column(String(255))
    last_sync: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tags: Mapped[dict[str, str]] = mapped_column(json_type(), default=dict)
    products: Mapped[list[str]] = mapped_column(json_type(), default=list)
    # Random per company; the hosted Link URL's token is derived from it (see domain.links).
    link_nonce: Mapped[str] = mapped_column(String(64))

    connections: Mapped[list[Any]] = relationship(
        "ConnectionRow",
        back_populates="company",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConnectionRow.created",
    )

    __table_args__ = (
        Index("ix_companies_created_id", "created", "id"),
        Index("ix_companies_name", "name"),
    )
