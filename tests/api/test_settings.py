from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import errors


def test_profile_defaults_and_update(client: TestClient) -> None:
    profile = client.get("/profile").json()
    assert profile["name"] == "ledgerport"
    assert profile["redirectUrl"] == ""
    assert errors(profile, "Profile") == []
    updated = client.put(
        "/profile",
        json={
            "name": "Lendco",
            "logoUrl": "https://lendco.example/logo.png",
            "redirectUrl": "https://lendco.example/linked?company={companyId}",
            "whiteListUrls": ["https://lendco.example"],
        },
    )
    assert updated.status_code == 200
    assert client.get("/profile").json() == updated.json()
    for bad in (
        {"name": "x", "redirectUrl": "javascript:alert(1)"},
        {"name": "x", "redirectUrl": "", "whiteListUrls": ["not a url"]},
        {"name": "", "redirectUrl": ""},
        {"redirectUrl": ""},
    ):
        assert_codat_error(client.put("/profile", json=bad), 400)
    assert client.get("/profile").json() == updated.json()


def test_profile_sync_settings_defaults_cover_every_data_type(client: TestClient) -> None:
    body = client.get("/profile/syncSettings").json()
    assert errors(body, "SyncSettings") == []
    types = [s["dataType"] for s in body["settings"]]
    assert len(types) == len(set(types))
    assert {"invoices", "bills", "chartOfAccounts", "company", "balanceSheet"} <= set(types)
    assert all(s["syncSchedule"] == 24 for s in body["settings"])
    assert body["overridesDefaults"] is False


def test_update_profile_sync_settings(client: TestClient) -> None:
    client_id = client.get("/profile/syncSettings").json()["clientId"]
    posted = {
        "clientId": client_id,
        "overridesDefaults": True,
        "settings": [
            {
                "dataType": "invoices",
                "fetchOnFirstLink": True,
                "syncSchedule": 1,
                "syncOrder": 0,
                "syncFromWindow": 24,
            },
            {
                "dataType": "profitAndLoss",
                "fetchOnFirstLink": False,
                "syncSchedule": 720,
                "syncOrder": 3,
                "monthsToSync": 12,
            },
        ],
    }
    assert client.post("/profile/syncSettings", json=posted).status_code == 204
    settings = {s["dataType"]: s for s in client.get("/profile/syncSettings").json()["settings"]}
    assert settings["invoices"]["syncSchedule"] == 1
    assert settings["invoices"]["syncFromWindow"] == 24
    assert settings["profitAndLoss"]["monthsToSync"] == 12
    assert settings["bills"]["syncSchedule"] == 24  # left out: default kept


def test_invalid_sync_settings_are_400_and_change_nothing(client: TestClient) -> None:
    client_id = client.get("/profile/syncSettings").json()["clientId"]
    before = client.get("/profile/syncSettings").json()

    def post(*settings: dict, cid: str = client_id) -> None:
        body = {"clientId": cid, "overridesDefaults": True, "settings": list(settings)}
        assert_codat_error(client.post("/profile/syncSettings", json=body), 400)

    ok = {"dataType": "invoices", "fetchOnFirstLink": True, "syncSchedule": 24, "syncOrder": 0}
    post({**ok, "dataType": "nope"})
    post(ok, ok)
    post({**ok, "syncSchedule": 0})
    post({**ok, "syncOrder": -1})
    post({**ok, "syncFromWindow": 3, "syncFromUtc": "2024-01-01T00:00:00"})
    post({**ok, "monthsToSync": 12})
    post(ok, cid="00000000-0000-0000-0000-000000000000")
    assert client.get("/profile/syncSettings").json() == before


def test_company_sync_settings_follow_then_override_the_profile(client: TestClient) -> None:
    company = client.post("/companies", json={"name": "Sync Co"}).json()
    url = f"/companies/{company['id']}/syncSettings"
    inherited = client.get(url).json()
    assert errors(inherited, "CompanySyncSettings") == []
    assert inherited["overridesDefaults"] is False
    assert inherited["settings"] == client.get("/profile/syncSettings").json()["settings"]

    weekly = {"dataType": "bills", "fetchOnFirstLink": True, "syncSchedule": 168, "syncOrder": 0}
    body = {"companyId": company["id"], "overridesDefaults": True, "settings": [weekly]}
    assert client.post(url, json=body).status_code == 204
    own = {s["dataType"]: s for s in client.get(url).json()["settings"]}
    assert own["bills"]["syncSchedule"] == 168
    assert client.get(url).json()["overridesDefaults"] is True

    assert client.post(url, json={**body, "overridesDefaults": False}).status_code == 204
    assert (
        client.get(url).json()["settings"] == client.get("/profile/syncSettings").json()["settings"]
    )
    assert_codat_error(client.post(url, json={**body, "companyId": "x"}), 400)
    assert_codat_error(client.get("/companies/nope/syncSettings"), 404)


def test_locked_profile_settings_cannot_be_overridden(client: TestClient) -> None:
    client_id = client.get("/profile/syncSettings").json()["clientId"]
    locked = {
        "dataType": "invoices",
        "fetchOnFirstLink": True,
        "syncSchedule": 24,
        "syncOrder": 0,
        "isLocked": True,
    }
    client.post(
        "/profile/syncSettings",
        json={"clientId": client_id, "overridesDefaults": True, "settings": [locked]},
    )
    company = client.post("/companies", json={"name": "Locked Co"}).json()
    body = {
        "companyId": company["id"],
        "overridesDefaults": True,
        "settings": [{**locked, "syncSchedule": 1, "isLocked": False}],
    }
    error = assert_codat_error(
        client.post(f"/companies/{company['id']}/syncSettings", json=body), 400
    )
    assert "locked" in error["error"]
