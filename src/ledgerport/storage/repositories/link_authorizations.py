"""Trips to a platform's consent page that have not come back yet.

The ``state`` sent to the platform is random; only its SHA-256 is stored, so a database
reader cannot forge a callback. Each state works once and for a short time, and names
the Link URL nonce it was started under: a Link URL reissued meanwhile (or already used)
voids it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ledgerport.storage.tables import LinkAuthorizationRow
from ledgerport.storage.vault import Vault

LIFETIME = timedelta(minutes=30)


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def start(
    session: Session,
    vault: Vault,
    connection_id: uuid.UUID,
    link_nonce: str,
    verifier: str,
    now: datetime,
) -> str:
    """Record a new trip; returns the ``state`` to send."""
    state = secrets.token_urlsafe(32)
    session.add(
        LinkAuthorizationRow(
            state_hash=state_hash(state),
            connection_id=connection_id,
            link_nonce=link_nonce,
            verifier=vault.encrypt(verifier),
            created=now,
            expires_at=now + LIFETIME,
        )
    )
    # Old trips of this connection that never came back: no longer needed.
    session.execute(
        delete(LinkAuthorizationRow).where(
            LinkAuthorizationRow.connection_id == connection_id,
            LinkAuthorizationRow.expires_at < now,
        )
    )
    session.flush()
    return state


@dataclass(frozen=True)
class Trip:
    connection_id: uuid.UUID
    link_nonce: str
    verifier: str


def take(session: Session, vault: Vault, state: str, now: datetime) -> Trip | str:
    """The trip ``state`` belongs to, consumed; or why not: "unknown", "used", "expired".
    Consumption is one conditional update, so a callback replayed in parallel loses."""
    row = session.get(LinkAuthorizationRow, state_hash(state))
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    if row.expires_at <= now:
        return "expired"
    result = session.execute(
        update(LinkAuthorizationRow)
        .where(
            LinkAuthorizationRow.state_hash == row.state_hash,
            LinkAuthorizationRow.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return "used"
    return Trip(row.connection_id, row.link_nonce, vault.decrypt(row.verifier))
