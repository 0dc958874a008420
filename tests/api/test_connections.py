from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from ledgerport.domain.tokens import verify_claims
from ledgerport.storage.types import utcnow
from tests.api.test_auth import assert_codat_error


def _company(client: TestClient) -> dict:
    return client.post("/companies", json={"name": "Sawayn Group"}).json()


def test_create_connection_is_pending_auth_with_link_url(client: TestClient) -> None:
    company = _company(client)
    response = client.post(f"/companies/{company['id']}/connections", json={"platformKey": "qhyg"})
    assert response.status_code == 200
    conn = response.json()
    uuid.UUID(conn["id"])
    uuid.UUID(conn["integrationId"])
    uuid.UUID(conn["sourceId"])
    assert conn["status"] == "PendingAuth"
    assert conn["platformName"] == "QuickBooks Online"
    assert conn["integrationKey"] == "qhyg"
    assert conn["sourceType"] == "Accounting"
    assert conn["created"].endswith("Z")
    link = urlsplit(conn["linkUrl"])
    assert link.path == f"/link/companies/{company['id']}/connections/{conn['id']}/start"
    assert link.query.startswith("otp=")
    assert conn["dataConnectionErrors"] == []
    # The same linkUrl on every read, and the connection shows up on its company.
    assert client.get(f"/companies/{company['id']}/connections/{conn['id']}").json() == conn
    assert client.get(f"/companies/{company['id']}").json()["dataConnections"] == [conn]


def test_integration_ids_are_stable_per_platform(client: TestClient) -> None:
    company = _company(client)
    a = client.post(f"/companies/{company['id']}/connections", json={"platformKey": "gbol"}).json()
    b = client.post(f"/companies/{company['id']}/connections", json={"platformKey": "gbol"}).json()
    assert a["id"] != b["id"]
    assert a["integrationId"] == b["integrationId"]
    assert a["sourceId"] == b["sourceId"]
    integration = client.get("/integrations/gbol").json()
    assert integration["integrationId"] == a["integrationId"]


def test_connection_errors(client: TestClient) -> None:
    company = _company(client)
    base = f"/companies/{company['id']}/connections"
    assert_codat_error(client.post(base, json={"platformKey": "zzzz"}), 404)
    assert_codat_error(client.post(base, json={}), 400)
    assert_codat_error(
        client.post(f"/companies/{uuid.uuid4()}/connections", json={"platformKey": "qhyg"}), 404
    )
    assert_codat_error(client.get(f"{base}/{uuid.uuid4()}"), 404)
    assert_codat_error(client.get(f"{base}/nope"), 404)
    assert_codat_error(client.delete(f"{base}/{uuid.uuid4()}"), 404)
    assert client.get(base).json()["totalResults"] == 0


def test_unlink_and_illegal_transitions(client: TestClient) -> None:
    company = _company(client)
    base = f"/companies/{company['id']}/connections"
    conn = client.post(base, json={"platformKey": "mqjo"}).json()
    url = f"{base}/{conn['id']}"
    for status in ("Linked", "Deauthorized"):
        assert_codat_error(client.patch(url, json={"status": status}), 400)
    # Asking for the status it already has changes nothing.
    assert client.patch(url, json={"status": "PendingAuth"}).json()["status"] == "PendingAuth"
    assert_codat_error(client.patch(url, json={"status": "Nonsense"}), 400)
    assert client.patch(url, json={}).json()["status"] == "PendingAuth"
    unlinked = client.patch(url, json={"status": "Unlinked"})
    assert unlinked.status_code == 200
    assert unlinked.json()["status"] == "Unlinked"
    # A new Link URL replaces the old one.
    assert unlinked.json()["linkUrl"] != conn["linkUrl"]
    assert client.patch(url, json={"status": "Unlinked"}).json()["status"] == "Unlinked"


def test_list_connections_pages_and_queries(client: TestClient) -> None:
    company = _company(client)
    base = f"/companies/{company['id']}/connections"
    for key in ("mqjo", "gbol", "qhyg"):
        client.post(base, json={"platformKey": key})
    page = client.get(base, params={"pageSize": 2}).json()
    assert page["totalResults"] == 3
    assert len(page["results"]) == 2
    assert page["_links"]["next"]["href"].startswith(base)
    only = client.get(base, params={"query": "integrationKey=gbol"}).json()
    assert [c["platformName"] for c in only["results"]] == ["Xero"]
    by_name = client.get(base, params={"query": "platformName~quickbooks"}).json()
    assert [c["integrationKey"] for c in by_name["results"]] == ["qhyg"]


def test_delete_connection_is_200(client: TestClient) -> None:
    company = _company(client)
    base = f"/companies/{company['id']}/connections"
    conn = client.post(base, json={"platformKey": "gbol"}).json()
    response = client.delete(f"{base}/{conn['id']}")
    assert response.status_code == 200
    assert_codat_error(client.get(f"{base}/{conn['id']}"), 404)


def test_company_access_token(client: TestClient, services) -> None:
    company = _company(client)
    token = client.get(f"/companies/{company['id']}/accessToken").json()
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == 86400
    claims = verify_claims(services.secret, token["accessToken"], utcnow())
    assert claims is not None
    assert claims["sub"] == company["id"]
    assert verify_claims(services.secret, token["accessToken"] + "x", utcnow()) is None
    assert_codat_error(client.get(f"/companies/{uuid.uuid4()}/accessToken"), 404)
