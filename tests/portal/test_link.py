"""The hosted Link flow: a Link URL grants one connection, once, and expires."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import update

from ledgerport.portal import csrf
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _new_connection(client: TestClient, key: str = "mqjo") -> tuple[dict, dict]:
    company = client.post("/companies", json={"name": "Hairosmith"}).json()
    conn = client.post(f"/companies/{company['id']}/connections", json={"platformKey": key}).json()
    return company, conn


def _authorize(client: TestClient, link_url: str):
    page = client.get(_relative(link_url))
    assert page.status_code == 200, page.text
    otp = urlsplit(link_url).query.removeprefix("otp=")
    return client.post(urlsplit(link_url).path, data={"otp": otp, "csrf_token": _csrf(page.text)})


def test_sandbox_links_with_one_click_and_only_once(client: TestClient) -> None:
    company, conn = _new_connection(client)
    done = _authorize(client, conn["linkUrl"])
    assert done.status_code == 200
    assert "Sandbox connected" in done.text
    url = f"/companies/{company['id']}/connections/{conn['id']}"
    assert client.get(url).json()["status"] == "Linked"
    # The same URL again: refused, both to view and to submit.
    again = client.get(_relative(conn["linkUrl"]))
    assert again.status_code == 410
    assert "already been used" in again.text


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    company, conn = _new_connection(client)
    client.get(_relative(conn["linkUrl"]))
    otp = urlsplit(conn["linkUrl"]).query.removeprefix("otp=")
    refused = client.post(urlsplit(conn["linkUrl"]).path, data={"otp": otp, "csrf_token": "forged"})
    assert refused.status_code == 403
    client.cookies.delete(csrf.COOKIE)
    refused = client.post(urlsplit(conn["linkUrl"]).path, data={"otp": otp, "csrf_token": "x"})
    assert refused.status_code == 403
    status = client.get(f"/companies/{company['id']}/connections/{conn['id']}").json()["status"]
    assert status == "PendingAuth"


def test_token_is_bound_to_its_connection(client: TestClient) -> None:
    company, first = _new_connection(client)
    second = client.post(
        f"/companies/{company['id']}/connections", json={"platformKey": "mqjo"}
    ).json()
    otp = urlsplit(first["linkUrl"]).query
    wrong = f"/link/companies/{company['id']}/connections/{second['id']}/start?{otp}"
    assert client.get(wrong).status_code == 403
    assert client.get(urlsplit(first["linkUrl"]).path + "?otp=guess").status_code == 403
    assert client.get(urlsplit(first["linkUrl"]).path).status_code == 403


def test_expired_link_is_refused(client: TestClient, services) -> None:
    _, conn = _new_connection(client)
    with services.engine.begin() as db:
        db.execute(update(ConnectionRow).values(link_issued_at=utcnow() - timedelta(days=31)))
    page = client.get(_relative(conn["linkUrl"]))
    assert page.status_code == 410
    assert "expired" in page.text


def test_unlink_then_relink_with_the_new_url(client: TestClient) -> None:
    company, conn = _new_connection(client)
    assert _authorize(client, conn["linkUrl"]).status_code == 200
    url = f"/companies/{company['id']}/connections/{conn['id']}"
    unlinked = client.patch(url, json={"status": "Unlinked"}).json()
    assert client.get(_relative(conn["linkUrl"])).status_code == 403  # old URL is dead
    assert _authorize(client, unlinked["linkUrl"]).status_code == 200
    assert client.get(url).json()["status"] == "Linked"


def test_oauth_platforms_say_plainly_they_cannot_link_yet(client: TestClient) -> None:
    company, conn = _new_connection(client, "gbol")
    page = client.get(_relative(conn["linkUrl"]))
    assert page.status_code == 200
    assert "cannot be authorized on this server yet" in page.text
    otp = urlsplit(conn["linkUrl"]).query.removeprefix("otp=")
    refused = client.post(
        urlsplit(conn["linkUrl"]).path, data={"otp": otp, "csrf_token": client.cookies[csrf.COOKIE]}
    )
    assert refused.status_code == 400
    status = client.get(f"/companies/{company['id']}/connections/{conn['id']}").json()["status"]
    assert status == "PendingAuth"


def test_company_link_page_creates_and_reuses_a_connection(client: TestClient) -> None:
    company = client.post("/companies", json={"name": "Hairosmith"}).json()
    page = client.get(_relative(company["redirect"]))
    assert page.status_code == 200
    assert "Sandbox" in page.text
    assert "Xero" in page.text
    token = urlsplit(company["redirect"]).query.removeprefix("token=")
    form = {"token": token, "platformKey": "mqjo", "csrf_token": _csrf(page.text)}
    path = urlsplit(company["redirect"]).path + "/connections"
    chosen = client.post(path, data=form, follow_redirects=False)
    assert chosen.status_code == 303
    again = client.post(path, data=form, follow_redirects=False)
    assert again.headers["location"] == chosen.headers["location"]
    conns = client.get(f"/companies/{company['id']}/connections").json()["results"]
    assert len(conns) == 1
    assert _relative(conns[0]["linkUrl"]) == chosen.headers["location"]
    # An OAuth platform cannot be chosen yet; a bad company token gets nothing.
    assert client.post(path, data={**form, "platformKey": "gbol"}).status_code == 400
    assert client.post(path, data={**form, "token": "bad"}).status_code == 403
    assert client.get(urlsplit(company["redirect"]).path + "?token=bad").status_code == 403


def test_link_returns_to_the_profile_redirect_url(client: TestClient) -> None:
    client.put(
        "/profile",
        json={
            "name": "Lendco",
            "redirectUrl": "https://lendco.example/done?c={companyId}&x={connectionId}"
            "&p={platform}&s={statusCode}&n={platformName}",
        },
    )
    company, conn = _new_connection(client)
    page = client.get(_relative(conn["linkUrl"]))
    otp = urlsplit(conn["linkUrl"]).query.removeprefix("otp=")
    done = client.post(
        urlsplit(conn["linkUrl"]).path,
        data={"otp": otp, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == (
        f"https://lendco.example/done?c={company['id']}&x={conn['id']}&p=mqjo&s=200&n=Sandbox"
    )
