"""Xero's per-tenant rate limits: 60 calls in any minute and 5,000 in any day, as
sliding windows on an injectable clock, so tests can walk time instead of sleeping.

A refused call does not count against the windows (it was not served); the headers
say what is left after the call, like Xero's ``X-MinLimit-Remaining`` and
``X-DayLimit-Remaining``."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MINUTE_LIMIT = 60
DAY_LIMIT = 5_000
_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Verdict:
    """One call's outcome: allowed, or refused with the window (``problem``, the
    ``X-Rate-Limit-Problem`` value) and seconds to wait; and the calls left."""

    allowed: bool
    minute_remaining: int
    day_remaining: int
    problem: str | None = None
    retry_after: int = 0

    def headers(self) -> dict[str, str]:
        headers = {
            "X-MinLimit-Remaining": str(self.minute_remaining),
            "X-DayLimit-Remaining": str(self.day_remaining),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
            headers["X-Rate-Limit-Problem"] = self.problem or "minute"
        return headers


@dataclass
class _Windows:
    minute: deque[datetime] = field(default_factory=deque)
    day: deque[datetime] = field(default_factory=deque)


class RateLimiter:
    """Sliding minute and day windows per tenant."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        minute_limit: int = MINUTE_LIMIT,
        day_limit: int = DAY_LIMIT,
    ) -> None:
        self.clock, self.minute_limit, self.day_limit = clock, minute_limit, day_limit
        self._tenants: dict[str, _Windows] = {}
        self._lock = threading.Lock()

    def take(self, tenant_id: str) -> Verdict:
        """Count one call for ``tenant_id`` if both windows have room."""
        now = self.clock()
        with self._lock:
            w = self._tenants.setdefault(tenant_id, _Windows())
            for window, span in ((w.minute, _MINUTE), (w.day, _DAY)):
                while window and window[0] <= now - span:
                    window.popleft()
            if len(w.day) >= self.day_limit:
                return self._refused(w, "day", w.day[0] + _DAY - now)
            if len(w.minute) >= self.minute_limit:
                return self._refused(w, "minute", w.minute[0] + _MINUTE - now)
            w.minute.append(now)
            w.day.append(now)
            return Verdict(True, self.minute_limit - len(w.minute), self.day_limit - len(w.day))

    def _refused(self, w: _Windows, problem: str, wait: timedelta) -> Verdict:
        return Verdict(
            False,
            max(self.minute_limit - len(w.minute), 0),
            max(self.day_limit - len(w.day), 0),
            problem,
            max(math.ceil(wait.total_seconds()), 1),
        )
