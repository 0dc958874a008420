"""The acceptance walk for each OAuth platform, as a customer of ours would do it, over
real HTTP: the official ``codat-platform`` SDK creates the company and connection, a
browser follows the ``linkUrl`` through the vendor simulator's consent page, every data
type the connector reads is pulled, a bill and a payment of it are pushed and found by
the next pull, an access token expiring mid-pull is refreshed without the pull noticing,
and a revoked grant deauthorizes the connection while the data already pulled stays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from codat_platform import CodatPlatform
from codat_platform.models import shared as platform_shared
from codat_platform.utils.retries import RetryConfig as PlatformRetryConfig

from ledgerport.app import create_app as create_server
from ledgerport.config import Settings
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.spec import RateLimit
from ledgerport.services import Services
from ledgerport.storage.repositories import grants
from ledgerport.sync.jobs import start_in_process
from tests.factories import oauth, platform
from tests.live_server import free_port, serve
from tests.sdk import flows

SIZE = Size(customers=6, suppliers=6, invoices=150, bills=40, direct_costs=4, history_days=60)


@dataclass(frozen=True)
class Vendor:
    """What the walk needs to know of one platform and its simulator."""

    key: str
    name: str
    build: Callable[[], Any]  # the simulator's ASGI app
    client_id: str
    client_secret: str
    # The state object of a running simulator, and its test hooks.
    state: Callable[[Any], Any]
    expire: Callable[[Any], None]
    revoke: Callable[[Any, str], None]
    # The request path whose second call expires every access token (mid-pull).
    paged_path: str
    paged_type: str


def _xero() -> Vendor:
    from ledgerport.simulators.xero import create_app
    from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    return Vendor(
        key="gbol",
        name="Xero",
        build=lambda: create_app(
            "walk", size=SIZE, minute_limit=100_000, day_limit=1_000_000, concurrent_limit=50
        ),
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        state=lambda app: app.state.xero,
        expire=lambda sim: sim.expire_access_tokens(),
        revoke=lambda sim, refresh_token: sim.tokens.revoke(refresh_token),
        paged_path="GET /api.xro/2.0/Invoices",
        paged_type="invoices",
    )


def _qbo() -> Vendor:
    from ledgerport.simulators.qbo import create_app
    from ledgerport.simulators.qbo.app import realm_for

    return Vendor(
        key="qhyg",
        name="QuickBooks Online",
        build=lambda: create_app("walk", size=SIZE, per_minute=100_000, concurrent=50),
        client_id="walk-client",
        client_secret="walk-secret",
        state=lambda app: app.state.qbo,
        expire=lambda sim: sim.expire_access_tokens(),
        revoke=lambda sim, _refresh_token: sim.revoke_grant(),
        paged_path=f"GET /v3/company/{realm_for('walk')}/query",
        paged_type="invoices",
    )


VENDORS = {"xero": _xero, "qbo": _qbo}


class Hooked(oauth.Counting):
    """The counting middleware, with one action on the n-th call of a path."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.trigger: tuple[str, int, Callable[[], None]] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.trigger is not None:
            path, n, action = self.trigger
            if f"{scope['method']} {scope['path']}" == path and self.calls[path] + 1 == n:
                action()
        await super().__call__(scope, receive, send)


@dataclass
class Walk:
    vendor: Vendor
    services: Services
    server: str
    sim: Any
    hooked: Hooked
    codat: CodatPlatform
    api: httpx.Client


@pytest.fixture(params=sorted(VENDORS))
def walk(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Walk]:
    vendor = VENDORS[request.param]()
    app = vendor.build()
    hooked = Hooked(app)
    with serve(hooked) as vendor_url:  # type: ignore[arg-type]
        port = free_port()
        configured = oauth.with_platform(
            settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"}),
            vendor.key,
            vendor_url,
            vendor.client_id,
            vendor.client_secret,
        )
        services = Services.build(configured)
        # The simulator runs with its limits raised for a quick suite; the connector's
        # budget is raised to match (bench/rate_limits.py runs both at the real ones).
        fast = ConnectorRegistry(
            dataclasses.replace(c, rate_limits=(RateLimit(100_000, 60),))
            if c.key == vendor.key
            else c
            for c in services.connectors
        )
        services = dataclasses.replace(services, connectors=fast)
        server_app = create_server(services=services)
        key = platform.api_key(services)
        try:
            with serve(server_app, port=port) as url:
                consumer = start_in_process(server_app.state.queue, workers=2, periodic=False)
                with (
                    CodatPlatform(
                        security=platform_shared.Security(
                            auth_header=platform.basic(key)["Authorization"]
                        ),
                        server_url=url,
                        retry_config=PlatformRetryConfig("none", None, False),
                        timeout_ms=30_000,
                    ) as codat,
                    httpx.Client(base_url=url, headers=platform.basic(key), timeout=30) as api,
                ):
                    try:
                        yield Walk(vendor, services, url, vendor.state(app), hooked, codat, api)
                    finally:
                        consumer.stop(graceful=True)
        finally:
            services.close()


def _data(walk: Walk, company_id: str, data_type: str, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        params: dict[str, Any] = {"page": page, "pageSize": 5000}
        if query:
            params["query"] = query
        answer = walk.api.get(f"/companies/{company_id}/data/{data_type}", params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found.extend(body["results"])
        if len(found) >= body["totalResults"] or not body["results"]:
            return found
        page += 1


def _push(walk: Walk, company_id: str, connection_id: str, data_type: str, record: Any) -> Any:
    made = walk.api.post(
        f"/companies/{company_id}/connections/{connection_id}/push/{data_type}", json=record
    )
    assert made.status_code == 200, made.text
    key = made.json()["pushOperationKey"]

    def settled() -> Any:
        op = walk.api.get(f"/companies/{company_id}/push/{key}").json()
        return op if op["status"] != "Pending" else None

    op = flows.until(settled, f"the push of {data_type}", seconds=60)
    assert op["status"] == "Success", (op.get("errorMessage"), op.get("validation"))
    return op["data"]


def _choice(
    options: dict[str, Any], path: str, pick: Callable[[dict[str, Any]], bool]
) -> str | None:
    """An allowed value the create model lists, or None if it lists none."""
    node = options
    for part in path.split("."):
        node = node["properties"][part]
    return next((str(o["value"]) for o in node.get("options") or [] if pick(o)), None)


def test_the_walk(walk: Walk) -> None:
    vendor = walk.vendor
    company = walk.codat.companies.create(request={"name": f"Walk on {vendor.name}"})
    connection = walk.codat.connections.create(
        request={
            "company_id": company.id,
            "request_body": {"platform_key": vendor.key},
        }
    )
    assert connection.status == platform_shared.DataConnectionStatus.PENDING_AUTH

    # The company follows its Link URL: consent page, approve, back to us.
    with httpx.Client(timeout=30) as browser:
        done = oauth.authorize(browser, connection.link_url)
    assert done.status_code == 200, done.text
    linked = walk.codat.connections.get(
        request={"company_id": company.id, "connection_id": connection.id}
    )
    assert linked.status == platform_shared.DataConnectionStatus.LINKED

    # Every data type the connector reads, with the access token dying mid-pull.
    connector = walk.services.connectors.get(vendor.key)
    assert connector is not None
    data_types = [s.data_type.value for s in connector.reads]
    walk.hooked.trigger = (vendor.paged_path, 2, lambda: vendor.expire(walk.sim))
    refreshes_before = _token_calls(walk)
    flows.refresh(walk.codat, company.id, *data_types)
    assert walk.hooked.calls[vendor.paged_path] >= 2, "the paged type had one page only"
    assert _token_calls(walk) > refreshes_before, "no refresh after the token expired"
    walk.hooked.trigger = None
    for _data_type in data_types:
        status = walk.codat.refresh_data.get(request={"company_id": company.id})
        assert status is not None
    invoices = _data(walk, company.id, vendor.paged_type)
    assert len(invoices) > 100

    # Push a bill and pay it; the next pull finds both.
    options = walk.api.get(
        f"/companies/{company.id}/connections/{connection.id}/options/bills"
    ).json()
    supplier = next(s for s in _data(walk, company.id, "suppliers") if s["status"] == "Active")
    expense = _choice(options, "lineItems.accountRef.id", lambda o: True) or next(
        a["id"]
        for a in _data(walk, company.id, "accounts")
        if a["type"] == "Expense" and a["status"] == "Active"
    )
    zero_rated = next(
        t["id"]
        for t in _data(walk, company.id, "taxRates")
        if t.get("status") != "Archived" and not float(t.get("effectiveTaxRate") or 0)
    )
    today = datetime.now(UTC).date()
    bill = _push(
        walk,
        company.id,
        connection.id,
        "bills",
        {
            "supplierRef": {"id": supplier["id"]},
            "issueDate": f"{today}T00:00:00",
            "dueDate": f"{today + timedelta(days=30)}T00:00:00",
            "currency": "GBP",
            "status": "Open",
            "reference": "WALK-1",
            "lineItems": [
                {
                    "description": "Walk widgets",
                    "unitAmount": 100.0,
                    "quantity": 2,
                    "accountRef": {"id": expense},
                    "taxRateRef": {"id": zero_rated},
                    "taxAmount": 0,
                    "subTotal": 200.0,
                    "totalAmount": 200.0,
                }
            ],
            "subTotal": 200.0,
            "taxAmount": 0,
            "totalAmount": 200.0,
        },
    )
    pay_options = walk.api.get(
        f"/companies/{company.id}/connections/{connection.id}/options/billPayments"
    ).json()
    bank = _choice(pay_options, "accountRef.id", lambda o: True) or next(
        a["id"] for a in _data(walk, company.id, "bankAccounts")
    )
    payment = _push(
        walk,
        company.id,
        connection.id,
        "billPayments",
        {
            "supplierRef": {"id": supplier["id"]},
            "accountRef": {"id": bank},
            "date": f"{today}T00:00:00",
            "currency": "GBP",
            "totalAmount": 200.0,
            "lines": [
                {"amount": 200.0, "links": [{"type": "Bill", "id": bill["id"], "amount": -200.0}]}
            ],
        },
    )
    flows.refresh(walk.codat, company.id, "bills", "billPayments")
    bills = {b["id"]: b for b in _data(walk, company.id, "bills")}
    assert bill["id"] in bills
    assert bills[bill["id"]]["status"] == "Paid"
    assert payment["id"] in {p["id"] for p in _data(walk, company.id, "billPayments")}

    # The company revokes the grant at the platform: the next pull fails with an auth
    # error, the connection is Deauthorized with a linking error, the data stays.
    with walk.services.sessions() as session:
        stored = grants.load(session, walk.services.vault, _uuid(connection.id))
    assert stored is not None
    assert stored.refresh_token
    vendor.revoke(walk.sim, stored.refresh_token)
    vendor.expire(walk.sim)
    pull = walk.codat.refresh_data.by_data_type(
        request={"company_id": company.id, "data_type": vendor.paged_type}
    )

    def ended() -> Any:
        found = walk.codat.refresh_data.get_pull_operation(
            request={"company_id": company.id, "dataset_id": pull.id}
        )
        return found if found.is_completed or found.is_errored else None

    failed = flows.until(ended, "the pull after revocation", seconds=60)
    assert failed.status == platform_shared.DatasetStatus.AUTH_ERROR, failed
    after = walk.codat.connections.get(
        request={"company_id": company.id, "connection_id": connection.id}
    )
    assert after.status == platform_shared.DataConnectionStatus.DEAUTHORIZED
    assert after.data_connection_errors
    assert after.data_connection_errors[-1].status_text == "Deauthorized"
    assert len(_data(walk, company.id, vendor.paged_type)) == len(invoices)


def _token_calls(walk: Walk) -> int:
    return sum(n for path, n in walk.hooked.calls.items() if "token" in path.lower())


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)
