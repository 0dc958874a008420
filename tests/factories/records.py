"""Records as a completed pull leaves them (saved, the data set marked), written through
the records store itself, for tests of what reads them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import records
from ledgerport.storage.types import utcnow


def pulled(
    services: Services,
    company: Any,
    data_type: str,
    documents: Sequence[Mapping[str, Any]],
    *,
    when: datetime | None = None,
    connection_id: uuid.UUID | None = None,
) -> records.BatchResult:
    """Save ``documents`` as a pull of ``data_type`` on the company's first connection
    (or ``connection_id``) would, and mark the data set pulled."""
    connection = connection_id or company.connections[0].id
    now = when or utcnow()
    with transaction(services.sessions) as session:
        result = records.save_batch(
            session,
            company_id=company.id,
            connection_id=connection,
            data_type=data_type,
            documents=documents,
            now=now,
        )
        records.mark_dataset(
            session, company_id=company.id, connection_id=connection, data_type=data_type, now=now
        )
    return result
