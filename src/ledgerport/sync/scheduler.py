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
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.sync_settings import default_settings
from ledgerport.services import Services
from ledgerport.storage.repositories import connections, events, grants, pulls, settings
from ledgerport.storage.tables import ConnectionRow


@dataclass(frozen=True)
class ScheduleResult:
    queued: list[uuid.UUID]
    deauthorized: list[uuid.UUID]


# How long before a grant's refresh token runs out the company is warned.
EXPIRY_WARNING = timedelta(days=7)


def _deauthorize(
    session: Session, connection: ConnectionRow, lifetime: timedelta, now: datetime
) -> None:
    connections.deauthorize(
        session,
        connection,
        f"Not synced for {lifetime.days} days: the platform revokes authorization after "
        "that. Send the company its new Link URL.",
        now,
    )


def warn_expiring(session: Session, services: Services, now: datetime) -> list[uuid.UUID]:
    """Warn once about each linked connection whose refresh token runs out within a
    week (unused for nearly 60 days at Xero, 100 at QuickBooks, or QuickBooks' 5-year
    maximum): a linking error the client's app can read, and an outbox event. A sync
    before then renews it and clears the warning."""
    warned: list[uuid.UUID] = []
    for grant in grants.expiring(session, now + EXPIRY_WARNING):
        connection = session.get(ConnectionRow, grant.connection_id)
        if connection is None or connection.status != ConnectionStatus.LINKED.value:
            continue
        assert grant.refresh_expires_at is not None
        name = services.platform_names.get(connection.platform_key, connection.platform_key)
        message = (
            f"The {name} authorization expires at {to_codat(grant.refresh_expires_at)} "
            "unless the connection syncs before then; after that the company must link "
            "again."
        )
        connections.add_error(connection, "200", "AuthorizationExpiring", message, now)
        events.record(
            session,
            "connection.authorizationExpiring",
            now,
            company_id=connection.company_id,
            connection_id=connection.id,
            data=connections.event_payload(
                connection, expiresAt=to_codat(grant.refresh_expires_at), message=message
            ),
        )
        grants.mark_warned(session, connection.id, now)
        warned.append(connection.id)
    return warned


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
            _deauthorize(session, connection, lifetime, now)
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
    warn_expiring(session, services, now)
    session.flush()
    return ScheduleResult(queued=queued, deauthorized=deauthorized)
