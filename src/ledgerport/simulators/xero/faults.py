"""Faults on demand: a platform's bad day, scheduled per path, so a client's retries,
timeouts and loop guards can be tested over real HTTP.

Xero fails in ways its documentation admits (5xx with a problem body, 429 with
``Retry-After``) and in ways any platform behind proxies does (an answer that never
comes, a body cut short, a page served twice). A schedule entry says: the next
``count`` requests to ``path`` (under ``/api.xro/2.0``, matched exactly; optionally
only for ``method``), after ``skip`` more that are served normally, answer with

- ``500`` (or any 5xx): Xero's problem body, nothing done (no write made);
- ``429``: refused as over the minute limit, ``Retry-After: <seconds>``;
- ``hang``: the request is served (a write is made), then its answer held back for
  ``seconds``; a client that times out first never learns what happened;
- ``truncate``: served, the body cut in half (a complete HTTP answer whose JSON ends
  mid-way, as from a proxy that gave up);
- ``repeat``: the body of the previous answer sent for the same path, whatever was asked
  (a page served again); until a path has answered once there is nothing to repeat,
  so the first request is served and the fault waits for the next.

Only requests that pass the token and tenant checks reach the schedule; an injected
refusal (5xx, 429) is not counted against the rate limits. Everything else about the
simulator is unchanged. From a test: ``app.state.xero.faults.add(Fault(...))``; from
the command line: ``ledgerport simulate xero --faults 'Invoices=500*3,PUT Contacts=hang:30'``
(:func:`parse_faults` gives the syntax).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

from starlette.responses import Response

from ledgerport.simulators.xero.responses import problem, too_many_requests

KINDS = ("error", "429", "hang", "truncate", "repeat")
_HOLD_STEP = 0.05  # seconds between checks of a held answer for a release


@dataclass
class Fault:
    """One scheduled misbehaviour (see the module docstring). ``kind`` is ``error``
    (with ``status``), ``429``, ``hang``, ``truncate`` or ``repeat``; ``seconds`` is the
    ``Retry-After`` of a 429 and how long a hang lasts."""

    path: str
    kind: str
    count: int = 1
    status: int = 500
    seconds: float = 0.0
    method: str | None = None
    skip: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}: one of {', '.join(KINDS)}")
        if self.kind == "error" and not 500 <= self.status <= 599:
            raise ValueError(f"an error fault answers 5xx, not {self.status}")
        if self.count < 1 or self.skip < 0 or self.seconds < 0:
            raise ValueError("count must be at least 1; skip and seconds not negative")
        self.path = "/" + self.path.strip().strip("/")
        self.method = self.method.upper() if self.method else None

    def matches(self, method: str, path: str) -> bool:
        return self.path == path and self.method in (None, method.upper())

    @property
    def refuses(self) -> bool:
        """Answered instead of the request (nothing is served)."""
        return self.kind in ("error", "429")

    def refusal(self) -> Response:
        if self.kind == "429":
            retry_after = str(max(round(self.seconds), 0))
            return too_many_requests(
                {
                    "Retry-After": retry_after,
                    "X-Rate-Limit-Problem": "minute",
                    "X-MinLimit-Remaining": "0",
                }
            )
        return problem(
            self.status,
            "An error occurred",
            "An error occurred in Xero. Check the API Status page "
            "http://status.developer.xero.com for current service status.",
        )


class FaultSchedule:
    """The faults still to come, and what was injected (``injected``: a count per
    ``"<kind> <METHOD> <path>"``). Thread-safe: handlers run on the server's loop, tests
    add faults from their own thread."""

    def __init__(self) -> None:
        self._pending: list[Fault] = []
        self._last: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self.injected: Counter[str] = Counter()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._pending.extend(faults)

    def clear(self) -> None:
        """Forget every pending fault and release every held answer."""
        with self._lock:
            self._pending.clear()
        self.release()

    def release(self) -> None:
        """Send every answer a ``hang`` is holding now, whatever time it has left."""
        with self._lock:
            self._generation += 1

    def pending(self) -> int:
        with self._lock:
            return sum(f.count for f in self._pending)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault this request meets, if any (its count is spent)."""
        with self._lock:
            for fault in self._pending:
                if not fault.matches(method, path):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    return None
                if fault.kind == "repeat" and path not in self._last:
                    return None  # nothing to repeat yet: served, the fault still waits
                fault.count -= 1
                if fault.count == 0:
                    self._pending.remove(fault)
                self.injected[f"{fault.kind} {method.upper()} {path}"] += 1
                return fault
        return None

    async def answer(
        self, fault: Fault | None, method: str, path: str, response: Response
    ) -> Response:
        """What a served request's answer becomes under ``fault`` (None: as served).
        The last successful GET answer sent for each path is kept, for ``repeat``."""
        if fault is not None and fault.kind == "hang":
            await self._hold(fault.seconds)
        elif fault is not None and fault.kind == "truncate":
            body = bytes(response.body)
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            response = Response(body[: len(body) // 2], response.status_code, headers)
        with self._lock:
            if fault is not None and fault.kind == "repeat" and path in self._last:
                return Response(self._last[path], 200, media_type="application/json")
            if method.upper() == "GET" and response.status_code == 200:
                self._last[path] = bytes(response.body)
        return response

    async def _hold(self, seconds: float) -> None:
        with self._lock:
            generation = self._generation
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            with self._lock:
                if self._generation != generation:
                    return
            await asyncio.sleep(min(_HOLD_STEP, max(ends - time.monotonic(), 0)))


_ENTRY = re.compile(
    r"^(?:(?P<method>[A-Za-z]+)\s+)?(?P<path>/?[A-Za-z0-9_/.-]+)="
    r"(?P<kind>\d{3}|hang|truncate|repeat)(?::(?P<seconds>\d+(?:\.\d+)?))?"
    r"(?:\*(?P<count>\d+))?(?:@(?P<skip>\d+))?$"
)


def parse_faults(text: str) -> list[Fault]:
    """Faults from ``[METHOD ]PATH=KIND[:SECONDS][*COUNT][@SKIP]``, comma-separated:
    ``Invoices=500*3`` (the next 3 requests to ``/Invoices`` answer 500),
    ``Contacts=429:30`` (one 429 with ``Retry-After: 30``), ``PUT Contacts=hang:60``,
    ``Invoices=truncate*2``, ``Invoices=repeat@1`` (the second request gets the first's
    answer). ``ValueError`` names an entry that does not read."""
    faults: list[Fault] = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        found = _ENTRY.match(entry)
        if found is None:
            raise ValueError(f"{entry!r} is not [METHOD ]PATH=KIND[:SECONDS][*COUNT][@SKIP]")
        kind = found["kind"]
        status = int(kind) if kind.isdigit() else 500
        if kind.isdigit():
            kind = "429" if status == 429 else "error"
        faults.append(
            Fault(
                path=found["path"],
                kind=kind,
                count=int(found["count"] or 1),
                status=status,
                seconds=float(found["seconds"] or 0),
                method=found["method"],
                skip=int(found["skip"] or 0),
            )
        )
    return faults
