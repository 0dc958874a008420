"""Repeated failed sign-ins, per email and client address.

After ``MAX_FAILURES`` failures within ``WINDOW`` that pair is refused, right password or
not, until the oldest failure ages out. Unknown emails are counted exactly like known
ones, so the limit says nothing about which accounts exist. Counting per pair (not per
email alone) means a stranger cannot lock a colleague out from another address.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ledgerport.storage.repositories import users

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def key(email: str, client: str) -> str:
    return hashlib.sha256(f"{users.normalize_email(email)}\n{client}".encode()).hexdigest()


def retry_after(session: Session, key_hash: str, now: datetime) -> timedelta | None:
    """How long this pair must wait before trying again, or None if it may try now."""
    recent = users.failures_since(session, key_hash, now - WINDOW)
    if len(recent) < MAX_FAILURES:
        return None
    # The attempt is allowed again once enough failures have left the window.
    frees_at = recent[len(recent) - MAX_FAILURES] + WINDOW
    return max(frees_at - now, timedelta(seconds=1))


def record_failure(session: Session, key_hash: str, now: datetime) -> None:
    users.forget_failures_before(session, now - WINDOW)
    users.record_failure(session, key_hash, now)


def record_success(session: Session, key_hash: str) -> None:
    users.clear_failures(session, key_hash)
