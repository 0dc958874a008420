"""OAuth platforms for tests: a vendor simulator on a real port, the server settings
that point a platform at it, and connections holding a real grant it issued."""

from __future__ import annotations

import html
import re
import uuid
from collections import Counter
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import httpx
from pydantic import SecretStr

from ledgerport.config import IntegrationSettings, Settings
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import grants
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from tests.factories import platform
from tests.live_server import free_port, serve

Scope = MutableMapping[str, Any]


class Counting:
    """ASGI middleware counting requests by ``METHOD path``: how a test sees how many
    times a vendor endpoint was really called (a refresh, a page)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state
        self.calls: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.calls[f"{scope['method']} {scope['path']}"] += 1
        await self.app(scope, receive, send)


@contextmanager
def running(app: Any) -> Iterator[tuple[str, Counting]]:
    counted = Counting(app)
    with serve(counted) as url:  # type: ignore[arg-type]
        yield url, counted


def with_platform(
    settings: Settings, key: str, base_url: str, client_id: str, client_secret: str
) -> Settings:
    integrations = dict(settings.integrations)
    integrations[key] = IntegrationSettings(
        client_id=client_id, client_secret=SecretStr(client_secret), base_url=base_url
    )
    return settings.model_copy(update={"integrations": integrations})


def with_xero_on_a_port(settings: Settings, xero_url: str) -> tuple[Settings, int]:
    """Settings for our server on a free local port (returned with them: Link's OAuth
    callback comes back there) whose Xero (``gbol``) is the simulator at ``xero_url``,
    with the simulator's own app."""
    port = free_port()
    configured = with_platform(
        settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"}),
        "gbol",
        xero_url,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
    )
    return configured, port


def linked(
    services: Services,
    key: str,
    *,
    access_token: str,
    refresh_token: str | None,
    expires_in: timedelta = timedelta(minutes=30),
    info: dict[str, Any] | None = None,
) -> Any:
    """A company with one Linked connection to ``key`` holding this grant."""
    company = platform.company(services, connections=((key, ConnectionStatus.LINKED),))
    connection_id: uuid.UUID = company.connections[0].id
    now = utcnow()
    with transaction(services.sessions) as session:
        row = session.get(ConnectionRow, connection_id)
        assert row is not None
        row.connection_info = info or {}
        row.link_used_at = now
        grants.save(
            session,
            services.vault,
            connection_id,
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=now + expires_in,
            refresh_expires_at=now + timedelta(days=60),
            scope=None,
            now=now,
            refreshed=False,
        )
    return company


class Clock:
    """A clock a test moves by hand (for simulators)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _hidden_form(page: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action, page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return html.unescape(action[1]), {k: html.unescape(v) for k, v in fields.items()}


def start_link(browser: httpx.Client, link_url: str) -> httpx.Response:
    """Open the Link URL and press Continue: the answer redirects to the consent page."""
    page = browser.get(link_url)
    assert page.status_code == 200, page.text
    action, fields = _hidden_form(page.text)
    return browser.post(urljoin(link_url, action), data=fields, follow_redirects=False)


def approve(browser: httpx.Client, authorize_url: str) -> httpx.Response:
    """At the platform's consent page, press the approve button: the answer redirects
    back to our callback."""
    page = browser.get(authorize_url)
    assert page.status_code == 200, page.text
    action, fields = _hidden_form(page.text)
    button = re.search(r'<button type="submit" name="([^"]+)" value="([^"]+)"', page.text)
    if button:
        fields[button[1]] = button[2]
    return browser.post(urljoin(authorize_url, action), data=fields, follow_redirects=False)


def authorize(browser: httpx.Client, link_url: str) -> httpx.Response:
    """The whole trip as a company makes it, redirects followed: Link page, consent
    page, approve, back to us. Returns our last page."""
    started = start_link(browser, link_url)
    assert started.status_code == 303, started.text
    back = approve(browser, started.headers["location"])
    assert back.status_code in (302, 303), back.text
    return browser.get(back.headers["location"], follow_redirects=True)
