"""The schedule: which pulls are due, and which connections have lost their grant.

Run every minute by the job queue. A data type is due when the connection's platform
reads it and its last successful pull is older than the company's ``syncSchedule``
(so each schedule restarts from the last successful sync, as Codat's does); one never
pulled is due at once if it is ``fetchOnFirstLink``. A connection not synced for its
platform's authorization lifetime is set ``Deauthorized`` with a linking error: the
platform has revoked the grant by then, and the company needs a new Link URL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus, ErrorStatus
from ledgerport.domain.sync_settings import default_settings
from ledgerport.domain.tokens import new_nonce
from ledgerport.services import Services
from ledgerport.storage.repositories import pulls, settings
from ledgerport.storage.tables import ConnectionRow


@dataclass(frozen=True)
class ScheduleResult:
    queued: list[uuid.UUID]
    deauthorized: list[uuid.UUID]


def _deauthorize(connection: ConnectionRow, lifetime: timedelta, now: datetime) -> None:
    connection.status = ConnectionStatus.DEAUTHORIZED.value
    connection.link_nonce = new_nonce()  # a fresh Link URL for the company to re-authorize
    connection.link_issued_at = now
    connection.link_used_at = None
    connection.errors = [
        *(connection.errors or []),
        {
            "statusCode": "401",
            "statusText": "Deauthorized",
            "errorMessage": f"Not synced for {lifetime.days} days: the platform revokes "
            "authorization after that. Send the company its new Link URL.",
            "erroredOnUtc": to_codat(now),
            "status": ErrorStatus.ACTIVE.value,
        },
    ]


def run(session: Session, services: Services, now: datetime) -> ScheduleResult:
    """Queue due pulls and deauthorize stale connections, in the caller's transaction.
    The caller enqueues a job per queued pull once this has committed."""
    queued: list[uuid.UUID] = []
    deauthorized: list[uuid.UUID] = []
    linked = session.scalars(
        select(ConnectionRow).where(ConnectionRow.status == ConnectionStatus.LINKED.value)
    ).all()
    for connection in linked:
        connector = services.connectors.get(connection.platform_key)
        if connector is None:
            continue
        lifetime = connector.authorization_lifetime
        last_used = connection.last_sync or connection.link_used_at or connection.created
        if lifetime is not None and now - last_used >= lifetime:
            _deauthorize(connection, lifetime, now)
            deauthorized.append(connection.id)
            continue
        wanted, _ = settings.effective_sync_settings(
            session, connection.company_id, default_settings()
        )
        by_type = {s["dataType"]: s for s in wanted}
        for stream in connector.reads:
            setting = by_type.get(stream.data_type.value)
            if setting is None:
                continue
            last = pulls.last_successful(session, connection.id, stream.data_type.value)
            if last is None:
                due = bool(setting.get("fetchOnFirstLink"))
            else:
                due = now - (last.completed or last.requested) >= timedelta(
                    hours=setting["syncSchedule"]
                )
            if due:
                row, created = pulls.queue(
                    session, connection.company_id, connection.id, stream.data_type.value, now
                )
                if created:
                    queued.append(row.id)
    session.flush()
    return ScheduleResult(queued=queued, deauthorized=deauthorized)
