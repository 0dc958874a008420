"""Idempotency records: claim a key, finish it with the response, or release it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledgerport.storage.tables import IdempotencyRow


def purge_expired(session: Session, older_than: datetime) -> int:
    result = session.execute(delete(IdempotencyRow).where(IdempotencyRow.created < older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def claim(session: Session, row: IdempotencyRow) -> IdempotencyRow | None:
    """Insert a pending record for this key. Returns None if we claimed it, or the
    existing record if another request already holds the key."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return session.scalar(
            select(IdempotencyRow).where(
                IdempotencyRow.principal == row.principal, IdempotencyRow.key == row.key
            )
        )
    return None


def finish(
    session: Session,
    principal: str,
    key: str,
    status_code: int,
    headers: list[list[str]],
    body: bytes,
) -> None:
    row = session.get(IdempotencyRow, (principal, key))
    if row is not None:
        row.status_code = status_code
        row.response_headers = headers
        row.response_body = body


def release(session: Session, principal: str, key: str) -> None:
    session.execute(
        delete(IdempotencyRow).where(
            IdempotencyRow.principal == principal, IdempotencyRow.key == key
        )
    )
