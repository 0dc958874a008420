from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import ConnectionRow


def get(session: Session, company_id: uuid.UUID, connection_id: uuid.UUID) -> ConnectionRow | None:
    return session.scalar(
        select(ConnectionRow).where(
            ConnectionRow.company_id == company_id, ConnectionRow.id == connection_id
        )
    )


def add(session: Session, connection: ConnectionRow) -> ConnectionRow:
    session.add(connection)
    session.flush()
    return connection


def remove(session: Session, connection: ConnectionRow) -> None:
    session.delete(connection)
    session.flush()
