"""The portal's Webhooks page: in the navigation, signed-in only, create (the secret
shown once, then revealed on request), disable and enable, delete with confirmation,
the delivery log with replay, and CSRF on every form."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from ledgerport.services import Services
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.webhooks.delivery import Dispatcher
from tests.factories import platform
from tests.portal.portal_session import (
    cheap_passwords,  # noqa: F401 - autouse fixture
    form_token,
    htmx,
    sign_in,
)
from tests.webhooks.fixtures import http_receiver_settings, running_receiver  # noqa: F401
from tests.webhooks.receiver import Receiver


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite only: the page is the same on either engine
    (delivery's SQL runs on both engines in tests/webhooks)."""
    return str(request.param)


@pytest.fixture
def portal(app_client: TestClient, services: Services) -> TestClient:
    return sign_in(app_client, services)


def _create(portal: TestClient, url: str, **extra: object) -> str:
    page = portal.get("/portal/webhooks")
    data = {
        "csrf_token": form_token(page.text),
        "url": url,
        "event_types": ["company.created", "connection.connected"],
        **extra,
    }
    made = portal.post("/portal/webhooks", data=data)
    assert made.status_code == 200, made.text
    return str(made.text)


def _secret(html: str, field: str) -> str:
    found = re.search(rf'id="{field}" readonly value="([^"]+)"', html)
    assert found, html
    return unescape(str(found.group(1)))


def test_the_page_is_in_the_navigation_and_for_signed_in_users_only(
    app_client: TestClient, services: Services
) -> None:
    signed_out = app_client.get("/portal/webhooks", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in?next=/portal/webhooks"
    sign_in(app_client, services)
    home = app_client.get("/")
    assert '<a href="/portal/webhooks">Webhooks</a>' in home.text
    page = app_client.get("/portal/webhooks")
    assert 'aria-current="page">Webhooks' in page.text
    assert 'id="consumers-empty"' in page.text


def test_create_shows_the_secret_once_and_reveal_shows_it_again(
    portal: TestClient, services: Services, receiver: Receiver
) -> None:
    created = _create(
        portal, receiver.url, write_types=["bills"], company_tags="region:uk\ntier:gold"
    )
    secret = _secret(created, "new-consumer-secret")
    assert secret.startswith("whsec_")
    with services.sessions() as session:
        [row] = repo.consumers(session)
        assert row.secret != secret  # stored encrypted
        assert row.event_types == [
            "company.created",
            "connection.connected",
            "bills.write.successful",
            "bills.write.unsuccessful",
        ]
        assert row.company_tags == ["region:uk", "tier:gold"]
    listed = portal.get("/portal/webhooks").text
    assert secret not in listed
    assert f'id="consumer-{row.id}"' in listed
    revealed = portal.post(
        f"/portal/webhooks/{row.id}/secret", data={"csrf_token": form_token(listed)}
    )
    assert _secret(revealed.text, "consumer-secret") == secret
    assert revealed.headers["cache-control"] == "no-store"
    # Without the CSRF token, nothing is revealed.
    forged = portal.post(f"/portal/webhooks/{row.id}/secret", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert secret not in forged.text


def test_a_bad_consumer_is_refused_with_the_reason(portal: TestClient) -> None:
    refused = portal.post(
        "/portal/webhooks",
        data={
            "csrf_token": form_token(portal.get("/portal/webhooks").text),
            "url": "http://hooks.example.com/x",
            "event_types": ["company.created"],
        },
    )
    assert refused.status_code == 422
    assert 'id="consumer-error"' in refused.text
    assert "https://" in refused.text
    assert 'value="http://hooks.example.com/x"' in refused.text  # the form is kept
    assert "forged" not in portal.post("/portal/webhooks", data={"csrf_token": "forged"}).text


def test_disable_enable_and_delete_with_confirmation(
    portal: TestClient, services: Services, receiver: Receiver
) -> None:
    _create(portal, receiver.url)
    with services.sessions() as session:
        [row] = repo.consumers(session)
    headers = htmx(portal, target="webhook-consumers")
    disabled = portal.post(f"/portal/webhooks/{row.id}/disable", headers=headers)
    assert disabled.status_code == 200
    assert f'id="enable-{row.id}"' in disabled.text
    with services.sessions() as session:
        assert repo.consumers(session)[0].disabled
    enabled = portal.post(f"/portal/webhooks/{row.id}/enable", headers=headers)
    assert f'id="disable-{row.id}"' in enabled.text

    confirm = portal.get(f"/portal/webhooks/{row.id}/delete", headers=htmx(portal))
    assert "This cannot be undone" in confirm.text
    assert portal.post(f"/portal/webhooks/{row.id}/delete", data={}).status_code == 403
    deleted = portal.post(f"/portal/webhooks/{row.id}/delete", headers=headers)
    assert deleted.status_code == 200
    assert 'id="consumers-empty"' in deleted.text
    assert "closeDialog" in deleted.headers["HX-Trigger"]
    assert portal.get(f"/portal/webhooks/{row.id}").status_code == 404


def test_the_delivery_log_lists_attempts_and_replays(
    portal: TestClient, services: Services, receiver: Receiver, api_key: str
) -> None:

    secret = _secret(_create(portal, receiver.url), "new-consumer-secret")
    with services.sessions() as session:
        [row] = repo.consumers(session)
    portal.post("/companies", json={"name": "Logged Ltd"}, headers=platform.basic(api_key))
    dispatcher = Dispatcher(services)
    try:
        assert dispatcher.deliver_due() == 1
        log = portal.get(f"/portal/webhooks/{row.id}")
        assert log.status_code == 200
        [delivery] = re.findall(r'id="delivery-([0-9a-f-]{36})"', log.text)
        assert f'id="delivery-status-{delivery}">Delivered' in log.text
        assert "HTTP 200" in log.text
        replayed = portal.post(
            f"/portal/webhooks/{row.id}/deliveries/{delivery}/replay",
            headers=htmx(portal, target="webhook-log"),
        )
        assert replayed.status_code == 200
        assert 'id="log-notice"' in replayed.text
        assert len(re.findall(r'id="delivery-([0-9a-f-]{36})"', replayed.text)) == 2
        assert dispatcher.deliver_due() == 1
    finally:
        dispatcher.close()
    first, second = receiver.requests
    assert first.body == second.body
    Webhook(secret).verify(second.body, second.headers)
