"""The QBO simulator's OAuth 2.0 (consent, code exchange with PKCE, refresh rotation,
revoke, discovery), its 401/403 refusals in QBO's lowercase ``fault`` shape, and the
per-realm throttles (500 a minute, 10 at once) answered with 429 ThrottleExceeded."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from ledgerport.simulators.qbo import from_cli
from ledgerport.simulators.qbo.tokens import REFRESH_GRACE
from tests.conformance.qbo.harness import Qbo, make_qbo

REDIRECT = "https://app.example/callback"


def basic(client_id: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def consent(qbo: Qbo, *, approve: bool = True, **extra: str) -> dict[str, list[str]]:
    params = {
        "client_id": "my-app",
        "response_type": "code",
        "scope": "com.intuit.quickbooks.accounting",
        "redirect_uri": REDIRECT,
        "state": "xyz",
        **extra,
    }
    page = qbo.client.get("/connect/oauth2", params=params)
    assert page.status_code == 200
    assert "<form" in page.text
    form = {k: v for k, v in params.items() if k != "response_type"}
    form["approve" if approve else "deny"] = "1"
    answer = qbo.client.post("/connect/oauth2", data=form, follow_redirects=False)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT)
    return parse_qs(urlparse(location).query)


def exchange(qbo: Qbo, **form: str) -> Any:
    return qbo.client.post("/oauth2/v1/tokens/bearer", data=form, headers=basic("my-app", "s3"))


def api(qbo: Qbo, access_token: str, realm: str | None = None) -> Any:
    return qbo.client.get(
        f"/v3/company/{realm or qbo.sim.realm_id}/companyinfo/1",
        headers={"Authorization": f"Bearer {access_token}"},
    )


def test_consent_then_code_exchange_with_pkce() -> None:
    qbo = make_qbo()
    verifier = "v" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    back = consent(qbo, code_challenge=challenge, code_challenge_method="S256")
    assert back["state"] == ["xyz"]
    assert back["realmId"] == [qbo.sim.realm_id]
    code = back["code"][0]
    wrong = exchange(
        qbo,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier="x" * 50,
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant"}
    back = consent(qbo, code_challenge=challenge, code_challenge_method="S256")
    tokens = exchange(
        qbo,
        grant_type="authorization_code",
        code=back["code"][0],
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["x_refresh_token_expires_in"] == 100 * 24 * 3600
    assert api(qbo, body["access_token"]).status_code == 200
    reused = exchange(
        qbo,
        grant_type="authorization_code",
        code=back["code"][0],
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert reused.json() == {"error": "invalid_grant"}


def test_denying_consent_redirects_with_access_denied() -> None:
    back = consent(make_qbo(), approve=False)
    assert back == {"error": ["access_denied"], "state": ["xyz"]}


def test_a_configured_client_is_the_only_one_let_in() -> None:
    qbo = make_qbo(client_id="my-app", client_secret="s3")
    code = consent(qbo)["code"][0]
    bad = qbo.client.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=basic("my-app", "wrong"),
    )
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_client"
    good = exchange(qbo, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert good.status_code == 200


def test_access_tokens_expire_after_an_hour_and_refresh_rotates() -> None:
    qbo = make_qbo()
    first = exchange(
        qbo, grant_type="authorization_code", code=consent(qbo)["code"][0], redirect_uri=REDIRECT
    ).json()
    qbo.clock.advance(minutes=59)
    assert api(qbo, first["access_token"]).status_code == 200
    qbo.clock.advance(minutes=1)
    expired = api(qbo, first["access_token"])
    assert expired.status_code == 401
    fault = expired.json()["fault"]
    assert fault["type"] == "AUTHENTICATION"
    assert expired.json()["time"] == int(qbo.clock.now.timestamp() * 1000)
    assert fault["error"][0]["message"] == (
        "message=AuthenticationFailed; errorCode=003200; statusCode=401"
    )
    second = exchange(qbo, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert api(qbo, second["access_token"]).status_code == 200
    # inside the grace window the old refresh token gives the same new set again
    again = exchange(qbo, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert again == second
    qbo.clock.advance(seconds=REFRESH_GRACE.total_seconds() + 1)
    late = exchange(qbo, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert late.status_code == 400
    assert late.json() == {"error": "invalid_grant"}
    third = exchange(qbo, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert third.status_code == 200
    qbo.clock.advance(days=101)
    stale = exchange(qbo, grant_type="refresh_token", refresh_token=third.json()["refresh_token"])
    assert stale.json() == {"error": "invalid_grant"}


def test_revoking_ends_the_grant() -> None:
    qbo = make_qbo()
    tokens = exchange(
        qbo, grant_type="authorization_code", code=consent(qbo)["code"][0], redirect_uri=REDIRECT
    ).json()
    revoked = qbo.client.post(
        "/oauth2/v1/tokens/revoke",
        json={"token": tokens["refresh_token"]},
        headers=basic("my-app", "s3"),
    )
    assert revoked.status_code == 200
    assert api(qbo, tokens["access_token"]).status_code == 401
    refreshed = exchange(qbo, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.json() == {"error": "invalid_grant"}


def test_test_hooks_expire_and_revoke() -> None:
    qbo = make_qbo()
    token = qbo.headers["Authorization"].split()[1]
    qbo.sim.expire_access_tokens()
    assert api(qbo, token).status_code == 401
    fresh = qbo.sim.issue_tokens()
    assert api(qbo, fresh.access_token).status_code == 200
    qbo.sim.revoke_grant()
    refused = api(qbo, fresh.access_token)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["fault"]["error"][0]["detail"]


def test_missing_token_is_401_and_another_company_403() -> None:
    qbo = make_qbo()
    assert qbo.client.get(f"{qbo.base}/companyinfo/1").status_code == 401
    other = api(qbo, qbo.headers["Authorization"].split()[1], realm="1234567890")
    assert other.status_code == 403
    assert other.json()["fault"]["error"][0]["code"] == "3100"


def test_discovery_points_every_endpoint_here() -> None:
    qbo = make_qbo()
    for path in ("/.well-known/openid_configuration", "/.well-known/openid_configuration/"):
        doc = qbo.client.get(path).json()
        assert doc["authorization_endpoint"] == "http://testserver/connect/oauth2"
        assert doc["token_endpoint"] == "http://testserver/oauth2/v1/tokens/bearer"
        assert doc["revocation_endpoint"] == "http://testserver/oauth2/v1/tokens/revoke"
        assert {"issuer", "jwks_uri", "userinfo_endpoint"} <= set(doc)


def test_over_the_minute_limit_is_429_until_the_window_moves() -> None:
    qbo = make_qbo(per_minute=3)
    for _ in range(3):
        assert qbo.client.get(f"{qbo.base}/companyinfo/1", headers=qbo.headers).status_code == 200
    refused = qbo.client.get(f"{qbo.base}/companyinfo/1", headers=qbo.headers)
    assert refused.status_code == 429
    error = refused.json()["Fault"]["Error"][0]
    assert error["Message"] == "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    assert error["code"] == "3001"
    assert int(refused.headers["Retry-After"]) == 60
    qbo.clock.advance(seconds=61)
    assert qbo.client.get(f"{qbo.base}/companyinfo/1", headers=qbo.headers).status_code == 200


def test_over_the_concurrency_limit_is_429() -> None:
    qbo = make_qbo(concurrent=2)
    realm = qbo.sim.realm_id
    assert qbo.sim.limiter.acquire(realm) is None  # two requests still in flight
    assert qbo.sim.limiter.acquire(realm) is None
    refused = qbo.client.get(f"{qbo.base}/companyinfo/1", headers=qbo.headers)
    assert refused.status_code == 429
    qbo.sim.limiter.release(realm)
    assert qbo.client.get(f"{qbo.base}/companyinfo/1", headers=qbo.headers).status_code == 200
    assert qbo.sim.limiter.in_flight(realm) == 1  # the answered request gave its slot back


def test_the_cli_factory_reads_a_size() -> None:
    app = from_cli("qbo-cli", "invoices=40,customers=5,historyDays=30")
    assert app.state.qbo.size.invoices == 40
    assert app.state.qbo.size.history_days == 30
    with pytest.raises(ValueError, match="Unknown sandbox size key"):
        from_cli("qbo-cli", "widgets=3")
    with pytest.raises(ValueError, match="key=number"):
        from_cli("qbo-cli", "invoices=many")
