"""Link for an OAuth platform, end to end over real HTTP: our server and the Xero
simulator on their own ports, a browser (httpx with cookies) going between them.

Every way the trip can go: approved (Linked, grant encrypted, organisation known,
event), denied at the platform, a forged or replayed state, a Link URL that expired
meanwhile, a code the platform refuses, and a callback in another browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import update

from ledgerport.app import create_app as create_server
from ledgerport.config import Settings
from ledgerport.connectors.sandbox.size import Size
from ledgerport.services import Services
from ledgerport.simulators.xero import create_app as create_xero
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import events, grants
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from tests.factories import oauth, platform
from tests.live_server import serve

SIZE = Size(customers=5, suppliers=5, invoices=10, bills=10, direct_costs=2, history_days=30)


class World:
    def __init__(self, services: Services, server: str, xero: Any) -> None:
        self.services, self.server, self.xero = services, server, xero
        self.api = httpx.Client(
            base_url=server, headers=platform.basic(platform.api_key(services)), timeout=20
        )

    def new_connection(self) -> tuple[str, str, str]:
        company = self.api.post("/companies", json={"name": "Acme Widgets"}).json()
        made = self.api.post(
            f"/companies/{company['id']}/connections", json={"platformKey": "gbol"}
        )
        assert made.status_code == 200, made.text
        body = made.json()
        return company["id"], body["id"], body["linkUrl"]

    def connection(self, company_id: str, connection_id: str) -> dict[str, Any]:
        found = self.api.get(f"/companies/{company_id}/connections/{connection_id}")
        assert found.status_code == 200, found.text
        result: dict[str, Any] = found.json()
        return result


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    with oauth.running(create_xero("link-test", size=SIZE)) as (xero_url, xero):
        configured, port = oauth.with_xero_on_a_port(settings, xero_url)
        services = Services.build(configured)
        try:
            with serve(create_server(services=services), port=port) as url:
                world = World(services, url, xero)
                yield world
                world.api.close()
        finally:
            services.close()


def test_approving_at_the_platform_links_the_connection(world: World) -> None:
    company_id, connection_id, link_url = world.new_connection()
    assert world.connection(company_id, connection_id)["status"] == "PendingAuth"
    with httpx.Client(timeout=20) as browser:
        started = oauth.start_link(browser, link_url)
        assert started.status_code == 303
        authorize = urlsplit(started.headers["location"])
        query = parse_qs(authorize.query)
        assert authorize.path == "/identity/connect/authorize"
        assert query["code_challenge_method"] == ["S256"]
        assert query["code_challenge"][0]
        assert "offline_access" in query["scope"][0].split()
        assert query["redirect_uri"] == [world.server + "/link/oauth/callback"]

        back = oauth.approve(browser, started.headers["location"])
        done = browser.get(back.headers["location"])
        assert done.status_code == 200, done.text
        assert "Xero connected" in done.text

        # The same callback again (a replayed URL) links nothing more.
        again = browser.get(back.headers["location"])
        assert again.status_code == 410

    connection = world.connection(company_id, connection_id)
    assert connection["status"] == "Linked"
    tenant_id = world.xero.state.xero.tenant.tenant_id
    with world.services.sessions() as session:
        row = session.get(ConnectionRow, connection_id_uuid(connection_id))
        assert row is not None
        assert (row.connection_info or {})["tenantId"] == tenant_id
        stored = grants.load(session, world.services.vault, row.id)
        assert stored is not None
        assert stored.refresh_token
        assert world.xero.state.xero.tokens.access(stored.access_token) is not None
        assert [e.type for e in events.for_company(session, row.company_id)] == [
            "company.created",
            "connection.created",
            "connection.connected",
        ]
    assert world.xero.calls["POST /connect/token"] == 1
    assert world.xero.calls["GET /connections"] == 1  # identify: which organisation
    # Tokens never leave the server.
    assert stored.access_token not in str(connection)
    # The used Link URL is spent.
    with httpx.Client(timeout=20) as browser:
        assert browser.get(link_url).status_code == 410


def connection_id_uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


def _callback_with(world: World, browser: httpx.Client, link_url: str, **params: str) -> Any:
    started = oauth.start_link(browser, link_url)
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    query = "&".join(f"{k}={v}" for k, v in {"state": state, **params}.items())
    return browser.get(f"{world.server}/link/oauth/callback?{query}")


def test_denying_access_records_a_linking_error(world: World) -> None:
    company_id, connection_id, link_url = world.new_connection()
    with httpx.Client(timeout=20) as browser:
        page = _callback_with(world, browser, link_url, error="access_denied")
    assert page.status_code == 403
    assert "Access was not allowed at Xero" in page.text
    connection = world.connection(company_id, connection_id)
    assert connection["status"] == "PendingAuth"
    error = connection["dataConnectionErrors"][-1]
    assert error["statusText"] == "AccessDenied"
    assert error["status"] == "Active"
    # The Link URL still works: the company can change its mind.
    with httpx.Client(timeout=20) as browser:
        assert oauth.authorize(browser, link_url).status_code == 200
    connection = world.connection(company_id, connection_id)
    assert connection["status"] == "Linked"
    assert connection["dataConnectionErrors"][-1]["status"] == "Resolved"


def test_a_code_the_platform_refuses_ends_in_a_clear_page(world: World) -> None:
    company_id, connection_id, link_url = world.new_connection()
    with httpx.Client(timeout=20) as browser:
        page = _callback_with(world, browser, link_url, code="not-a-real-code")
    assert page.status_code == 502
    assert "Xero could not finish the authorization" in page.text
    connection = world.connection(company_id, connection_id)
    assert connection["status"] == "PendingAuth"
    assert connection["dataConnectionErrors"][-1]["statusText"] == "TokenExchangeFailed"
    with world.services.sessions() as session:
        assert grants.load(session, world.services.vault, connection_id_uuid(connection_id)) is None


def test_a_forged_state_is_refused(world: World) -> None:
    with httpx.Client(timeout=20) as browser:
        page = browser.get(f"{world.server}/link/oauth/callback?state=forged&code=x")
        missing = browser.get(f"{world.server}/link/oauth/callback?code=x")
    assert page.status_code == 400
    assert "did not issue" in page.text
    assert missing.status_code == 400


def test_a_link_url_that_expired_during_the_trip_links_nothing(world: World) -> None:
    company_id, connection_id, link_url = world.new_connection()
    with httpx.Client(timeout=20) as browser:
        started = oauth.start_link(browser, link_url)
        back = oauth.approve(browser, started.headers["location"])
        with transaction(world.services.sessions) as session:
            session.execute(
                update(ConnectionRow)
                .where(ConnectionRow.id == connection_id_uuid(connection_id))
                .values(link_issued_at=utcnow() - timedelta(days=31))
            )
        page = browser.get(back.headers["location"])
    assert page.status_code == 410
    assert "expired" in page.text
    connection = world.connection(company_id, connection_id)
    assert connection["status"] == "PendingAuth"
    assert connection["dataConnectionErrors"][-1]["statusText"] == "LinkExpired"


def test_a_callback_in_another_browser_is_refused(world: World) -> None:
    company_id, connection_id, link_url = world.new_connection()
    with httpx.Client(timeout=20) as victim, httpx.Client(timeout=20) as attacker:
        started = oauth.start_link(attacker, link_url)
        back = oauth.approve(attacker, started.headers["location"])
        page = victim.get(back.headers["location"])
    assert page.status_code == 403
    assert world.connection(company_id, connection_id)["status"] == "PendingAuth"


def test_a_platform_without_a_client_is_not_offered(services: Services) -> None:
    from fastapi.testclient import TestClient

    company = platform.company(services)
    with TestClient(create_server(services=services)) as client:
        client.headers.update(platform.basic(platform.api_key(services)))
        made = client.post(f"/companies/{company.id}/connections", json={"platformKey": "gbol"})
        page = client.get(
            urlsplit(made.json()["linkUrl"]).path + "?" + urlsplit(made.json()["linkUrl"]).query
        )
    assert page.status_code == 200
    assert "no client id and secret" in page.text


def test_the_company_page_offers_a_configured_platform_and_links_it(world: World) -> None:
    """From the company's Link page (``company.redirect``): pick Xero, continue to its
    consent page, approve, and the new connection is Linked."""
    company = world.api.post("/companies", json={"name": "Pick a platform"}).json()
    with httpx.Client(timeout=20) as browser:
        page = browser.get(company["redirect"])
        assert page.status_code == 200
        forms = re.findall(r'<form method="post".*?</form>', page.text, flags=re.S)
        xero = next(f for f in forms if 'value="gbol"' in f)
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', xero))
        action = re.search(r'action="([^"]+)"', xero)
        assert action is not None
        chosen = browser.post(world.server + action[1], data=fields)
        assert chosen.status_code == 303
        link_url = world.server + chosen.headers["location"]
        assert oauth.authorize(browser, link_url).status_code == 200
    listed = world.api.get(f"/companies/{company['id']}/connections").json()["results"]
    assert [(c["platformName"], c["status"]) for c in listed] == [("Xero", "Linked")]


def test_a_linked_connection_starts_its_first_pulls_at_once(world: World) -> None:
    """Linking queues the fetchOnFirstLink data types the platform reads, so data flows
    at once rather than at the scheduler's next minute."""
    company_id, connection_id, link_url = world.new_connection()
    history = world.api.get(f"/companies/{company_id}/data/history").json()
    assert history["totalResults"] == 0
    with httpx.Client(timeout=20) as browser:
        assert oauth.authorize(browser, link_url).status_code == 200
    history = world.api.get(
        f"/companies/{company_id}/data/history", params={"pageSize": 100}
    ).json()
    queued = {(p["connectionId"], p["dataType"]) for p in history["results"]}
    assert (connection_id, "invoices") in queued
    assert all(p["connectionId"] == connection_id for p in history["results"])
