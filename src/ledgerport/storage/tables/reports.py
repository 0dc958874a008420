from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class ReportRow(Base):
    """One generated report (Codat's ReportOperation) and, once complete, its result:
    the whole analysis as JSON, so every later read serves exactly what was computed
    then, however the data has changed since."""

    __tablename__ = "reports"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    report_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    requested: Mapped[datetime] = mapped_column(UTCDateTime)
    updated: Mapped[datetime] = mapped_column(UTCDateTime)
    error_message: Mapped[str | None] = mapped_column(Text)
    # The options the analysis ran with (its "today", window...), fixed at request time.
    options: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    # Deferred: lists and status reads never load a report's (large) result.
    result: Mapped[dict[str, Any] | None] = deferred(mapped_column(json_type()))

    __table_args__ = (
        Index("ix_reports_company_type_requested", "company_id", "report_type", "requested"),
    )
