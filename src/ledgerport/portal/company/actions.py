"""The company page's writes, each the storage sequence its API twin runs, so a click in
the portal and the API call leave the same rows, grants and events behind:

- unlink: ``PATCH /companies/{id}/connections/{connectionId}`` with status Unlinked;
- delete: ``DELETE /companies/{id}/connections/{connectionId}``;
- refresh: ``POST /companies/{id}/data/all``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.sync_settings import default_settings
from ledgerport.services import Services
from ledgerport.storage.repositories import connections as repo
from ledgerport.storage.repositories import pulls, settings
from ledgerport.storage.tables import ConnectionRow


def unlink(session: Session, row: ConnectionRow, now: datetime) -> bool:
    """Unlinked as the API's PATCH leaves it (the same storage function); False if it
    already was."""
    return repo.change_status_for_client(session, row, ConnectionStatus.UNLINKED, now)


def delete(session: Session, row: ConnectionRow) -> None:
    """Its data, files and history go with it (ON DELETE CASCADE)."""
    repo.remove(session, row)


def queue_all(
    services: Services, session: Session, company_id: uuid.UUID, now: datetime
) -> tuple[list[uuid.UUID], int]:
    """Every fetchOnFirstLink type each linked connection's platform reads: the pulls
    newly queued (to hand to the job queue) and how many were already under way."""
    wanted, _ = settings.effective_sync_settings(session, company_id, default_settings())
    first_link = {s["dataType"] for s in wanted if s.get("fetchOnFirstLink")}
    queued: list[uuid.UUID] = []
    running = 0
    linked = session.scalars(
        select(ConnectionRow).where(
            ConnectionRow.company_id == company_id,
            ConnectionRow.status == ConnectionStatus.LINKED.value,
        )
    )
    for connection in linked:
        connector = services.connectors.get(connection.platform_key)
        for stream in connector.reads if connector else ():
            if stream.data_type.value in first_link:
                row, created = pulls.queue(
                    session, company_id, connection.id, stream.data_type.value, now
                )
                if created:
                    queued.append(row.id)
                else:
                    running += 1
    return queued, running
