"""The portal as an attacker's browser sees it: every form on every page carries the
CSRF token and is refused without it, cookies are out of scripts' and other sites'
reach, and names that look like markup render as text.

Covered elsewhere, not repeated: the session cookie is HttpOnly and SameSite, sign-in is
throttled (tests/portal/test_portal_auth.py), and several forms refuse a forged token
(tests/portal/test_portal_company_page.py, test_portal_settings.py)."""

from __future__ import annotations

import re
import uuid
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.portal import csrf, sessions
from ledgerport.portal.routing import PortalRoute
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import api_keys
from ledgerport.storage.tables import ApiKeyRow, CompanyRow, ConnectionRow
from tests.factories import platform
from tests.factories.records import pulled
from tests.portal.portal_session import cheap_passwords, post_sign_in, sign_in  # noqa: F401

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


class Forms(HTMLParser):
    """The ``<form method="post">`` elements of a page, with their hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._open = {"action": values.get("action", ""), "fields": {}}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and values.get("name"):
            self._open["fields"][values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def _forms(html: str) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def _world(services: Services) -> dict[str, str]:
    """A company whose name, and whose pulled customer's name, are markup."""
    company = platform.company(
        services, name=SCRIPT, connections=(("mqjo", ConnectionStatus.LINKED),)
    )
    invoice = {
        "id": "inv-1",
        "invoiceNumber": IMG,
        "customerRef": {"id": "cus-1", "companyName": IMG},
        "issueDate": "2026-01-01T00:00:00",
        "status": "Submitted",
        "currency": "GBP",
        "totalAmount": 10.0,
        "amountDue": 10.0,
        "lineItems": [],
        "modifiedDate": "2026-01-01T00:00:00Z",
    }
    pulled(services, company, "invoices", [invoice])
    with transaction(services.sessions) as session:
        key = api_keys.create(session, SCRIPT)
    return {
        "company_id": str(company.id),
        "connection_id": str(company.connections[0].id),
        "key_id": str(key.row.id),
        "data_type": "invoices",
        "record_id": "inv-1",
        "platform_key": "gbol",
    }


def _pages(app: Any, ids: dict[str, str]) -> list[str]:
    """Every portal page a signed-in user can open, with real ids filled in."""
    paths = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, PortalRoute) and "GET" in route.methods:
            path = re.sub(r"\{(\w+)\}", lambda m: ids.get(m[1], str(uuid.uuid4())), route.path)
            paths.append(path)
    return paths


def test_every_form_carries_the_csrf_token_and_is_refused_without_it(
    app_client: TestClient, services: Services
) -> None:
    ids = _world(services)
    portal = sign_in(app_client, services)
    token = portal.cookies[csrf.COOKIE]
    forms: dict[str, dict[str, Any]] = {}
    rendered = 0
    for path in _pages(portal.app, ids):
        page = portal.get(path)
        if page.status_code == 404 or "text/html" not in page.headers.get("content-type", ""):
            continue  # ids no page has (a report), downloads
        assert page.status_code == 200, (path, page.status_code)
        rendered += 1
        # htmx requests send the token as a header, set once on <body>.
        if "<body" in page.text:
            assert f'"X-CSRF-Token": "{token}"' in page.text, path
        for form in _forms(page.text):
            assert form["fields"].get(csrf.FIELD) == token, (path, form)
            forms.setdefault(unescape(form["action"]) or path, form)
    assert rendered >= 20
    assert len(forms) >= 8, sorted(forms)

    before = _counts(services)
    for action, form in forms.items():
        fields = {k: v for k, v in form["fields"].items() if k != csrf.FIELD}
        refused = portal.post(action, data=fields, follow_redirects=False)
        assert refused.status_code == 403, (action, refused.status_code)
        forged = portal.post(action, data={**fields, csrf.FIELD: "forged"}, follow_redirects=False)
        assert forged.status_code == 403, (action, forged.status_code)
    assert _counts(services) == before
    assert portal.get("/", follow_redirects=False).status_code == 200  # still signed in


def _counts(services: Services) -> tuple[int, ...]:
    with services.sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (CompanyRow, ConnectionRow, ApiKeyRow)
        )


def test_markup_in_names_and_data_renders_as_text(
    app_client: TestClient, services: Services
) -> None:
    ids = _world(services)
    portal = sign_in(app_client, services)
    # Through the API the name is cleaned as Codat cleans it; the description and
    # tags are kept as sent.
    made = portal.post(
        "/companies",
        json={"name": SCRIPT, "description": SCRIPT, "tags": {"note": IMG}},
        headers=platform.basic(platform.api_key(services)),
    )
    assert made.status_code == 200
    assert "<" not in made.json()["name"]
    shown = 0
    for path in (
        "/",
        "/?q=script",
        f"/portal/companies/{ids['company_id']}",
        f"/portal/companies/{made.json()['id']}",
        f"/portal/companies/{ids['company_id']}/connections",
        f"/portal/companies/{ids['company_id']}/data?dataType=invoices",
        f"/portal/companies/{ids['company_id']}/data/invoices/inv-1",
        f"/portal/companies/{ids['company_id']}/edit",
        f"/portal/companies/{ids['company_id']}/delete",
        "/settings/api-keys",
        "/spend-insights",
    ):
        page = portal.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert "<script>alert" not in page.text, path
        assert "<img src=x" not in page.text, path
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text:
            shown += 1
    assert shown >= 5  # the name was there, as text
    data = portal.get(f"/portal/companies/{ids['company_id']}/data?dataType=invoices").text
    assert "&lt;img src=x" in data


def test_cookies_are_out_of_reach_of_scripts_and_other_sites(
    app_client: TestClient, services: Services
) -> None:
    page = app_client.get("/sign-in")
    cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith(csrf.COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    from tests.portal.portal_session import make_user

    make_user(services)
    signed = post_sign_in(app_client)
    for cookie in signed.headers.get_list("set-cookie"):
        if cookie.startswith((sessions.COOKIE, csrf.COOKIE)):
            assert "HttpOnly" in cookie
            assert re.search(r"SameSite=(lax|strict)", cookie, re.IGNORECASE)
    # Over HTTPS (behind a proxy that says so) the cookies are Secure too.
    secure = TestClient(app_client.app, base_url="https://testserver")
    secure_page = secure.get("/sign-in")
    csrf_cookie = next(
        c for c in secure_page.headers.get_list("set-cookie") if c.startswith(csrf.COOKIE)
    )
    assert "Secure" in csrf_cookie
    assert post_sign_in(secure).headers.get("set-cookie", "").count("Secure") >= 1
