"""Codat's webhooks: consumers, signed delivery of the events outbox, and its lag.

``lag_seconds`` is for ``/metrics``: how long the oldest delivery that is due has been
waiting to be delivered (0 when nothing due is waiting).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ledgerport.storage.repositories import webhooks as _repo


def lag_seconds(session: Session, now: datetime) -> float:
    """Age of the oldest due, undelivered delivery to an enabled consumer; 0 when none.
    A delivery waiting for its next retry is not due, so a failing receiver does not
    count as lag until its retry comes round."""
    oldest = _repo.oldest_due_created(session, now)
    if oldest is None:
        return 0.0
    return max(0.0, (now - oldest).total_seconds())


__all__ = ["lag_seconds"]
