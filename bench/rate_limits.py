"""Staying inside a platform's rate limits by budgeting, not by collecting 429s.

A Xero company of ``--invoices`` sales invoices (and the sandbox's bills, payments,
journals... in proportion) is served by the Xero simulator at Xero's real, enforced
limits (60 calls a minute, 5,000 a day, 5 at once per tenant), on a real port. The
engine pulls every data type the Xero connector reads, on ``--workers`` threads sharing
one engine (as a worker process does), the budget built from the connector's declared
limits. Then ``--change`` of the invoices are edited through Xero's API and every type
is pulled again, incrementally.

Printed for each pull: requests the simulator received, 429s it answered, the time from
the first request to the last, the allowed rate and the utilisation (requests made per
second over the allowed requests per second). The baseline is the allowed rate itself:
a pull at 100% would use every call the platform allows.

    .venv/bin/python bench/rate_limits.py [--invoices 5000] [--files-share 0.02]
        [--change 0.01] [--workers 2] [--database-url postgresql+psycopg://...]

``--files-share`` is the share of invoices and bills carrying a PDF (each costs a list
and a download call; with every document carrying one, a 5,000-invoice company needs
more calls than Xero allows in a day).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from common import linked_company
from ledgerport.config import IntegrationSettings, Settings
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.simulators.xero import create_app
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, parse_size
from ledgerport.storage.db import transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import grants, pulls
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine

API = "/api.xro/2.0"


class Recorder:
    """ASGI middleware: when each API request arrived and what it was answered."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.log: list[tuple[float, str, int]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API):
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()

        async def recording(message: Any) -> None:
            if message["type"] == "http.response.start":
                with self.lock:
                    self.log.append((arrived, scope["path"], message["status"]))
            await send(message)

        await self.app(scope, receive, recording)

    def since(self, mark: int) -> list[tuple[float, str, int]]:
        with self.lock:
            return sorted(self.log[mark:])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def pull_all(services: Services, engine: Engine, connection: Any, workers: int) -> list[str]:
    connector = services.connectors.get("gbol")
    assert connector is not None
    queued = []
    with transaction(services.sessions) as session:
        for stream in connector.reads:
            row, _ = pulls.queue(
                session, connection.company_id, connection.id, stream.data_type.value, utcnow()
            )
            queued.append(row.id)
    with ThreadPoolExecutor(workers) as pool:
        ended = list(pool.map(engine.run, queued))
    return [
        f"{s.data_type.value}: {status.value}"
        for s, status in zip(connector.reads, ended, strict=True)
        if status is not PullStatus.COMPLETE
    ]


def fastest(requests: int, limits: Any) -> float:
    """The shortest time from first to last request the limits allow: each window of
    ``calls`` may start full, so n requests need (ceil(n / calls) - 1) whole windows."""
    return max((-(-requests // limit.calls) - 1) * limit.per_seconds for limit in limits)


def report(label: str, log: list[tuple[float, str, int]], limits: Any) -> int:
    requests = len(log)
    limited = sum(1 for _, _, status in log if status == 429)
    elapsed = log[-1][0] - log[0][0] if requests > 1 else 0.0
    best = fastest(requests, limits)
    # Utilisation: how close to the allowed rate the pull ran, i.e. the fastest schedule
    # the limits allow over the time it took (100%: not one allowed call left unused).
    utilisation = best / elapsed if elapsed and best else 1.0
    print(
        f"{label:<12} requests {requests:>5}  429s {limited:>3}  elapsed {elapsed:8.1f} s  "
        f"fastest allowed {best:8.1f} s  achieved "
        f"{(requests - 1) / elapsed * 60 if elapsed else 0:6.1f}/min (allowed 60/min)  "
        f"utilisation {utilisation:6.1%}"
    )
    return requests


def change_invoices(base_url: str, sim: Any, share: float, invoices: int) -> int:
    """Edit ``share`` of the company's ``invoices`` through Xero's API (the reference of
    approved, unpaid ones: Xero lets those be edited)."""
    issued = sim.tokens.issue((sim.tenant.tenant_id,))
    headers = {
        "Authorization": f"Bearer {issued.access_token}",
        "xero-tenant-id": sim.tenant.tenant_id,
        "Accept": "application/json",
    }
    changed = 0
    with httpx.Client(base_url=base_url + API, headers=headers, timeout=60) as xero:
        ids: list[str] = []
        page = 1
        while True:
            where = 'Type=="ACCREC"&&Status=="AUTHORISED"'
            answer = xero.get("/Invoices", params={"page": str(page), "where": where})
            answer.raise_for_status()
            found = answer.json()["Invoices"]
            ids += [i["InvoiceID"] for i in found]
            if len(found) < 100:
                break
            page += 1
            time.sleep(1.0)  # inside the minute limit
        wanted = min(len(ids), max(1, round(invoices * share)))
        for invoice_id in ids[:: max(1, len(ids) // wanted)][:wanted]:
            answer = xero.post(
                f"/Invoices/{invoice_id}",
                json={"Invoices": [{"InvoiceID": invoice_id, "Reference": f"changed {changed}"}]},
            )
            answer.raise_for_status()
            changed += 1
            time.sleep(1.0)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--files-share", type=float, default=0.02)
    parser.add_argument("--change", type=float, default=0.01)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    size = parse_size(f"invoices={args.invoices},bills={max(1, args.invoices // 2)}")
    recorder = Recorder(create_app("rate-bench", size=size, files_share=args.files_share))
    sim = recorder.app.state.xero
    with tempfile.TemporaryDirectory() as tmp, serving(recorder) as base_url:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        settings = Settings(
            database_url=url,
            data_dir=Path(tmp),
            secret_key=SecretStr("bench"),
            integrations={
                "gbol": IntegrationSettings(
                    client_id=DEFAULT_CLIENT_ID,
                    client_secret=SecretStr(DEFAULT_CLIENT_SECRET),
                    base_url=base_url,
                )
            },
        )
        services = Services.build(settings)
        connector = services.connectors.get("gbol")
        assert connector is not None
        limits = connector.rate_limits
        issued = sim.tokens.issue((sim.tenant.tenant_id,))
        connection = linked_company(
            services.sessions,
            "Rate bench",
            platform_key="gbol",
            connection_info={"tenantId": sim.tenant.tenant_id},
        )
        with transaction(services.sessions) as session:
            grants.save(
                session,
                services.vault,
                connection.id,
                access_token=issued.access_token,
                refresh_token=issued.refresh_token,
                expires_at=utcnow() + timedelta(seconds=issued.expires_in),
                refresh_expires_at=None,
                scope=issued.scope,
                now=utcnow(),
                refreshed=False,
            )
        print(
            f"Xero simulator: {args.invoices} invoices, {size.bills} bills, files on "
            f"{args.files_share:.0%} of them; limits 60/min, 5,000/day, 5 at once; "
            f"{args.workers} worker threads; {services.engine.dialect.name}"
        )
        engine = Engine(services)
        mark = len(recorder.log)
        started = time.monotonic()
        failed = pull_all(services, engine, connection, args.workers)
        full = recorder.since(mark)
        print(f"full pull took {time.monotonic() - started:.1f} s wall; failed: {failed or 'none'}")
        full_requests = report("full", full, limits)

        time.sleep(61)  # the edits below must not eat the pull's minute budget
        changed = change_invoices(base_url, sim, args.change, args.invoices)
        time.sleep(61)
        mark = len(recorder.log)
        failed = pull_all(services, engine, connection, args.workers)
        incremental = recorder.since(mark)
        print(f"incremental pull after {changed} invoices changed; failed: {failed or 'none'}")
        requests = report("incremental", incremental, limits)
        streams = len(connector.reads)
        print(
            f"incremental/full requests {requests / full_requests:.2%} "
            f"({requests} = {args.change:.0%} of {full_requests} is "
            f"{args.change * full_requests:.0f}, plus {streams} streams' first pages and the "
            "changed records' files)"
        )
        services.close()


if __name__ == "__main__":
    main()
