"""Who gets in without a key, and which secrets can leak.

Already covered elsewhere, not repeated here: a revoked key fails at once and a listed
key shows only its last four characters (tests/api/test_auth.py); a Link URL works
once, for its own connection, and expires (tests/portal/test_link.py); a forged or
replayed OAuth state or callback links nothing (tests/portal/test_oauth_link.py).
This module adds the walks over every route, Link tokens used across companies, and
what reaches the logs and the responses."""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from ledgerport.api.access_log import ACCESS_LOGGER, REDACTED, redact_query
from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.connectors.sandbox.size import Size
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.portal.routing import PortalRoute
from ledgerport.services import Services
from ledgerport.simulators.xero import create_app as create_xero
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_SECRET
from ledgerport.storage.repositories import grants
from tests.api.test_auth import assert_codat_error
from tests.factories import oauth, platform
from tests.portal.portal_session import cheap_passwords, sign_in  # noqa: F401

# Served without an API key: the Link pages a company opens (their token is the
# credential), the platform logos they show, health, metrics and the API's docs.
PUBLIC_PREFIXES = ("/link/", "/logos/")
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
PUBLIC_PATHS = {"/health", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _routes(app: Any) -> Iterator[tuple[str, str, Any]]:
    """(method, path template, route) for every route the app serves."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            yield "GET", str(context.path), route
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                yield method, str(context.path), route


def _concrete(path: str, company: Any) -> str:
    """A path with its parameters filled in with a real company's ids, so a missing
    key check cannot hide behind a 404."""
    values = {
        "companyId": str(company.id),
        "company_id": str(company.id),
        "connectionId": str(company.connections[0].id),
        "connection_id": str(company.connections[0].id),
    }
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m[1], "x1"), path)


@SQLITE_ONLY
def test_every_api_route_needs_a_key(app_client: TestClient, services: Services) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    checked: list[str] = []
    for method, path, route in _routes(app_client.app):
        if isinstance(route, (PortalRoute, Mount)) or path in PUBLIC_PATHS:
            continue
        if path.startswith(PUBLIC_PREFIXES):
            continue
        assert isinstance(route, APIRoute), (method, path)
        url = _concrete(path, company)
        for headers in ({}, {"Authorization": "Basic " + base64.b64encode(b"nope").decode()}):
            response = app_client.request(method, url, headers=headers, json={})
            assert_codat_error(response, 401)
        checked.append(f"{method} {path}")
    # Every operation in the OpenAPI document was walked (and a few hidden aliases).
    documented = {
        f"{method.upper()} {path}"
        for path, item in app_client.get("/openapi.json").json()["paths"].items()
        for method in item
    }
    assert documented <= set(checked)
    assert len(checked) >= 190


@SQLITE_ONLY
def test_portal_pages_need_a_session(app_client: TestClient, services: Services) -> None:
    """Without a session a portal page sends the browser to sign in, and a form post
    changes nothing (refused for its missing CSRF token, or sent to sign in)."""
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    walked = 0
    for method, path, route in _routes(app_client.app):
        if not isinstance(route, PortalRoute) or path == "/sign-in":
            continue
        response = app_client.request(method, _concrete(path, company), follow_redirects=False)
        if method == "GET":
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["location"].startswith("/sign-in")
        else:
            assert response.status_code in (303, 403), (method, path, response.status_code)
        walked += 1
    assert walked >= 35
    with services.sessions() as session:
        from ledgerport.storage.repositories import companies

        assert companies.get(session, company.id) is not None


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@SQLITE_ONLY
def test_link_tokens_open_nothing_of_another_company(client: TestClient) -> None:
    first = client.post("/companies", json={"name": "First Ltd"}).json()
    second = client.post("/companies", json={"name": "Second Ltd"}).json()
    conn = client.post(f"/companies/{first['id']}/connections", json={"platformKey": "mqjo"})
    other = client.post(f"/companies/{second['id']}/connections", json={"platformKey": "mqjo"})
    link, other_link = urlsplit(conn.json()["linkUrl"]), urlsplit(other.json()["linkUrl"])

    # A company's Link token opens its own page only.
    token = urlsplit(first["redirect"]).query
    assert client.get(f"/link/company/{first['id']}?{token}").status_code == 200
    assert client.get(f"/link/company/{second['id']}?{token}").status_code == 403
    # A connection's otp does not open the other company's connection, nor its own
    # connection under the other company's id.
    assert client.get(f"{other_link.path}?{link.query}").status_code == 403
    swapped = link.path.replace(first["id"], second["id"])
    assert client.get(f"{swapped}?{link.query}").status_code == 403
    # A company token is not a connection otp.
    otp_from_token = token.replace("token=", "otp=")
    assert client.get(f"{link.path}?{otp_from_token}").status_code == 403


@SQLITE_ONLY
def test_a_used_link_cannot_be_posted_again(client: TestClient) -> None:
    company = client.post("/companies", json={"name": "Once Ltd"}).json()
    conn = client.post(
        f"/companies/{company['id']}/connections", json={"platformKey": "mqjo"}
    ).json()
    link = urlsplit(conn["linkUrl"])
    page = client.get(_relative(conn["linkUrl"]))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {"otp": link.query.removeprefix("otp="), "csrf_token": token[1]}
    assert client.post(link.path, data=form).status_code == 200
    again = client.post(link.path, data=form)
    assert again.status_code == 410


@SQLITE_ONLY
def test_created_keys_are_never_shown_again(client: TestClient) -> None:
    created = client.post("/apiKeys", json={"name": "shown once"}).json()
    key = created["apiKey"]
    encoded = base64.b64encode(key.encode()).decode()
    listing = client.get("/apiKeys")
    assert listing.status_code == 200
    assert key not in listing.text
    assert key[:-4] not in listing.text
    assert encoded not in listing.text
    # Nor does any other answer echo it: a key used on a 404 or a bad request.
    for response in (
        client.get("/companies/nope", headers=platform.basic(key)),
        client.post("/companies", json={"name": ""}, headers=platform.basic(key)),
    ):
        assert response.status_code in (400, 404)
        assert key not in response.text
        assert encoded not in response.text


def test_access_log_redacts_credentials_in_urls() -> None:
    assert redact_query("/link/companies/a/connections/b/start?otp=s3cr3t") == (
        f"/link/companies/a/connections/b/start?otp={REDACTED}"
    )
    assert redact_query("/link/oauth/callback?code=abc&state=xyz&scope=a+b") == (
        f"/link/oauth/callback?code={REDACTED}&state={REDACTED}&scope=a+b"
    )
    assert redact_query("/companies?page=1&query=name%3DA") == "/companies?page=1&query=name%3DA"
    assert redact_query("/health") == "/health"
    # Only the secret's value changes: the rest keeps its own encoding.
    assert (
        redact_query("/link/start?OTP=s3cr3t&q=a%20b;c") == f"/link/start?OTP={REDACTED}&q=a%20b;c"
    )
    assert redact_query("/link/start?%6Ftp=s3cr3t") == f"/link/start?%6Ftp={REDACTED}"


# -- nothing secret reaches the logs -------------------------------------------------

SIZE = Size(customers=5, suppliers=5, invoices=10, bills=10, direct_costs=2, history_days=30)


@contextmanager
def _logged_server(app: Any, port: int) -> Iterator[str]:
    """uvicorn as `ledgerport serve` runs it (access log on), logging into pytest's
    capture rather than uvicorn's own configuration."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def _capturing_access_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Route uvicorn's access log into pytest's capture. Call it after every uvicorn
    that configures logging has started: uvicorn's configuration removes handlers."""
    access = logging.getLogger(ACCESS_LOGGER)
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    access.addHandler(caplog.handler)
    try:
        yield
    finally:
        access.removeHandler(caplog.handler)


@SQLITE_ONLY
def test_keys_tokens_and_link_secrets_are_never_logged(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        oauth.running(create_xero("log-test", size=SIZE)) as (xero_url, _xero),
        _capturing_access_log(caplog),
    ):
        configured, port = oauth.with_xero_on_a_port(settings, xero_url)
        services = Services.build(configured)
        first_key = platform.api_key(services)
        try:
            with _logged_server(create_app(services=services), port) as base:
                secrets = _walk_the_secrets(base, first_key)
            with services.sessions() as session:
                connection_id = secrets.pop("connection_id")
                grant = grants.load(session, services.vault, connection_id)
            assert grant is not None
        finally:
            services.close()

    secrets.update(
        access_token=grant.access_token,
        refresh_token=grant.refresh_token or "missing",
        client_secret=DEFAULT_CLIENT_SECRET,
    )
    # What the servers logged; the test's own clients (on this thread) log their URLs.
    records = [r for r in caplog.records if r.thread != threading.get_ident()]
    assert any(r.name == ACCESS_LOGGER for r in records)  # the access log was on
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in records)
    for name, secret in secrets.items():
        assert secret not in logged, f"{name} was logged"
    assert REDACTED in logged


def _walk_the_secrets(base: str, first_key: str) -> dict[str, Any]:
    """Create and use an API key, then link an OAuth platform through Link; return
    every secret that passed (and the connection's id)."""
    import uuid

    with httpx.Client(base_url=base, headers=platform.basic(first_key), timeout=20) as api:
        created = api.post("/apiKeys", json={"name": "logged?"})
        assert created.status_code == 201
        key = created.json()["apiKey"]
        used = api.get("/companies", headers=platform.basic(key))
        assert used.status_code == 200
        assert api.get("/companies", headers={"Authorization": f"Basic {key}"}).status_code == 200
        company = api.post("/companies", json={"name": "Logged Ltd"}).json()
        made = api.post(f"/companies/{company['id']}/connections", json={"platformKey": "gbol"})
        link_url = made.json()["linkUrl"]
    with httpx.Client(timeout=20) as browser:
        assert browser.get(company["redirect"]).status_code == 200
        started = oauth.start_link(browser, link_url)
        back = oauth.approve(browser, started.headers["location"])
        callback = urlsplit(back.headers["location"])
        code = parse_qs(callback.query)["code"][0]
        done = browser.get(back.headers["location"])
        assert done.status_code == 200, done.text
    return {
        "first_key": first_key,
        "first_key_b64": base64.b64encode(first_key.encode()).decode(),
        "key": key,
        "key_b64": base64.b64encode(key.encode()).decode(),
        "otp": urlsplit(link_url).query.removeprefix("otp="),
        "company_token": urlsplit(company["redirect"]).query.removeprefix("token="),
        "oauth_code": code,
        "connection_id": uuid.UUID(made.json()["id"]),
    }
