"""PostgreSQL stops (``pg_ctl stop -m immediate``: every server process gone at once,
as in a crash) and starts again while clients keep calling the API over HTTP: every
request is answered, quickly, either as usual or with Codat's error body (503,
``canBeRetried: "True"``, ``Retry-After``), never a 500 or a hang; and the same server
process serves normally again once the database is back, without a restart. What it
confirmed before the crash is still there. Restarted again while the API is idle, the
next requests do not fail on the dead connections left in the pool.

The cluster is the test's own (``private_postgres.py``), never the shared server.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.services import Services
from ledgerport.storage.migrate import upgrade
from tests.factories import platform
from tests.live_server import serve
from tests.reliability.private_postgres import private_postgres
from tests.reliability.processes import wait_for

pytestmark = pytest.mark.slow

CLIENTS = 3
OUTAGE = 1.5  # seconds the database stays down
HANG = 8.0  # a request taking this long would be a hang: the client gives up


@dataclass(frozen=True)
class Call:
    started: float
    seconds: float
    name: str
    status: int | None  # None: no answer at all (timeout, connection refused)
    body: Any
    headers: dict[str, str]


REQUESTS = ("list", "get", "health", "create")


def _send(client: httpx.Client, name: str, n: int, company_id: str) -> httpx.Response:
    if name == "list":
        return client.get("/companies", params={"page": 1, "pageSize": 20})
    if name == "get":
        return client.get(f"/companies/{company_id}")
    if name == "health":
        return client.get("/health")
    return client.post("/companies", json={"name": f"Load {n}"})


class Load:
    """``CLIENTS`` threads calling the API in a loop until :meth:`stop`: reads
    (``/companies``, one company, ``/health``) and writes (a new company)."""

    def __init__(self, url: str, key: str, company_id: str) -> None:
        self.calls: list[Call] = []
        self.created: list[str] = []  # ids of companies the API confirmed
        self._stop = threading.Event()
        self._lock = threading.Lock()
        auth = platform.basic(key)
        self._company_id = company_id
        self._threads = [
            threading.Thread(target=self._run, args=(url, auth, n), daemon=True)
            for n in range(CLIENTS)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(HANG + 5)

    def _run(self, url: str, auth: dict[str, str], client_number: int) -> None:
        n = client_number
        with httpx.Client(base_url=url, headers=auth, timeout=HANG) as client:
            while not self._stop.is_set():
                name = REQUESTS[n % len(REQUESTS)]
                started = time.monotonic()
                try:
                    answer = _send(client, name, n, self._company_id)
                    status, headers = answer.status_code, dict(answer.headers)
                    body = answer.json() if answer.content else None
                except httpx.HTTPError as error:
                    status, headers, body = None, {}, repr(error)
                call = Call(started, time.monotonic() - started, name, status, body, headers)
                with self._lock:
                    self.calls.append(call)
                    if name == "create" and status == 200 and isinstance(body, dict):
                        self.created.append(body["id"])
                n += CLIENTS
                time.sleep(0.01)

    def since(self, moment: float) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.started >= moment]


def test_postgres_restarting_under_load_fails_requests_cleanly_and_recovers(
    tmp_path: Path,
) -> None:
    with private_postgres() as cluster:
        url = cluster.create_database("ledgerport")
        upgrade(url)
        services = Services.build(
            Settings(
                database_url=url,
                data_dir=tmp_path / "data",
                secret_key=SecretStr("reliability-restart"),
                base_url="http://testserver",
                jobs_in_process=False,
            )
        )
        try:
            key = platform.api_key(services)
            company = platform.company(services)
            with serve(create_app(services=services)) as base:
                load = Load(base, key, str(company.id))
                load.start()
                try:
                    wait_for(
                        lambda: sum(c.status == 200 for c in load.since(0)) >= 2 * len(REQUESTS),
                        "the load to get going",
                    )
                    stopped = time.monotonic()
                    cluster.stop("immediate")
                    time.sleep(OUTAGE)
                    cluster.start()
                    back = time.monotonic()
                    recovered = _first_success_after(load, back)
                    time.sleep(0.5)
                finally:
                    load.stop()
                confirmed = list(load.created)
                # Restarted again while no request runs: the pooled connections are all
                # dead, and the next requests must not be the ones to find out.
                cluster.stop("immediate")
                cluster.start()
                with httpx.Client(base_url=base, headers=platform.basic(key), timeout=HANG) as c:
                    quiet = [_send(c, name, 0, str(company.id)) for name in REQUESTS * 2]
                    after = c.get("/companies", params={"page": 1, "pageSize": 500})
        finally:
            services.close()

    calls = load.calls
    before = [c for c in calls if c.started + c.seconds < stopped]  # answered before it
    during = [c for c in calls if stopped <= c.started < back]
    settled = [c for c in calls if c.started >= recovered + 0.2]
    assert before, "no load before the stop"
    assert all(c.status == 200 for c in before), _summary(before)

    # Every request was answered, and quickly: no hang, no dropped connection.
    unanswered = [c for c in calls if c.status is None]
    assert not unanswered, _summary(unanswered)
    # (The first requests, warming the server up, can take a second or two on a loaded
    # machine: the bound is on what ran while the database stopped and after.)
    outage_on = [c for c in calls if c.started + c.seconds >= stopped]
    assert max(c.seconds for c in outage_on) < 3, _summary(
        sorted(outage_on, key=lambda c: -c.seconds)
    )

    # Nothing but success or Codat's retryable 503.
    failed = [c for c in calls if c.status != 200]
    assert {c.status for c in failed} <= {503}, _summary(failed)
    for call in failed:
        assert call.seconds < 1  # refused at once, not after a connect timeout
        assert call.headers.get("retry-after") == "1"
        assert set(call.body) == {
            "statusCode",
            "service",
            "error",
            "correlationId",
            "validation",
            "canBeRetried",
            "detailedErrorCode",
        }
        assert (call.body["statusCode"], call.body["canBeRetried"]) == (503, "True")
        assert call.body["error"] == "The database is unavailable; retry shortly."
    refused = [c for c in during if c.status == 503]
    assert len(refused) >= CLIENTS, "the outage was not seen: " + _summary(during)
    assert {c.name for c in refused} == set(REQUESTS)

    # Back without a restart of the server: within seconds, and for good.
    assert recovered - back < 5
    assert settled, "no load after recovery"
    assert all(c.status == 200 for c in settled), _summary(settled)

    # After a restart nobody saw, the first requests are served (stale connections
    # are found out before use: pool_pre_ping).
    assert [r.status_code for r in quiet] == [200] * len(quiet), [r.text for r in quiet]

    # Every company the API confirmed, before or after the crash, is there.
    assert after.status_code == 200
    listed = {c["id"] for c in after.json()["results"]}
    assert set(confirmed) <= listed
    assert len(confirmed) >= 2


def _first_success_after(load: Load, moment: float, timeout: float = 15) -> float:
    """When the first request started after ``moment`` succeeded (the server is back)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in load.since(moment):
            if call.status == 200:
                return call.started
        time.sleep(0.05)
    raise AssertionError("no request succeeded after the database came back")


def _summary(calls: list[Call]) -> str:
    return "; ".join(
        f"{c.name} {c.status} {c.seconds:.2f}s {str(c.body)[:160]}" for c in calls[:12]
    )
