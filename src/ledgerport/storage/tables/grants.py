"""OAuth grants, Link authorizations in flight, and per-platform client settings.

Every token and client secret is stored encrypted (``storage/vault.py``); the columns
hold Fernet tokens, never plaintext.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime


class GrantRow(Base):
    """A connection's OAuth grant. ``version`` moves on every refresh, so a worker can
    tell that another one refreshed while it waited for the lock."""

    __tablename__ = "connection_grants"

    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scope: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    refreshed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the company was warned that the grant runs out (None: not warned).
    expiry_warned: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LinkAuthorizationRow(Base):
    """One trip to a platform's consent page: the ``state`` (stored as its SHA-256) ties
    the callback to the connection and to the Link URL's nonce at the time, and the
    PKCE verifier waits here, encrypted, for the code."""

    __tablename__ = "link_authorizations"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    link_nonce: Mapped[str] = mapped_column(String(64))
    verifier: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IntegrationSettingsRow(Base):
    """A platform's OAuth app registration set in the portal or CLI; overrides the
    server settings' ``LEDGERPORT_INTEGRATIONS`` for that platform."""

    __tablename__ = "integration_settings"

    platform_key: Mapped[str] = mapped_column(String(4), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    client_id: Mapped[str | None] = mapped_column(String(255))
    client_secret: Mapped[str | None] = mapped_column(Text)
    redirect_uri: Mapped[str | None] = mapped_column(String(2048))
    base_url: Mapped[str | None] = mapped_column(String(2048))
    modified: Mapped[datetime] = mapped_column(UTCDateTime)
