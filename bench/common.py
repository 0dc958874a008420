"""What the benchmarks share: a company linked to a platform, written straight to the
database (no HTTP), as Link would leave it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.storage.db import transaction
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from ledgerport.storage.types import utcnow


def linked_company(
    sessions: sessionmaker[Session],
    name: str,
    *,
    platform_key: str = "mqjo",
    connection_info: dict[str, Any] | None = None,
    company_id: uuid.UUID | None = None,
    connection_id: uuid.UUID | None = None,
) -> ConnectionRow:
    """A new company with one ``Linked`` connection; returns the connection."""
    now = utcnow()
    company = CompanyRow(
        id=company_id or uuid.uuid4(),
        name=name,
        description=None,
        tags={},
        products=[],
        created=now,
        link_nonce=new_nonce(),
    )
    connection = ConnectionRow(
        id=connection_id or uuid.uuid4(),
        platform_key=platform_key,
        status=ConnectionStatus.LINKED.value,
        created=now,
        link_nonce=new_nonce(),
        link_issued_at=now,
        errors=[],
        connection_info=connection_info,
    )
    company.connections = [connection]
    with transaction(sessions) as session:
        session.add(company)
    return connection
