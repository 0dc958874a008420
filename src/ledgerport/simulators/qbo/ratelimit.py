"""QBO's per-realm throttles: 500 requests in any minute and 10 at once (Intuit's
2016 announcement, still the documented limits), as a sliding window on the injected
clock and a count of requests in flight. A refused request counts against neither."""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

PER_MINUTE = 500
CONCURRENT = 10
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds
    reason: str  # "minute" or "concurrent"


class RealmLimiter:
    def __init__(
        self,
        clock: Callable[[], datetime],
        per_minute: int = PER_MINUTE,
        concurrent: int = CONCURRENT,
    ) -> None:
        self.clock, self.per_minute, self.concurrent = clock, per_minute, concurrent
        self._calls: dict[str, deque[datetime]] = defaultdict(deque)
        self._in_flight: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def acquire(self, realm_id: str) -> Refusal | None:
        """Take a slot for one request (None), or say why not; a taken slot must be
        given back with :meth:`release`."""
        now = self.clock()
        with self._lock:
            if self._in_flight[realm_id] >= self.concurrent:
                return Refusal(1, "concurrent")
            calls = self._calls[realm_id]
            while calls and calls[0] <= now - _MINUTE:
                calls.popleft()
            if len(calls) >= self.per_minute:
                wait = (calls[0] + _MINUTE - now).total_seconds()
                return Refusal(max(math.ceil(wait), 1), "minute")
            calls.append(now)
            self._in_flight[realm_id] += 1
            return None

    def release(self, realm_id: str) -> None:
        with self._lock:
            self._in_flight[realm_id] = max(self._in_flight[realm_id] - 1, 0)

    def in_flight(self, realm_id: str) -> int:
        with self._lock:
            return self._in_flight[realm_id]
