from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.storage.types import utcnow
from tests.api.test_auth import assert_codat_error
from tests.factories import platform


def test_create_company_returns_200_with_codat_fields(client: TestClient) -> None:
    response = client.post(
        "/companies",
        json={
            "name": "Hairosmith",
            "description": "Rockstar-quality fringes and cuts",
            "tags": {"region": "uk"},
            "products": ["spend-insights"],
        },
    )
    assert response.status_code == 200
    company = response.json()
    uuid.UUID(company["id"])
    assert company["name"] == "Hairosmith"
    assert company["description"] == "Rockstar-quality fringes and cuts"
    assert company["redirect"].startswith(f"http://testserver/link/company/{company['id']}?token=")
    assert company["dataConnections"] == []
    assert company["tags"] == {"region": "uk"}
    assert company["products"] == ["spend-insights"]
    assert company["created"].endswith("Z")
    assert company["lastSync"] is None
    assert client.get(f"/companies/{company['id']}").json() == company


def test_forbidden_name_characters_are_stripped(client: TestClient) -> None:
    company = client.post("/companies", json={"name": "Company (Codat[1])"}).json()
    assert company["name"] == "Company Codat1"


def test_invalid_company_bodies_are_400_and_create_nothing(client: TestClient) -> None:
    for body in (
        {},
        {"name": ""},
        {"name": "((()))"},
        {"name": "ok", "tags": {f"k{i}": "v" for i in range(11)}},
        {"name": "ok", "tags": {"x" * 28: "v"}},
        {"name": "ok", "tags": {"k": "v" * 101}},
        {"name": "ok", "tags": {"k": 5}},
        {"name": "ok", "products": ["no-such-product"]},
    ):
        body_out = assert_codat_error(client.post("/companies", json=body), 400)
        assert body_out["error"]
    assert_codat_error(
        client.post(
            "/companies", content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        400,
    )
    assert client.get("/companies").json()["totalResults"] == 0


def test_unknown_or_malformed_company_id_is_404(client: TestClient) -> None:
    for company_id in (str(uuid.uuid4()), "not-a-uuid"):
        assert_codat_error(client.get(f"/companies/{company_id}"), 404)
        assert_codat_error(client.patch(f"/companies/{company_id}", json={"name": "x"}), 404)
        assert_codat_error(client.put(f"/companies/{company_id}", json={"name": "x"}), 404)
        assert_codat_error(client.delete(f"/companies/{company_id}"), 404)


def test_put_replaces_and_patch_updates(client: TestClient) -> None:
    company = client.post(
        "/companies", json={"name": "Acme", "description": "d", "tags": {"a": "1"}}
    ).json()
    patched = client.patch(f"/companies/{company['id']}", json={"tags": {"b": "2"}}).json()
    assert patched["name"] == "Acme"
    assert patched["description"] == "d"
    assert patched["tags"] == {"b": "2"}
    patched = client.patch(f"/companies/{company['id']}", json={"name": None}).json()
    assert patched["name"] == "Acme"
    replaced = client.put(f"/companies/{company['id']}", json={"name": "Acme Ltd"}).json()
    assert replaced["name"] == "Acme Ltd"
    assert replaced["description"] is None
    assert replaced["tags"] == {}
    assert replaced["redirect"] == company["redirect"]


def test_delete_company_is_204_and_removes_connections(client: TestClient, services) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    response = client.delete(f"/companies/{company.id}")
    assert response.status_code == 204
    assert response.content == b""
    assert_codat_error(client.get(f"/companies/{company.id}"), 404)
    from sqlalchemy import text

    with services.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM connections")).scalar() == 0


def test_list_pages_with_codat_envelope(client: TestClient, services) -> None:
    start = utcnow()
    ids = [
        str(platform.company(services, created=start + timedelta(seconds=i)).id) for i in range(7)
    ]
    first = client.get("/companies", params={"page": 1, "pageSize": 3}).json()
    assert [c["id"] for c in first["results"]] == ids[:3]
    assert first["pageNumber"] == 1
    assert first["pageSize"] == 3
    assert first["totalResults"] == 7
    assert first["_links"]["self"] == {"href": "/companies"}
    assert first["_links"]["current"] == {"href": "/companies?page=1&pageSize=3"}
    assert first["_links"]["next"] == {"href": "/companies?page=2&pageSize=3"}
    assert "previous" not in first["_links"]
    last = client.get("/companies", params={"page": 3, "pageSize": 3}).json()
    assert [c["id"] for c in last["results"]] == ids[6:]
    assert last["_links"]["previous"] == {"href": "/companies?page=2&pageSize=3"}
    assert "next" not in last["_links"]
    beyond = client.get("/companies", params={"page": 9, "pageSize": 3}).json()
    assert beyond["results"] == []
    assert beyond["totalResults"] == 7


def test_bad_paging_parameters_are_400(client: TestClient) -> None:
    for params in (
        {"page": 0},
        {"pageSize": 0},
        {"pageSize": 5001},
        {"page": "x"},
        {"query": "x" * 2049},
    ):
        assert_codat_error(client.get("/companies", params=params), 400)


def test_query_and_order_by(client: TestClient, services) -> None:
    start = utcnow()
    platform.company(
        services,
        name="Alpha Bakery",
        created=start,
        connections=(("mqjo", ConnectionStatus.PENDING_AUTH),),
    )
    platform.company(
        services,
        name="Beta Bikes",
        created=start + timedelta(seconds=1),
        connections=(("gbol", ConnectionStatus.LINKED),),
    )
    platform.company(services, name="Gamma Bakery", created=start + timedelta(seconds=2))

    def names(**params: str) -> list[str]:
        response = client.get("/companies", params=params)
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["results"]]

    assert names(query="name~bakery") == ["Alpha Bakery", "Gamma Bakery"]
    assert names(query="name=beta bikes") == ["Beta Bikes"]
    assert names(query="dataConnections.status=PendingAuth") == ["Alpha Bakery"]
    assert names(query="{name~Alpha || name~Gamma} && dataConnections.status!=Linked") == [
        "Alpha Bakery",
        "Gamma Bakery",
    ]
    assert names(orderBy="-name") == ["Gamma Bakery", "Beta Bikes", "Alpha Bakery"]
    assert names(
        query=f"created>{(start + timedelta(milliseconds=500)).isoformat()}", orderBy="-created"
    ) == ["Gamma Bakery", "Beta Bikes"]


def test_malformed_query_is_400_saying_where(client: TestClient) -> None:
    body = assert_codat_error(client.get("/companies", params={"query": "name=a &&"}), 400)
    assert body["error"].startswith("Error parsing query")
    body = assert_codat_error(client.get("/companies", params={"query": "nope=1"}), 400)
    assert "nope" in body["error"]
    assert_codat_error(client.get("/companies", params={"orderBy": "nope"}), 400)


def test_tags_filter(client: TestClient, services) -> None:
    platform.company(services, name="One", tags={"region": "uk", "team": "invoice-finance"})
    platform.company(services, name="Two", tags={"region": "us"})
    platform.company(services, name="Three")

    def names(tags: str) -> set[str]:
        response = client.get("/companies", params={"tags": tags})
        assert response.status_code == 200, response.text
        return {c["name"] for c in response.json()["results"]}

    assert names("region=uk") == {"One"}
    assert names("region = uk && team = invoice-finance") == {"One"}
    assert names("region!=uk") == {"Two", "Three"}
    assert names("team~finance") == {"One"}
    assert_codat_error(client.get("/companies", params={"tags": "region>uk"}), 400)


def test_products_can_be_added_and_removed(client: TestClient) -> None:
    company = client.post("/companies", json={"name": "P"}).json()
    url = f"/companies/{company['id']}/products/payables"
    assert client.put(url).status_code == 204
    assert client.get(f"/companies/{company['id']}").json()["products"] == ["payables"]
    assert client.delete(url).status_code == 204
    assert client.get(f"/companies/{company['id']}").json()["products"] == []
    assert_codat_error(client.put(f"/companies/{company['id']}/products/nope"), 400)
