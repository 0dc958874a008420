from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from tests.factories.platform import basic

ERROR_FIELDS = {
    "statusCode",
    "service",
    "error",
    "correlationId",
    "validation",
    "canBeRetried",
    "detailedErrorCode",
}


def assert_codat_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_FIELDS
    assert body["statusCode"] == status
    assert isinstance(body["canBeRetried"], str)
    assert isinstance(body["detailedErrorCode"], int)
    assert body["correlationId"]
    return body


def test_missing_key_is_401_with_codat_body(app_client: TestClient) -> None:
    body = assert_codat_error(app_client.get("/companies"), 401)
    assert "Authorization: Basic" in body["error"]


def test_wrong_key_is_401(app_client: TestClient) -> None:
    assert_codat_error(app_client.get("/companies", headers=basic("not-a-real-key")), 401)
    assert_codat_error(app_client.get("/companies", headers={"Authorization": "Bearer x"}), 401)
    assert_codat_error(app_client.get("/companies", headers={"Authorization": "Basic"}), 401)


def test_basic_base64_key_is_accepted(app_client: TestClient, api_key: str) -> None:
    assert app_client.get("/companies", headers=basic(api_key)).status_code == 200
    # The raw key after "Basic" is tolerated too.
    raw = {"Authorization": f"Basic {api_key}"}
    assert app_client.get("/companies", headers=raw).status_code == 200


def test_keys_are_stored_hashed(app_client: TestClient, api_key: str, services) -> None:
    from sqlalchemy import text

    with services.engine.connect() as conn:
        stored = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM api_keys")) for v in row
        )
    assert api_key not in stored
    assert base64.b64encode(api_key.encode()).decode() not in stored


def test_create_list_and_delete_api_keys(client: TestClient, api_key: str) -> None:
    created = client.post("/apiKeys", json={"name": "ci-runner"})
    assert created.status_code == 201
    details = created.json()
    assert details["name"] == "ci-runner"
    assert len(details["apiKey"]) == 40
    assert details["createdDate"].endswith("Z")

    listed = client.get("/apiKeys").json()["results"]
    assert {k["id"] for k in listed} >= {details["id"]}
    shown = next(k for k in listed if k["id"] == details["id"])
    assert shown["apiKey"] == "****" + details["apiKey"][-4:]

    new_key_headers = basic(details["apiKey"])
    assert client.get("/companies", headers=new_key_headers).status_code == 200
    assert client.delete(f"/apiKeys/{details['id']}").status_code == 204
    # Revoked keys fail immediately.
    assert_codat_error(client.get("/companies", headers=new_key_headers), 401)
    assert_codat_error(client.delete(f"/apiKeys/{details['id']}"), 404)


def test_api_key_limit_is_a_409(client: TestClient) -> None:
    for _ in range(9):
        assert client.post("/apiKeys", json={}).status_code == 201
    assert_codat_error(client.post("/apiKeys", json={"name": "eleventh"}), 409)


def test_api_key_name_too_long_is_400(client: TestClient) -> None:
    assert_codat_error(client.post("/apiKeys", json={"name": "x" * 51}), 400)


def test_health_and_link_pages_need_no_key(app_client: TestClient) -> None:
    assert app_client.get("/health").json()["status"] == "ok"
    assert app_client.get("/openapi.json").status_code == 200


def test_database_outage_is_a_clean_503(tmp_path) -> None:
    """A server whose database is unreachable answers with Codat's body and a 503."""
    from pydantic import SecretStr

    from ledgerport.app import create_app
    from ledgerport.config import Settings

    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        data_dir=tmp_path,
        secret_key=SecretStr("x"),
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/companies", headers=basic("whatever"))
    body = assert_codat_error(response, 503)
    assert response.headers["retry-after"] == "1"
    assert "unavailable" in body["error"]
