from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, select
from sqlalchemy.orm import Session

from ledgerport.domain.tokens import hash_api_key, new_api_key
from ledgerport.storage.tables import ApiKeyRow
from ledgerport.storage.types import utcnow


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key: the only moment the plain key exists outside the caller."""

    row: ApiKeyRow
    key: str


def create(session: Session, name: str | None) -> IssuedKey:
    key = new_api_key()
    row = ApiKeyRow(
        id=uuid.uuid4(),
        name=name,
        key_hash=hash_api_key(key),
        key_hint=key[-4:],
        created=utcnow(),
    )
    session.add(row)
    session.flush()
    return IssuedKey(row=row, key=key)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ApiKeyRow)) or 0


def list_all(session: Session) -> Sequence[ApiKeyRow]:
    return session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created, ApiKeyRow.id)).all()


def find_by_key(session: Session, key: str) -> ApiKeyRow | None:
    return session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == hash_api_key(key)))


def key_id(connection: Connection | Session, key: str) -> uuid.UUID | None:
    """The id of the key, if it exists: the per-request check, kept to one column."""
    found: uuid.UUID | None = connection.execute(_KEY_ID, {"hash": hash_api_key(key)}).scalar()
    return found


_KEY_ID = select(ApiKeyRow.id).where(ApiKeyRow.key_hash == bindparam("hash"))


def delete_by_id(session: Session, key_id: uuid.UUID) -> bool:
    result = session.execute(delete(ApiKeyRow).where(ApiKeyRow.id == key_id))
    return bool(getattr(result, "rowcount", 0))
