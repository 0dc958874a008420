"""First start: a sandbox company, linked, so a newcomer sees data within seconds."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.storage.repositories import companies, connections, webhook_events
from ledgerport.storage.tables import CompanyRow
from ledgerport.storage.types import utcnow

SANDBOX_KEY = "mqjo"


def create_sandbox_company(session: Session) -> CompanyRow:
    """A company linked to the sandbox platform, as if it had completed Link."""
    now = utcnow()
    company = companies.add(
        session,
        CompanyRow(
            id=uuid.uuid4(),
            name="Sandbox Company",
            description="Generated sample data, created on first start.",
            tags={},
            products=[],
            created=now,
            created_by_user_name="ledgerport",
            link_nonce=new_nonce(),
        ),
    )
    connection = connections.create_pending(session, company.id, SANDBOX_KEY)
    connection.status = ConnectionStatus.LINKED.value
    connection.link_used_at = now
    session.flush()
    webhook_events.connection_linked(session, connection, ConnectionStatus.PENDING_AUTH.value, now)
    return company
