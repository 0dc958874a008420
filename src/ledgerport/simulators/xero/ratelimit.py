"""Xero's per-tenant rate limits: 5 calls in progress at once, 60 calls in any minute
and 5,000 in any day (developer.xero.com/documentation/guides/oauth2/limits), the two
windows sliding on an injectable clock, so tests can walk time instead of sleeping.
Each limit can be set lower (``create_app(minute_limit=...)``) for fast tests.

A refused call does not count against the windows (it was not served); the headers
say what is left after the call, like Xero's ``X-MinLimit-Remaining`` and
``X-DayLimit-Remaining``. Xero documents ``X-Rate-Limit-Problem`` as naming the limit
hit (``minute``, ``day``); for the concurrent limit the simulator says ``concurrent``
and ``Retry-After: 1`` (our choice: the docs give no value for it)."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MINUTE_LIMIT = 60
DAY_LIMIT = 5_000
CONCURRENT_LIMIT = 5
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
    in_flight: int = 0


class RateLimiter:
    """Calls in flight, and sliding minute and day windows, per tenant."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        minute_limit: int = MINUTE_LIMIT,
        day_limit: int = DAY_LIMIT,
        concurrent_limit: int = CONCURRENT_LIMIT,
    ) -> None:
        self.clock, self.minute_limit, self.day_limit = clock, minute_limit, day_limit
        self.concurrent_limit = concurrent_limit
        self._tenants: dict[str, _Windows] = {}
        self._lock = threading.Lock()

    def enter(self, tenant_id: str) -> Verdict | None:
        """Start a call for ``tenant_id``: None if a slot was free (the caller must
        :meth:`leave`), else the refusal."""
        with self._lock:
            w = self._tenants.setdefault(tenant_id, _Windows())
            if w.in_flight >= self.concurrent_limit:
                return Verdict(
                    False,
                    max(self.minute_limit - len(w.minute), 0),
                    max(self.day_limit - len(w.day), 0),
                    "concurrent",
                    1,
                )
            w.in_flight += 1
            return None

    def leave(self, tenant_id: str) -> None:
        with self._lock:
            self._tenants[tenant_id].in_flight -= 1

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
