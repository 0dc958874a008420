"""A connection's OAuth grant, decrypted only on the way out.

``load(..., lock=True)`` is how a refresh becomes one-at-a-time: on PostgreSQL it takes
the grant's row lock (``SELECT ... FOR UPDATE``); on SQLite the caller's write
transaction (``BEGIN IMMEDIATE``) already excludes every other writer, in every process.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import GrantRow
from ledgerport.storage.vault import Vault


@dataclass(frozen=True)
class StoredGrant:
    access_token: str
    refresh_token: str | None
    expires_at: datetime
    refresh_expires_at: datetime | None
    version: int
    refreshed: datetime | None
    expiry_warned: datetime | None


def load(
    session: Session, vault: Vault, connection_id: uuid.UUID, *, lock: bool = False
) -> StoredGrant | None:
    query = select(GrantRow).where(GrantRow.connection_id == connection_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        return None
    return StoredGrant(
        access_token=vault.decrypt(row.access_token),
        refresh_token=vault.decrypt(row.refresh_token) if row.refresh_token else None,
        expires_at=row.expires_at,
        refresh_expires_at=row.refresh_expires_at,
        version=row.version,
        refreshed=row.refreshed,
        expiry_warned=row.expiry_warned,
    )


def save(
    session: Session,
    vault: Vault,
    connection_id: uuid.UUID,
    *,
    access_token: str,
    refresh_token: str | None,
    expires_at: datetime,
    refresh_expires_at: datetime | None,
    scope: str | None,
    now: datetime,
    refreshed: bool,
) -> int:
    """Store a new or refreshed grant; returns its version. A refresh keeps the row and
    moves the version; a new authorization (Link again) replaces it and starts over."""
    row = session.get(GrantRow, connection_id)
    if row is None:
        row = GrantRow(connection_id=connection_id, created=now, version=0)
        session.add(row)
    row.access_token = vault.encrypt(access_token)
    row.refresh_token = vault.encrypt(refresh_token) if refresh_token else None
    row.expires_at = expires_at
    row.refresh_expires_at = refresh_expires_at
    row.scope = scope
    row.version = (row.version or 0) + 1
    row.refreshed = now if refreshed else None
    row.expiry_warned = None  # a new or refreshed grant has its full life ahead
    if not refreshed:
        row.created = now
    session.flush()
    return row.version


def mark_warned(session: Session, connection_id: uuid.UUID, now: datetime) -> None:
    row = session.get(GrantRow, connection_id)
    if row is not None:
        row.expiry_warned = now


def remove(session: Session, connection_id: uuid.UUID) -> None:
    """Forget the grant (unlink, deauthorization): no token outlives its connection."""
    session.execute(delete(GrantRow).where(GrantRow.connection_id == connection_id))


def expiring(session: Session, before: datetime) -> list[GrantRow]:
    """Grants whose refresh token runs out before ``before`` and that nobody was warned
    about yet (no secrets decrypted)."""
    return list(
        session.scalars(
            select(GrantRow).where(
                GrantRow.refresh_expires_at.is_not(None),
                GrantRow.refresh_expires_at < before,
                GrantRow.expiry_warned.is_(None),
            )
        )
    )


def rotate_all(session: Session, vault: Vault) -> int:
    """Re-encrypt every stored token with the vault's first key."""
    count = 0
    for row in session.scalars(select(GrantRow)):
        row.access_token = vault.rotate(row.access_token)
        if row.refresh_token:
            row.refresh_token = vault.rotate(row.refresh_token)
        count += 1
    return count
