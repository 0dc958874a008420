"""Our responses validate against the schemas in Codat's published Platform spec."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conformance.codat_schema import errors


def test_company_connection_and_lists_match_codat_schemas(client: TestClient) -> None:
    company = client.post("/companies", json={"name": "Schema Co", "tags": {"a": "b"}}).json()
    assert errors(company, "Company") == []
    conn = client.post(
        f"/companies/{company['id']}/connections", json={"platformKey": "gbol"}
    ).json()
    assert errors(conn, "Connection") == []
    assert errors(client.get("/companies").json(), "Companies") == []
    assert errors(client.get(f"/companies/{company['id']}/connections").json(), "Connections") == []
    token = client.get(f"/companies/{company['id']}/accessToken").json()
    assert errors(token, "CompanyAccessToken") == []


def test_integrations_branding_and_keys_match_codat_schemas(client: TestClient) -> None:
    assert errors(client.get("/integrations").json(), "Integrations") == []
    assert errors(client.get("/integrations/mqjo").json(), "Integration") == []
    assert errors(client.get("/integrations/mqjo/branding").json(), "Branding") == []
    assert errors(client.post("/apiKeys", json={"name": "x"}).json(), "ApiKeyDetails") == []
    assert errors(client.get("/apiKeys").json(), "ApiKeys") == []


def test_error_bodies_match_codat_schema(client: TestClient) -> None:
    for response in (
        client.get("/companies/nope"),
        client.get("/companies", params={"query": "{"}),
        client.post("/companies", json={}),
    ):
        assert errors(response.json(), "ErrorMessage") == []
