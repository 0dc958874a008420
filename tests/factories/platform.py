"""Factories for platform rows (companies, connections, API keys), with the traits tests
need, written straight through the repositories (no HTTP)."""

from __future__ import annotations

import base64
import itertools
import uuid
from datetime import datetime, timedelta

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import api_keys
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from ledgerport.storage.types import utcnow

_seq = itertools.count(1)


def basic(key: str) -> dict[str, str]:
    """The Authorization header the Codat SDKs send for ``key``."""
    return {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}


def api_key(services: Services, name: str | None = "test") -> str:
    with transaction(services.sessions) as session:
        return api_keys.create(session, name).key


def company(
    services: Services,
    *,
    name: str | None = None,
    tags: dict[str, str] | None = None,
    created: datetime | None = None,
    connections: tuple[tuple[str, ConnectionStatus], ...] = (),
) -> CompanyRow:
    n = next(_seq)
    now = created or utcnow()
    row = CompanyRow(
        id=uuid.uuid4(),
        name=name or f"Company {n}",
        description=None,
        tags=tags or {},
        products=[],
        created=now,
        link_nonce=new_nonce(),
    )
    row.connections = [
        ConnectionRow(
            id=uuid.uuid4(),
            platform_key=key,
            status=status.value,
            created=now + timedelta(microseconds=i),
            link_nonce=new_nonce(),
            link_issued_at=now,
            errors=[],
        )
        for i, (key, status) in enumerate(connections)
    ]
    with transaction(services.sessions) as session:
        session.add(row)
    return row
