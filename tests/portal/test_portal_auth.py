"""Portal sign-in, sessions, sign-out and CSRF."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledgerport.portal import csrf, sessions, throttle
from ledgerport.services import Services
from ledgerport.storage.tables import CompanyRow, SessionRow, UserRow
from ledgerport.storage.types import utcnow
from tests.portal.portal_session import (
    EMAIL,
    PASSWORD,
    Clock,
    cheap_passwords,  # noqa: F401 - autouse fixture
    htmx,
    make_user,
    post_sign_in,
    sign_in,
)


def test_pages_redirect_to_sign_in_with_next(app_client: TestClient) -> None:
    response = app_client.get("/?q=hair&page=2", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/%3Fq%3Dhair%26page%3D2"
    # htmx gets a full-page navigation instead of a sign-in form inside a fragment.
    fragment = app_client.get(
        "/portal/companies/new",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/?q=x"},
    )
    assert fragment.status_code == 401
    assert fragment.headers["HX-Redirect"] == "/sign-in?next=/%3Fq%3Dx"


def test_sign_in_sets_a_session_cookie_whose_hash_alone_is_stored(
    app_client: TestClient, services: Services
) -> None:
    make_user(services)
    response = post_sign_in(app_client, next_url="/?q=abc")
    assert response.status_code == 303
    assert response.headers["location"] == "/?q=abc"
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(sessions.COOKIE)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    token = app_client.cookies[sessions.COOKIE]
    with services.sessions() as session:
        stored = session.scalars(select(SessionRow.token_hash)).all()
        user = session.scalar(select(UserRow))
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert user is not None
    assert user.last_sign_in is not None
    assert user.password_hash.startswith("$argon2id$")
    page = app_client.get("/")
    assert page.status_code == 200
    assert 'id="sign-out"' in page.text


def test_wrong_password_and_unknown_email_get_the_same_answer(
    app_client: TestClient, services: Services
) -> None:
    make_user(services)
    wrong = post_sign_in(app_client, password="not the password at all")
    unknown = post_sign_in(app_client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email and password do not match an account."
    assert message in wrong.text
    assert message in unknown.text
    assert sessions.COOKIE not in app_client.cookies


def test_sign_in_page_tells_how_to_create_the_first_user(
    app_client: TestClient, services: Services
) -> None:
    assert "ledgerport user create" in app_client.get("/sign-in").text
    make_user(services)
    assert "ledgerport user create" not in app_client.get("/sign-in").text


def test_next_never_leaves_the_server(app_client: TestClient, services: Services) -> None:
    make_user(services)
    response = post_sign_in(app_client, next_url="//evil.example/x")
    assert response.headers["location"] == "/"


def test_repeated_failures_are_refused_until_the_window_passes(
    app_client: TestClient, services: Services
) -> None:
    clock = Clock(utcnow())
    app_client.app.state.portal_clock = clock  # type: ignore[attr-defined]
    make_user(services)
    for _ in range(throttle.MAX_FAILURES):
        assert post_sign_in(app_client, password="wrong password!").status_code == 400
    # Even the right password is refused now, with the same answer for unknown emails.
    locked = post_sign_in(app_client)
    assert locked.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes." in locked.text
    clock.now += throttle.WINDOW + timedelta(seconds=1)
    assert post_sign_in(app_client).status_code == 303


def test_unknown_emails_are_throttled_like_known_ones(app_client: TestClient) -> None:
    for _ in range(throttle.MAX_FAILURES):
        assert post_sign_in(app_client, email="ghost@example.com").status_code == 400
    assert post_sign_in(app_client, email="ghost@example.com").status_code == 429


def test_session_idle_timeout_and_absolute_expiry(
    app_client: TestClient, services: Services
) -> None:
    clock = Clock(utcnow())
    app_client.app.state.portal_clock = clock  # type: ignore[attr-defined]
    sign_in(app_client, services)
    # Active use keeps the session alive past one idle timeout...
    for _ in range(3):
        clock.now += sessions.IDLE_TIMEOUT - timedelta(minutes=5)
        assert app_client.get("/", follow_redirects=False).status_code == 200
    # ...but not past its lifetime.
    clock.now += sessions.LIFETIME
    assert app_client.get("/", follow_redirects=False).status_code == 303
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SessionRow)) == 0

    assert post_sign_in(app_client).status_code == 303
    clock.now += sessions.IDLE_TIMEOUT + timedelta(seconds=1)
    response = app_client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


def test_sign_out_ends_the_session_server_side(app_client: TestClient, services: Services) -> None:
    sign_in(app_client, services)
    token = app_client.cookies[sessions.COOKIE]
    response = app_client.post(
        "/sign-out", data={"csrf_token": app_client.cookies[csrf.COOKIE]}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
    # A copy of the old cookie is worthless: the row is gone.
    app_client.cookies.set(sessions.COOKIE, token)
    assert app_client.get("/", follow_redirects=False).status_code == 303
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SessionRow)) == 0


def test_csrf_is_required_for_sign_in_sign_out_and_every_portal_write(
    app_client: TestClient, services: Services
) -> None:
    make_user(services)
    refused = app_client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 403
    assert sessions.COOKIE not in app_client.cookies

    assert post_sign_in(app_client).status_code == 303
    headers = htmx(app_client)
    forged = {"HX-Request": "true", "X-CSRF-Token": "forged"}
    assert (
        app_client.post("/portal/companies", data={"name": "A"}, headers=forged).status_code == 403
    )
    without = app_client.post("/portal/companies", data={"name": "A"})
    assert without.status_code == 403
    assert "Form expired" in without.text
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CompanyRow)) == 0
    assert app_client.post("/sign-out", follow_redirects=False).status_code == 403
    assert app_client.get("/").status_code == 200  # still signed in
    created = app_client.post("/portal/companies", data={"name": "A"}, headers=headers)
    assert created.status_code == 200


def test_portal_pages_carry_security_headers_and_the_htmx_header_token(
    app_client: TestClient, services: Services
) -> None:
    sign_in(app_client, services)
    page = app_client.get("/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    token = app_client.cookies[csrf.COOKIE]
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text


def test_vendored_htmx_and_portal_assets_are_served(app_client: TestClient) -> None:
    htmx_js = app_client.get("/static/vendor/htmx-2.0.11.min.js")
    assert htmx_js.status_code == 200
    assert htmx_js.text.startswith("var htmx=function()")
    assert 'version:"2.0.11"' in htmx_js.text
    assert app_client.get("/static/vendor/htmx-LICENSE.txt").status_code == 200
    assert app_client.get("/static/portal.css").status_code == 200
    assert app_client.get("/static/portal.js").status_code == 200
