"""Platform app registrations kept in the database (set in the portal or with
``ledgerport integration set``), client secrets encrypted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import IntegrationSettingsRow
from ledgerport.storage.vault import Vault


@dataclass(frozen=True)
class StoredIntegration:
    platform_key: str
    enabled: bool
    client_id: str | None
    client_secret: str | None
    redirect_uri: str | None
    base_url: str | None


def get(session: Session, vault: Vault, platform_key: str) -> StoredIntegration | None:
    row = session.get(IntegrationSettingsRow, platform_key)
    if row is None:
        return None
    return StoredIntegration(
        platform_key=row.platform_key,
        enabled=row.enabled,
        client_id=row.client_id,
        client_secret=vault.decrypt(row.client_secret) if row.client_secret else None,
        redirect_uri=row.redirect_uri,
        base_url=row.base_url,
    )


def put(
    session: Session,
    vault: Vault,
    platform_key: str,
    now: datetime,
    *,
    enabled: bool | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    redirect_uri: str | None = None,
    base_url: str | None = None,
) -> None:
    """Set the given fields, keeping the others (None means unchanged; an empty string
    clears a field)."""
    row = session.get(IntegrationSettingsRow, platform_key)
    if row is None:
        row = IntegrationSettingsRow(platform_key=platform_key, enabled=True, modified=now)
        session.add(row)
    if enabled is not None:
        row.enabled = enabled
    if client_id is not None:
        row.client_id = client_id or None
    if client_secret is not None:
        row.client_secret = vault.encrypt(client_secret) if client_secret else None
    if redirect_uri is not None:
        row.redirect_uri = redirect_uri or None
    if base_url is not None:
        row.base_url = base_url or None
    row.modified = now
    session.flush()


def rotate_all(session: Session, vault: Vault) -> int:
    count = 0
    for row in session.scalars(select(IntegrationSettingsRow)):
        if row.client_secret:
            row.client_secret = vault.rotate(row.client_secret)
            count += 1
    return count
