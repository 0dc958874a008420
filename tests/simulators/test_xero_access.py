"""The Xero simulator's limits and the ways access ends: the concurrent limit, limits
set low for tests, the expiry hook, disconnecting a tenant and revoking a token."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from ledgerport.simulators.xero import create_app
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from tests.simulators.test_xero_simulator import (
    API,
    SIZE,
    Clock,
)


def test_a_sixth_call_in_flight_is_refused(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    sim = app.state.xero
    tenant = sim.tenant.tenant_id
    for _ in range(5):  # five calls still running for this tenant
        assert sim.limiter.enter(tenant) is None
    refused = client.get(f"{API}/Accounts", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["X-MinLimit-Remaining"] == "60"  # not counted
    sim.limiter.leave(tenant)
    served = client.get(f"{API}/Accounts", headers=headers)
    assert served.status_code == 200
    assert served.headers["X-MinLimit-Remaining"] == "59"


def test_limits_can_be_set_low_for_tests(clock: Clock) -> None:
    app = create_app(
        "xero-test", clock=clock, size=SIZE, minute_limit=2, day_limit=3, concurrent_limit=1
    )
    sim = app.state.xero
    token = sim.tokens.issue((sim.tenant.tenant_id,)).access_token
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": sim.tenant.tenant_id}
    client = TestClient(app)
    assert [client.get(f"{API}/TaxRates", headers=headers).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    clock.advance(minutes=1)
    assert client.get(f"{API}/TaxRates", headers=headers).status_code == 200
    clock.advance(minutes=1)
    day = client.get(f"{API}/TaxRates", headers=headers)
    assert (day.status_code, day.headers["X-Rate-Limit-Problem"]) == (429, "day")
    assert sim.limiter.enter(sim.tenant.tenant_id) is None
    busy = client.get(f"{API}/TaxRates", headers=headers)
    assert busy.headers["X-Rate-Limit-Problem"] == "concurrent"


def test_expiring_every_access_token_forces_a_refresh(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    sim = app.state.xero
    refresh = sim.tokens.issue((sim.tenant.tenant_id,)).refresh_token
    assert client.get(f"{API}/Accounts", headers=headers).status_code == 200
    assert sim.expire_access_tokens() == 2
    expired = client.get(f"{API}/Accounts", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired")
    fresh = client.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    ).json()
    renewed = {**headers, "Authorization": f"Bearer {fresh['access_token']}"}
    assert client.get(f"{API}/Accounts", headers=renewed).status_code == 200


def test_disconnecting_the_tenant_ends_access_to_it(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    bearer = {"Authorization": headers["Authorization"]}
    [connection] = client.get("/connections", headers=bearer).json()
    assert client.delete("/connections/nope", headers=bearer).status_code == 404
    gone = client.delete(f"/connections/{connection['id']}", headers=bearer)
    assert gone.status_code == 204
    assert client.get("/connections", headers=bearer).json() == []
    refused = client.get(f"{API}/Invoices", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["Detail"] == "AuthenticationUnsuccessful"


def test_revoking_the_refresh_token_ends_the_authorization(app: Any, client: TestClient) -> None:
    sim = app.state.xero
    tokens = sim.tokens.issue((sim.tenant.tenant_id,))
    headers = {
        "Authorization": f"Bearer {tokens.access_token}",
        "xero-tenant-id": sim.tenant.tenant_id,
    }
    client_auth = (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    wrong = client.post(
        "/connect/revocation",
        data={"token": tokens.refresh_token},
        auth=(DEFAULT_CLIENT_ID, "wrong"),
    )
    assert wrong.json() == {"error": "invalid_client"}
    revoked = client.post(
        "/connect/revocation", data={"token": tokens.refresh_token}, auth=client_auth
    )
    assert revoked.status_code == 200
    refresh = client.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
        auth=client_auth,
    )
    assert (refresh.status_code, refresh.json()) == (400, {"error": "invalid_grant"})
    assert client.get(f"{API}/Invoices", headers=headers).status_code == 403
    bearer = {"Authorization": headers["Authorization"]}
    assert client.get("/connections", headers=bearer).json() == []
