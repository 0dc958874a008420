"""Portal users, their server-side sessions and failed sign-ins.

The portal is for the people who run this server (not the SMBs, who only see Link), so
these rows are separate from API keys: a browser session never authorizes an API call.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime


class UserRow(Base):
    __tablename__ = "portal_users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # Stored lower-cased, so sign-in and uniqueness ignore case on both engines.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # An argon2id PHC string: the salt and cost parameters travel with the hash.
    password_hash: Mapped[str] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SessionRow(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept, so a copy of
    the database cannot be replayed as a session."""

    __tablename__ = "portal_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("portal_users.id", ondelete="CASCADE")
    )
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_portal_sessions_user_id", "user_id"),)


class SignInFailureRow(Base):
    """One failed sign-in, keyed by a hash of email and client address. Kept in the
    database so the limit holds across worker processes and restarts."""

    __tablename__ = "portal_sign_in_failures"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_portal_sign_in_failures_key_hash_at", "key_hash", "at"),)
