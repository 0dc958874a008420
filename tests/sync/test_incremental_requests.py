"""An incremental pull costs what changed, not what exists: against each vendor
simulator, after 1% of the invoices change, pulling every data type again makes at
most 1% of the full pull's requests plus one request per stream (its first, possibly
empty, page or change feed). ``bench/rate_limits.py`` shows the same at 5,000 invoices
under Xero's real limits."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from ledgerport.config import Settings
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.spec import RateLimit
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pulls
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine
from tests.factories import oauth

SIZE = Size(customers=8, suppliers=8, invoices=400, bills=100, direct_costs=4, history_days=90)


@dataclass(frozen=True)
class Vendor:
    key: str
    build: Callable[[], Any]
    client: tuple[str, str]
    api_prefix: str
    link: Callable[[Services, Any], Any]  # a linked connection with a real grant
    change: Callable[[str, Any, float], int]  # edit a share of the invoices
    simulator: Callable[[Any], Any]  # the running simulator's state, from app.state


def _xero_link(services: Services, sim: Any) -> Any:
    issued = sim.tokens.issue((sim.tenant.tenant_id,))
    return oauth.linked(
        services,
        "gbol",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        info={"tenantId": sim.tenant.tenant_id},
    )


def _xero_change(url: str, sim: Any, share: float) -> int:
    issued = sim.tokens.issue((sim.tenant.tenant_id,))
    headers = {
        "Authorization": f"Bearer {issued.access_token}",
        "xero-tenant-id": sim.tenant.tenant_id,
        "Accept": "application/json",
    }
    with httpx.Client(base_url=url + "/api.xro/2.0", headers=headers, timeout=30) as xero:
        found = xero.get("/Invoices", params={"where": 'Type=="ACCREC"&&Status=="AUTHORISED"'})
        ids = [i["InvoiceID"] for i in found.json()["Invoices"]]
        wanted = math.ceil(SIZE.invoices * share)
        for n, invoice_id in enumerate(ids[:wanted]):
            answer = xero.post(
                f"/Invoices/{invoice_id}",
                json={"Invoices": [{"InvoiceID": invoice_id, "Reference": f"changed {n}"}]},
            )
            assert answer.status_code == 200, answer.text
    return wanted


def _qbo_link(services: Services, sim: Any) -> Any:
    issued = sim.issue_tokens("incremental-client")
    return oauth.linked(
        services,
        "qhyg",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=timedelta(hours=1),
        info={"realmId": sim.realm_id},
    )


def _qbo_change(url: str, sim: Any, share: float) -> int:
    issued = sim.issue_tokens("incremental-client")
    headers = {"Authorization": f"Bearer {issued.access_token}", "Accept": "application/json"}
    base = f"{url}/v3/company/{sim.realm_id}"
    with httpx.Client(base_url=base, headers=headers, timeout=30) as qbo:
        found = qbo.get("/query", params={"query": "SELECT * FROM Invoice MAXRESULTS 1000"})
        invoices = found.json()["QueryResponse"]["Invoice"]
        wanted = math.ceil(SIZE.invoices * share)
        for n, invoice in enumerate(invoices[:wanted]):
            answer = qbo.post(
                "/invoice",
                json={
                    "Id": invoice["Id"],
                    "SyncToken": invoice["SyncToken"],
                    "sparse": True,
                    "PrivateNote": f"changed {n}",
                },
            )
            assert answer.status_code == 200, answer.text
    return wanted


def _xero() -> Vendor:
    from ledgerport.simulators.xero import create_app
    from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    return Vendor(
        "gbol",
        lambda: create_app(
            "incremental", size=SIZE, minute_limit=100_000, day_limit=1_000_000, files_share=0
        ),
        (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        "/api.xro/2.0",
        _xero_link,
        _xero_change,
        lambda state: state.xero,
    )


def _qbo() -> Vendor:
    from ledgerport.simulators.qbo import create_app

    return Vendor(
        "qhyg",
        lambda: create_app("incremental", size=SIZE, per_minute=100_000, concurrent=50),
        ("incremental-client", "incremental-secret"),
        "/v3/company",
        _qbo_link,
        _qbo_change,
        lambda state: state.qbo,
    )


@pytest.fixture(params=["xero", "qbo"])
def vendor(request: pytest.FixtureRequest) -> Vendor:
    return {"xero": _xero, "qbo": _qbo}[request.param]()


@pytest.fixture
def running(vendor: Vendor) -> Iterator[tuple[str, Any]]:
    with oauth.running(vendor.build()) as served:
        yield served


def _pull_all(services: Services, engine: Engine, company: Any, key: str) -> None:
    connector = services.connectors.get(key)
    assert connector is not None
    for stream in connector.reads:
        with transaction(services.sessions) as session:
            row, _ = pulls.queue(
                session,
                company.id,
                company.connections[0].id,
                stream.data_type.value,
                utcnow(),
            )
        assert engine.run(row.id) is PullStatus.COMPLETE, stream.data_type


# Requests are counted at the platform: the database behind the engine changes nothing.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_incremental_pull_costs_what_changed(
    vendor: Vendor, running: tuple[str, Any], settings: Settings
) -> None:
    url, counted = running
    sim = vendor.simulator(counted.state)
    built = Services.build(oauth.with_platform(settings, vendor.key, url, *vendor.client))
    # Counting requests, not timing them: the simulator's limits are raised, and the
    # connector's budget with them (bench/rate_limits.py keeps Xero's real ones).
    services = dataclasses.replace(
        built,
        connectors=ConnectorRegistry(
            dataclasses.replace(c, rate_limits=(RateLimit(100_000, 60),))
            if c.key == vendor.key
            else c
            for c in built.connectors
        ),
    )
    try:
        company = vendor.link(services, sim)
        engine = Engine(services, sleep=lambda _s: None)

        def api_requests() -> int:
            return sum(n for call, n in counted.calls.items() if vendor.api_prefix in call)

        _pull_all(services, engine, company, vendor.key)
        full = api_requests()
        changed = vendor.change(url, sim, 0.01)
        before = api_requests()
        _pull_all(services, engine, company, vendor.key)
        incremental = api_requests() - before
    finally:
        services.close()

    connector = services.connectors.get(vendor.key)
    assert connector is not None
    streams = len(connector.reads)
    assert changed >= 4
    assert full > 2 * streams, "the company is too small to tell anything"
    # At most 1% of the full pull, plus one request per stream.
    assert incremental <= math.ceil(0.01 * full) + streams, (incremental, full, streams)
