from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow


def get(session: Session, company_id: uuid.UUID, connection_id: uuid.UUID) -> ConnectionRow | None:
    return session.scalar(
        select(ConnectionRow).where(
            ConnectionRow.company_id == company_id, ConnectionRow.id == connection_id
        )
    )


def create_pending(session: Session, company_id: uuid.UUID, platform_key: str) -> ConnectionRow:
    """A new connection waiting for the company to authorize it through its Link URL."""
    now = utcnow()
    row = ConnectionRow(
        id=uuid.uuid4(),
        company_id=company_id,
        platform_key=platform_key,
        status=ConnectionStatus.PENDING_AUTH.value,
        created=now,
        link_nonce=new_nonce(),
        link_issued_at=now,
        errors=[],
    )
    session.add(row)
    session.flush()
    return row


def pending_for_platform(
    session: Session, company_id: uuid.UUID, platform_key: str
) -> ConnectionRow | None:
    """The newest connection to this platform still waiting for an unused Link URL."""
    return session.scalar(
        select(ConnectionRow)
        .where(
            ConnectionRow.company_id == company_id,
            ConnectionRow.platform_key == platform_key,
            ConnectionRow.status == ConnectionStatus.PENDING_AUTH.value,
            ConnectionRow.link_used_at.is_(None),
        )
        .order_by(ConnectionRow.created.desc())
        .limit(1)
    )


def remove(session: Session, connection: ConnectionRow) -> None:
    session.delete(connection)
    session.flush()
