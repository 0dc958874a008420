from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import ConnectionRow


def get(session: Session, company_id: uuid.UUID, connection_id: uuid.UUID) -> ConnectionRow | None:
    return session.scalar(
        select(ConnectionRow).where(
            ConnectionRow.company_id == company_id, ConnectionRow.id == connection_id
        )
    )


def page(
    session: Session, filtered: Select[Any], *, offset: int, limit: int
) -> tuple[Sequence[ConnectionRow], int]:
    total = (
        session.scalar(select(func.count()).select_from(filtered.order_by(None).subquery())) or 0
    )
    if offset >= total:
        return [], total
    return session.scalars(filtered.offset(offset).limit(limit)).all(), total


def add(session: Session, connection: ConnectionRow) -> ConnectionRow:
    session.add(connection)
    session.flush()
    return connection


def remove(session: Session, connection: ConnectionRow) -> None:
    session.delete(connection)
    session.flush()
