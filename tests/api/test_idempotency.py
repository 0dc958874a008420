from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient

from ledgerport.api.idempotency import IdempotencyMiddleware
from tests.api.test_auth import assert_codat_error


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_repeat_replays_the_first_response(client: TestClient) -> None:
    headers = _key()
    first = client.post("/companies", json={"name": "Once"}, headers=headers)
    again = client.post("/companies", json={"name": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert client.get("/companies").json()["totalResults"] == 1


def test_errors_are_replayed_too(client: TestClient) -> None:
    headers = _key()
    first = client.post("/companies", json={"name": ""}, headers=headers)
    assert first.status_code == 400
    again = client.post("/companies", json={"name": ""}, headers=headers)
    assert again.status_code == 400
    assert again.json() == first.json()


def test_same_key_different_body_is_422(client: TestClient) -> None:
    headers = _key()
    client.post("/companies", json={"name": "A"}, headers=headers)
    assert_codat_error(client.post("/companies", json={"name": "B"}, headers=headers), 422)
    assert client.get("/companies").json()["totalResults"] == 1


def test_keys_are_scoped_to_the_caller(client: TestClient) -> None:
    headers = _key()
    client.post("/companies", json={"name": "A"}, headers=headers)
    other_key = client.post("/apiKeys", json={}).json()["apiKey"]
    from tests.factories.platform import basic

    other = client.post("/companies", json={"name": "A"}, headers={**headers, **basic(other_key)})
    assert other.status_code == 200
    assert "idempotent-replayed" not in other.headers
    assert client.get("/companies").json()["totalResults"] == 2


def test_without_key_requests_are_not_deduplicated(client: TestClient) -> None:
    client.post("/companies", json={"name": "A"})
    client.post("/companies", json={"name": "A"})
    assert client.get("/companies").json()["totalResults"] == 2


def test_in_flight_repeat_is_409(client: TestClient) -> None:
    """Hold the first request after it has claimed its key; a repeat meanwhile is a 409."""
    live = client.app.middleware_stack
    while not isinstance(live, IdempotencyMiddleware):
        live = live.app  # type: ignore[union-attr]
    original_finish = live._finish
    entered, release = threading.Event(), threading.Event()

    def slow_finish(*args: object) -> None:
        entered.set()
        release.wait(5)
        original_finish(*args)  # type: ignore[arg-type]

    headers = _key()
    results: dict[str, int] = {}

    def first() -> None:
        response = client.post("/companies", json={"name": "Slow"}, headers=headers)
        results["first"] = response.status_code

    live._finish = slow_finish  # type: ignore[method-assign]
    try:
        thread = threading.Thread(target=first)
        thread.start()
        assert entered.wait(5)
        assert_codat_error(client.post("/companies", json={"name": "Slow"}, headers=headers), 409)
        release.set()
        thread.join(5)
    finally:
        del live._finish
    assert results["first"] == 200
    assert client.post("/companies", json={"name": "Slow"}, headers=headers).status_code == 200
    assert client.get("/companies").json()["totalResults"] == 1


def test_a_crash_releases_the_key(client: TestClient, services) -> None:
    """If the first request fails unexpectedly nothing is cached: the retry runs anew."""
    from sqlalchemy import text

    headers = _key()
    app = client.app
    with services.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar()
    live = app.middleware_stack
    while not isinstance(live, IdempotencyMiddleware):
        live = live.app  # type: ignore[union-attr]
    inner = live.app

    async def boom(scope, receive, send):  # type: ignore[no-untyped-def]
        raise RuntimeError("simulated crash")

    live.app = boom
    try:
        with pytest.raises(RuntimeError):
            client.post("/companies", json={"name": "X"}, headers=headers)
    finally:
        live.app = inner
    with services.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar() == before
    retry = client.post("/companies", json={"name": "X"}, headers=headers)
    assert retry.status_code == 200
    assert "idempotent-replayed" not in retry.headers
