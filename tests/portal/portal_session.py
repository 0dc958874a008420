"""Signing a test client in to the portal (shared by the test_portal_* modules)."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from ledgerport.portal import csrf, passwords
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import users
from ledgerport.storage.tables import UserRow
from ledgerport.storage.types import utcnow

PASSWORD = "correct horse battery staple"
EMAIL = "ada@example.com"
NAME = "Ada Lovelace"


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its production cost is ~150 ms a hash and uses 64 MiB; tests only need
    it to be argon2."""
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def make_user(
    services: Services, email: str = EMAIL, name: str = NAME, password: str = PASSWORD
) -> UserRow:
    with transaction(services.sessions) as session:
        return users.create(session, email, name, passwords.hash_password(password), utcnow())


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def post_sign_in(
    client: TestClient, email: str = EMAIL, password: str = PASSWORD, next_url: str = "/"
) -> httpx.Response:
    token = form_token(client.get("/sign-in").text)
    response: httpx.Response = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token, "next": next_url},
        follow_redirects=False,
    )
    return response


def sign_in(client: TestClient, services: Services) -> TestClient:
    make_user(services)
    response = post_sign_in(client)
    assert response.status_code == 303, response.text
    return client


def htmx(client: TestClient, target: str | None = None) -> dict[str, str]:
    """The headers htmx sends, with the CSRF token that base.html puts on <body>."""
    headers = {"HX-Request": "true", "X-CSRF-Token": client.cookies[csrf.COOKIE]}
    if target:
        headers["HX-Target"] = target
    return headers


class Clock:
    """The portal's injected clock (``app.state.portal_clock``)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now
