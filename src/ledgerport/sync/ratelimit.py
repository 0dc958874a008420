"""Call budgets per connection, one window per limit a platform documents.

Connectors declare their limits (e.g. Xero: 60 calls a minute, 5,000 a day per tenant);
the engine asks the budget before every call and waits the time it names, so we stay
inside the limits instead of learning them from 429s. When a platform still answers 429,
:meth:`CallBudget.pause` honours its ``Retry-After`` for every caller of that budget.

Each limit is a sliding window of the last ``calls`` timestamps, not a token bucket: a
bucket that starts full allows nearly twice the limit in the first period (a full burst,
then the refill), which is exactly what trips a platform's "60 per rolling minute".

A call counts from the moment it is reserved until a window's length after it has
*finished*: the platform counts it when it arrives, some time between the two, and only
counting from the end guarantees its window and ours never disagree (measured: counting
from the start let a 61st call into Xero's minute when the first one was slow to arrive).

The clock is injected, so tests time-travel instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from ledgerport.connectors.spec import RateLimit

Limit = RateLimit
"""A connector's declared limit (``connectors.spec.RateLimit``), under its old name."""


class Call:
    """One counted call: when it started, then (once :meth:`CallBudget.finish` is told)
    when it finished."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class SlidingWindow:
    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.calls: deque[Call] = deque()

    def wait_time(self, now: float) -> float:
        """Seconds until one more call fits in the window (0 if it fits now)."""
        horizon = now - self.limit.per_seconds
        while self.calls and self.calls[0].at <= horizon:
            self.calls.popleft()
        if len(self.calls) < self.limit.calls:
            return 0.0
        return self.calls[0].at - horizon

    def record(self, call: Call) -> None:
        self.calls.append(call)


class CallBudget:
    """All of one connection's limits together; thread-safe.

    :meth:`reserve` counts the call against every limit at once, or against none, and
    returns how long to wait before asking again (0 means: go ahead, it is counted).
    """

    def __init__(self, limits: Sequence[Limit], clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._windows = [SlidingWindow(limit) for limit in limits]
        self._paused_until = clock()

    def reserve(self) -> float:
        return self.reserve_call()[0]

    def reserve_call(self) -> tuple[float, Call | None]:
        """Like :meth:`reserve`, and the counted call, to :meth:`finish` when it ends."""
        with self._lock:
            now = self._clock()
            wait = max([self._paused_until - now, *(w.wait_time(now) for w in self._windows)])
            if wait > 0:
                return wait, None
            call = Call(now)
            for window in self._windows:
                window.record(call)
            return 0.0, call

    def finish(self, call: Call) -> None:
        """The call has its answer (or failed): it counts from now on."""
        with self._lock:
            call.at = max(call.at, self._clock())

    def pause(self, seconds: float) -> None:
        """The platform said to stop for ``seconds`` (a 429's Retry-After): nobody using
        this budget calls before then."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
