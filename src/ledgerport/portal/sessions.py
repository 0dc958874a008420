"""Server-side portal sessions.

The browser holds a random token in an HttpOnly, SameSite=Lax cookie; the database holds
only its SHA-256, with an absolute expiry and an idle timeout. Signing out deletes the
row, so a copied cookie dies with it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import users

COOKIE = "lp_session"
LIFETIME = timedelta(days=7)
IDLE_TIMEOUT = timedelta(hours=8)
# last_seen is written at most this often, so page views are not each a write.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    """The user behind a request."""

    user_id: uuid.UUID
    email: str
    name: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user_id: uuid.UUID, now: datetime) -> str:
    """A new session for the user; the token is returned once, for the cookie."""
    token = secrets.token_urlsafe(32)
    users.add_session(session, user_id, digest(token), now, now + LIFETIME)
    # Sweep the stale rows of everyone while we are writing anyway.
    users.remove_stale_sessions(session, now, now - IDLE_TIMEOUT)
    return token


def resolve(sessions: sessionmaker[Session], token: str | None, now: datetime) -> SignedIn | None:
    """The user a cookie token signs in, or None if it is unknown, expired or idle."""
    if not token:
        return None
    token_hash = digest(token)
    with sessions() as session:
        found = users.session_with_user(session, token_hash)
    if found is None:
        return None
    row, user = found
    if row.expires <= now or row.last_seen + IDLE_TIMEOUT <= now:
        with transaction(sessions) as session:
            users.remove_session(session, token_hash)
        return None
    if now - row.last_seen >= TOUCH_EVERY:
        with transaction(sessions) as session:
            users.touch_session(session, token_hash, now)
    return SignedIn(user_id=user.id, email=user.email, name=user.name)


def end(sessions: sessionmaker[Session], token: str | None) -> None:
    if token:
        with transaction(sessions) as session:
            users.remove_session(session, digest(token))


def set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )
