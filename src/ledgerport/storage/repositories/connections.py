from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain.connections import check_client_transition
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus, ErrorStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.storage.repositories import events, grants, webhook_events
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
    webhook_events.connection_created(session, row, now)
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
    webhook_events.connection_deleting(session, connection, utcnow())
    session.delete(connection)
    session.flush()


def add_error(
    connection: ConnectionRow, status_code: str, status_text: str, message: str, now: datetime
) -> None:
    """Append one of Codat's ``dataConnectionErrors`` (newest last)."""
    connection.errors = [
        *(connection.errors or []),
        {
            "statusCode": status_code,
            "statusText": status_text,
            "errorMessage": message,
            "erroredOnUtc": to_codat(now),
            "status": ErrorStatus.ACTIVE.value,
        },
    ]


def resolve_errors(connection: ConnectionRow) -> None:
    """Mark every active error resolved (the company authorized again)."""
    connection.errors = [
        {**error, "status": ErrorStatus.RESOLVED.value}
        if error.get("status") == ErrorStatus.ACTIVE.value
        else error
        for error in (connection.errors or [])
    ]


def event_payload(connection: ConnectionRow, **extra: Any) -> dict[str, Any]:
    return {
        "connectionId": str(connection.id),
        "companyId": str(connection.company_id),
        "platformKey": connection.platform_key,
        "status": connection.status,
        **extra,
    }


def deauthorize(
    session: Session,
    connection: ConnectionRow,
    message: str,
    now: datetime,
    status_code: str = "401",
) -> bool:
    """The platform no longer honours the grant: ``Deauthorized`` with a linking error,
    the tokens forgotten, a fresh Link URL (the old one is spent), and the status change
    in the events outbox. False (nothing done) unless it was Linked: a connection the
    client unlinked stays Unlinked, one already Deauthorized is not reported twice."""
    if connection.status != ConnectionStatus.LINKED.value:
        return False
    previous = connection.status
    connection.status = ConnectionStatus.DEAUTHORIZED.value
    connection.link_nonce = new_nonce()
    connection.link_issued_at = now
    connection.link_used_at = None
    add_error(connection, status_code, "Deauthorized", message, now)
    grants.remove(session, connection.id)
    events.record(
        session,
        "connection.disconnected",
        now,
        company_id=connection.company_id,
        connection_id=connection.id,
        data=event_payload(connection, previousStatus=previous, reason=message),
    )
    session.flush()
    return True


def change_status_for_client(
    session: Session, connection: ConnectionRow, target: ConnectionStatus, now: datetime
) -> bool:
    """A client's status change (today only to Unlinked: the API's PATCH and the
    portal's Unlink button): earlier Link URLs stop working and the new one re-links, no
    token outlives the authorization, and the change goes to the events outbox. False
    if the connection already has that status. Raises the domain's error for a change a
    client may not make."""
    current = ConnectionStatus(connection.status)
    if target is current:
        return False
    check_client_transition(current, target)
    connection.status = target.value
    connection.link_nonce = new_nonce()
    connection.link_issued_at = now
    connection.link_used_at = None
    grants.remove(session, connection.id)
    events.record(
        session,
        "connection.disconnected",
        now,
        company_id=connection.company_id,
        connection_id=connection.id,
        data=event_payload(connection, previousStatus=current.value),
    )
    session.flush()
    return True
