"""The events outbox: written with the change it reports, read by webhook delivery."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import EventRow


def record(
    session: Session,
    type_: str,
    now: datetime,
    *,
    company_id: uuid.UUID | None = None,
    connection_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> EventRow:
    row = EventRow(
        id=uuid.uuid4(),
        type=type_,
        company_id=company_id,
        connection_id=connection_id,
        data=data or {},
        created=now,
    )
    session.add(row)
    return row


def for_company(session: Session, company_id: uuid.UUID) -> list[EventRow]:
    return list(
        session.scalars(
            select(EventRow).where(EventRow.company_id == company_id).order_by(EventRow.created)
        )
    )
