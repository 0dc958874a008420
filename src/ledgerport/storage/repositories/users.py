"""Portal users, sessions and failed sign-ins.

Passwords arrive here already hashed and session tokens already digested: this module
never sees a secret, so nothing it logs or stores can be replayed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ledgerport.storage.tables import SessionRow, SignInFailureRow, UserRow


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create(session: Session, email: str, name: str, password_hash: str, now: datetime) -> UserRow:
    row = UserRow(
        id=uuid.uuid4(),
        email=normalize_email(email),
        name=name,
        password_hash=password_hash,
        created=now,
    )
    session.add(row)
    session.flush()
    return row


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(UserRow)) or 0


def list_all(session: Session) -> Sequence[UserRow]:
    return session.scalars(select(UserRow).order_by(UserRow.created, UserRow.id)).all()


def by_email(session: Session, email: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.email == normalize_email(email)))


def get(session: Session, user_id: uuid.UUID) -> UserRow | None:
    return session.get(UserRow, user_id)


# -- sessions ------------------------------------------------------------------------


def add_session(
    session: Session, user_id: uuid.UUID, token_hash: str, now: datetime, expires: datetime
) -> SessionRow:
    row = SessionRow(
        token_hash=token_hash, user_id=user_id, created=now, last_seen=now, expires=expires
    )
    session.add(row)
    session.flush()
    return row


def session_with_user(session: Session, token_hash: str) -> tuple[SessionRow, UserRow] | None:
    found = session.execute(
        select(SessionRow, UserRow)
        .join(UserRow, UserRow.id == SessionRow.user_id)
        .where(SessionRow.token_hash == token_hash)
    ).first()
    return (found[0], found[1]) if found else None


def touch_session(session: Session, token_hash: str, now: datetime) -> None:
    session.execute(
        update(SessionRow).where(SessionRow.token_hash == token_hash).values(last_seen=now)
    )


def remove_session(session: Session, token_hash: str) -> None:
    session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))


def remove_stale_sessions(session: Session, expired_before: datetime, idle_before: datetime) -> int:
    result = session.execute(
        delete(SessionRow).where(
            (SessionRow.expires <= expired_before) | (SessionRow.last_seen <= idle_before)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


# -- failed sign-ins -----------------------------------------------------------------


def record_failure(session: Session, key_hash: str, now: datetime) -> None:
    session.add(SignInFailureRow(id=uuid.uuid4(), key_hash=key_hash, at=now))
    session.flush()


def failures_since(session: Session, key_hash: str, since: datetime) -> Sequence[datetime]:
    """When each recent failure happened, oldest first (so the caller can say when the
    oldest one stops counting)."""
    return session.scalars(
        select(SignInFailureRow.at)
        .where(SignInFailureRow.key_hash == key_hash, SignInFailureRow.at > since)
        .order_by(SignInFailureRow.at)
    ).all()


def clear_failures(session: Session, key_hash: str) -> None:
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.key_hash == key_hash))


def forget_failures_before(session: Session, before: datetime) -> None:
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= before))
