"""Refreshing a company's data: one definition for the API's ``POST .../data/all`` and
the portal's *Refresh data* button."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.sync_settings import default_settings
from ledgerport.services import Services
from ledgerport.storage.repositories import pulls, settings
from ledgerport.storage.tables import ConnectionRow


def queue_all(
    services: Services,
    session: Session,
    company_id: uuid.UUID,
    now: datetime,
    *,
    connection_id: uuid.UUID | None = None,
) -> tuple[list[uuid.UUID], int]:
    """Queue every ``fetchOnFirstLink`` type each linked connection's platform reads
    (only ``connection_id``'s, when given: the connection Link has just linked): the
    pulls newly queued (the caller hands them to the job queue once committed) and how
    many were already queued or running (a refresh of those returns them)."""
    wanted, _ = settings.effective_sync_settings(session, company_id, default_settings())
    first_link = {s["dataType"] for s in wanted if s.get("fetchOnFirstLink")}
    queued: list[uuid.UUID] = []
    running = 0
    query = select(ConnectionRow).where(
        ConnectionRow.company_id == company_id,
        ConnectionRow.status == ConnectionStatus.LINKED.value,
    )
    if connection_id is not None:
        query = query.where(ConnectionRow.id == connection_id)
    linked = session.scalars(query)
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
