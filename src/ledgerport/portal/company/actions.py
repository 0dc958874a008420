"""The company page's writes, each the storage sequence its API twin runs, so a click in
the portal and the API call leave the same rows, grants and events behind:

- unlink: ``PATCH /companies/{id}/connections/{connectionId}`` with status Unlinked;
- delete: ``DELETE /companies/{id}/connections/{connectionId}``;
- refresh: ``POST /companies/{id}/data/all``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.repositories import connections as repo
from ledgerport.storage.tables import ConnectionRow
from ledgerport.sync import refresh


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
    """What ``POST .../data/all`` queues (the same function)."""
    return refresh.queue_all(services, session, company_id, now)
