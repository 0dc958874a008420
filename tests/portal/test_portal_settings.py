"""Settings: data type settings (read back through the API), API keys (shown once,
listed, revoked and then refused by the API), integrations (secret stored encrypted,
never rendered), and the CSRF check on each form."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ledgerport.services import Services
from ledgerport.storage.repositories import integrations
from ledgerport.storage.tables import ApiKeyRow, IntegrationSettingsRow
from ledgerport.sync.integrations import oauth_app
from tests.factories import platform
from tests.portal.portal_session import (
    cheap_passwords,  # noqa: F401 - autouse fixture
    form_token,
    htmx,
    sign_in,
)

PAGES = ("/settings/data-types", "/settings/api-keys", "/settings/integrations")
SECRET = "xero-client-secret-do-not-show-0123456789"


@pytest.fixture
def portal(app_client: TestClient, services: Services) -> TestClient:
    return sign_in(app_client, services)


def test_settings_pages_render_signed_in_and_redirect_signed_out(
    app_client: TestClient, services: Services
) -> None:
    for path in (*PAGES, "/settings"):
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/sign-in?next=" + path
    sign_in(app_client, services)
    assert app_client.get("/settings", follow_redirects=False).headers["location"] == PAGES[0]
    for path in PAGES:
        page = app_client.get(path)
        assert page.status_code == 200, page.text
        assert 'aria-current="page">Settings' in page.text
        assert '<input type="hidden" name="csrf_token"' in page.text


def _form_fields(html: str) -> list[tuple[str, str]]:
    """What a browser posts for the data type settings form, unchanged."""
    fields = [("csrf_token", form_token(html))]
    for row in re.findall(r'<tr id="setting-(\w+)">(.*?)</tr>', html, re.S):
        data_type, cells = row
        fields.append(("dataType", data_type))
        selected = re.search(r'<option value="(\d+)" selected>', cells)
        assert selected, cells
        fields.append(("syncSchedule", selected.group(1)))
        if " checked" in cells:
            fields.append(("fetchOnFirstLink", data_type))
    return fields


def _post_fields(portal: TestClient, fields: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """Repeated names (one per data type), encoded as a browser does."""
    return portal.post(
        "/settings/data-types",
        content=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_data_type_settings_are_saved_and_read_back_through_the_api(
    portal: TestClient, api_key: str
) -> None:
    page = portal.get("/settings/data-types").text
    fields = _form_fields(page)
    fields = [("syncSchedule", "168") if f == ("syncSchedule", "24") else f for f in fields]
    index = fields.index(("dataType", "invoices"))
    fields[index + 1] = ("syncSchedule", "1")
    fields = [f for f in fields if f != ("fetchOnFirstLink", "invoices")]
    saved = _post_fields(portal, fields)
    assert saved.status_code == 200
    assert 'id="data-types-saved"' in saved.text
    api = portal.get("/profile/syncSettings", headers=platform.basic(api_key)).json()
    by_type = {s["dataType"]: s for s in api["settings"]}
    assert by_type["invoices"]["syncSchedule"] == 1
    assert by_type["invoices"]["fetchOnFirstLink"] is False
    assert by_type["bills"]["syncSchedule"] == 168
    assert by_type["bills"]["fetchOnFirstLink"] is True
    again = portal.get("/settings/data-types").text
    assert re.search(r'id="schedule-invoices".*?<option value="1" selected>Hourly', again, re.S)


def test_a_schedule_set_through_the_api_is_kept_and_a_bad_one_refused(
    portal: TestClient, api_key: str
) -> None:
    auth = platform.basic(api_key)
    body = portal.get("/profile/syncSettings", headers=auth).json()
    for s in body["settings"]:
        if s["dataType"] == "bills":
            s["syncSchedule"] = 12
    assert portal.post("/profile/syncSettings", json=body, headers=auth).status_code == 204
    page = portal.get("/settings/data-types").text
    assert '<option value="12" selected>Every 12 hours</option>' in page
    fields = _form_fields(page)
    index = fields.index(("dataType", "bills"))
    fields[index + 1] = ("syncSchedule", "99999")
    refused = _post_fields(portal, fields)
    assert refused.status_code == 422
    assert "syncSchedule is the number of hours" in refused.text
    api = portal.get("/profile/syncSettings", headers=auth).json()
    assert next(s for s in api["settings"] if s["dataType"] == "bills")["syncSchedule"] == 12


def test_api_key_is_shown_once_listed_revoked_and_then_refused(
    portal: TestClient, services: Services
) -> None:
    page = portal.get("/settings/api-keys").text
    created = portal.post(
        "/settings/api-keys", data={"csrf_token": form_token(page), "name": "Production"}
    )
    assert created.status_code == 200
    key = re.search(r'id="new-api-key" readonly value="([^"]+)"', created.text)
    assert key is not None
    key_text = unescape(key.group(1))
    assert portal.get("/companies", headers=platform.basic(key_text)).status_code == 200
    listing = portal.get("/settings/api-keys").text
    assert key_text not in listing  # shown once
    assert f"****{key_text[-4:]}" in listing
    assert "Production" in listing
    with services.sessions() as session:
        key_id = str(session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == "Production")))
    confirm = portal.get(f"/settings/api-keys/{key_id}/revoke", headers=htmx(portal))
    assert 'id="confirm-revoke"' in confirm.text
    revoked = portal.post(f"/settings/api-keys/{key_id}/revoke", headers=htmx(portal, "api-keys"))
    assert revoked.status_code == 200
    assert '"closeDialog"' in revoked.headers["HX-Trigger"]
    assert f"****{key_text[-4:]}" not in revoked.text
    assert portal.get("/companies", headers=platform.basic(key_text)).status_code == 401


def test_api_keys_stop_at_the_limit(portal: TestClient, services: Services) -> None:
    limit = services.settings.max_api_keys
    for _ in range(limit):
        platform.api_key(services)
    page = portal.get("/settings/api-keys").text
    assert 'id="create-api-key" disabled' in page
    refused = portal.post(
        "/settings/api-keys", data={"csrf_token": form_token(page), "name": "one more"}
    )
    assert refused.status_code == 422
    assert f"already have {limit} API keys" in refused.text
    with services.sessions() as session:
        assert len(session.scalars(select(ApiKeyRow.id)).all()) == limit


def test_integration_secret_is_stored_encrypted_and_never_rendered(
    portal: TestClient, services: Services
) -> None:
    page = portal.get("/settings/integrations").text
    assert 'id="integration-gbol"' in page
    assert 'id="integration-qhyg"' in page
    assert 'id="integration-mqjo"' not in page  # the sandbox is not OAuth
    assert "needs a client id and secret" in page
    saved = portal.post(
        "/settings/integrations/gbol",
        data={
            "csrf_token": form_token(page),
            "enabled": "on",
            "client_id": "xero-client",
            "client_secret": SECRET,
            "redirect_uri": "",
            "base_url": "http://127.0.0.1:8900",
        },
    )
    assert saved.status_code == 200
    assert SECRET not in saved.text
    with services.sessions() as session:
        row = session.get(IntegrationSettingsRow, "gbol")
        assert row is not None
        assert row.client_secret
        assert SECRET not in row.client_secret  # encrypted at rest
        stored = integrations.get(session, services.vault, "gbol")
        assert stored is not None
        assert stored.client_secret == SECRET
        connector = services.connectors.get("gbol")
        assert connector is not None
        assert oauth_app(services, session, connector) is not None
    shown = portal.get("/settings/integrations").text
    assert SECRET not in shown
    assert "A secret is set." in shown
    assert 'id="integration-gbol-status"' in shown
    assert "Link can use it" in shown
    # An empty secret keeps the stored one; disabling takes it away from Link.
    portal.post(
        "/settings/integrations/gbol",
        data={"csrf_token": form_token(shown), "client_id": "xero-client"},
    )
    with services.sessions() as session:
        stored = integrations.get(session, services.vault, "gbol")
        assert stored is not None
        assert stored.client_secret == SECRET
        assert stored.enabled is False
    assert "Disabled: Link does not offer it" in portal.get("/settings/integrations").text


def test_integration_urls_are_checked_and_unknown_platforms_refused(portal: TestClient) -> None:
    page = portal.get("/settings/integrations").text
    token = form_token(page)
    refused = portal.post(
        "/settings/integrations/qhyg",
        data={"csrf_token": token, "enabled": "on", "redirect_uri": "javascript:alert(1)"},
    )
    assert refused.status_code == 422
    assert 'id="qhyg-redirect-uri"' in refused.text
    assert "Enter an http:// or https:// URL" in refused.text
    not_oauth = portal.post("/settings/integrations/mqjo", data={"csrf_token": token})
    assert not_oauth.status_code == 404


def test_every_settings_form_refuses_a_missing_csrf_token(
    portal: TestClient, services: Services
) -> None:
    platform.api_key(services)
    with services.sessions() as session:
        key_id = session.scalars(select(ApiKeyRow.id)).one()
    for path in (
        "/settings/data-types",
        "/settings/api-keys",
        f"/settings/api-keys/{key_id}/revoke",
        "/settings/integrations/gbol",
    ):
        assert portal.post(path, data={"csrf_token": "forged"}).status_code == 403, path
    with services.sessions() as session:
        assert len(session.scalars(select(ApiKeyRow.id)).all()) == 1
        assert session.get(IntegrationSettingsRow, "gbol") is None
