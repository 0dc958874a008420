"""``/webhooks``: Codat's webhook consumer API (list, create 201 with the secret shown
once, get, delete 204, its rules as 400s with Codat's error body) and ledgerport's
delivery log and replay."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from ledgerport.domain import webhooks as rules
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.types import utcnow
from ledgerport.webhooks import consumers
from ledgerport.webhooks.delivery import Dispatcher
from tests.webhooks.fixtures import http_receiver_settings, running_receiver  # noqa: F401
from tests.webhooks.receiver import Receiver

HTTPS = "https://hooks.example.com/codat"


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite only: the API layer is the same on either engine
    (delivery's SQL runs on both engines in tests/webhooks)."""
    return str(request.param)


def _deliver(services: Services) -> int:
    dispatcher = Dispatcher(services)
    try:
        return dispatcher.deliver_due()
    finally:
        dispatcher.close()


def test_consumers_are_created_listed_got_and_deleted(client: TestClient) -> None:
    assert client.get("/webhooks").json() == {"results": []}
    made = client.post(
        "/webhooks",
        json={
            "url": HTTPS,
            "eventTypes": ["company.created", "bills.write.successful"],
            "companyTags": ["region:uk"],
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    secret = body.pop("secret")
    assert secret.startswith("whsec_")
    assert Webhook(secret)  # a secret the Standard Webhooks library accepts
    assert body == {
        "id": body["id"],
        "url": HTTPS,
        "disabled": False,
        "eventTypes": ["company.created", "bills.write.successful"],
        "companyTags": ["region:uk"],
    }
    # The secret is never shown by the API again.
    assert client.get("/webhooks").json() == {"results": [body]}
    assert client.get(f"/webhooks/{body['id']}").json() == body
    assert "whsec_" not in client.get("/webhooks").text
    disabled = client.post(
        "/webhooks", json={"url": HTTPS, "eventTypes": ["read.completed"], "disabled": True}
    ).json()
    assert (disabled["disabled"], disabled["companyTags"]) == (True, None)

    assert client.delete(f"/webhooks/{body['id']}").status_code == 204
    assert client.get(f"/webhooks/{body['id']}").status_code == 404
    gone = client.delete(f"/webhooks/{body['id']}")
    assert gone.status_code == 404
    assert gone.json()["error"] == f"Webhook consumer {body['id']} not found."
    assert client.delete("/webhooks/not-a-uuid").status_code == 404
    assert [c["id"] for c in client.get("/webhooks").json()["results"]] == [disabled["id"]]


RULES: list[tuple[dict[str, object], str, str]] = [
    ({"eventTypes": ["company.created"]}, "url", "url is required"),
    ({"url": "ftp://x.example.com", "eventTypes": ["company.created"]}, "url", "https"),
    ({"url": "http://hooks.example.com", "eventTypes": ["company.created"]}, "url", "https"),
    ({"url": "https://169.254.169.254/", "eventTypes": ["company.created"]}, "url", "link-local"),
    ({"url": "https://x.example.com/#a", "eventTypes": ["company.created"]}, "url", "fragment"),
    ({"url": HTTPS}, "eventTypes", "at least one"),
    ({"url": HTTPS, "eventTypes": []}, "eventTypes", "at least one"),
    ({"url": HTTPS, "eventTypes": ["DataSyncCompleted"]}, "eventTypes", "Unknown event type"),
    (
        {"url": HTTPS, "eventTypes": ["company.created"], "companyTags": ["region"]},
        "companyTags",
        "tagKey:tagValue",
    ),
    (
        {"url": HTTPS, "eventTypes": ["company.created"], "companyTags": ["a:b"] * 11},
        "companyTags",
        "at most 10",
    ),
]


def test_a_consumer_breaking_a_rule_is_a_400_saying_which(client: TestClient) -> None:
    for body, field, says in RULES:
        refused = client.post("/webhooks", json=body)
        assert refused.status_code == 400, (body, refused.text)
        error = refused.json()
        assert says in error["error"], (body, error)
        assert error["validation"]["errors"][0]["itemId"] == field
        assert (error["canBeRetried"], error["statusCode"]) == ("Unknown", 400)
    assert client.post("/webhooks", json={"url": HTTPS, "eventTypes": "x"}).status_code == 400
    assert client.get("/webhooks").json() == {"results": []}


def test_at_most_fifty_consumers(client: TestClient) -> None:
    for i in range(rules.MAX_CONSUMERS):
        made = client.post(
            "/webhooks", json={"url": f"{HTTPS}/{i}", "eventTypes": ["company.created"]}
        )
        assert made.status_code == 201
    refused = client.post("/webhooks", json={"url": HTTPS, "eventTypes": ["company.created"]})
    assert refused.status_code == 400
    assert "50" in refused.json()["error"]


def test_the_delivery_log_shows_attempts_and_replay_sends_the_same_message(
    client: TestClient, services: Services, receiver: Receiver
) -> None:
    made = client.post(
        "/webhooks", json={"url": receiver.url, "eventTypes": ["company.created"]}
    ).json()
    base = f"/webhooks/{made['id']}/deliveries"
    company = client.post("/companies", json={"name": "Replayed Ltd"}).json()
    assert _deliver(services) == 1

    log = client.get(base).json()
    assert (log["totalResults"], log["pageNumber"]) == (1, 1)
    [first] = log["results"]
    assert (first["status"], first["attempts"], first["eventType"]) == (
        "Delivered",
        1,
        "company.created",
    )
    assert first["companyId"] == company["id"]
    [attempt] = first["attemptLog"]
    assert (attempt["statusCode"], attempt["response"], attempt["trigger"]) == (
        200,
        '{"ok": true}',
        "scheduled",
    )
    assert client.get(f"{base}/{first['id']}").json() == first

    replayed = client.post(f"{base}/{first['id']}/replay")
    assert replayed.status_code == 202
    again = replayed.json()
    assert (again["replayOf"], again["status"], again["eventId"]) == (
        first["id"],
        "Pending",
        first["eventId"],
    )
    assert _deliver(services) == 1
    one, two = receiver.requests
    assert one.headers["webhook-id"] == two.headers["webhook-id"] == first["eventId"]
    assert one.body == two.body
    Webhook(made["secret"]).verify(two.body, two.headers)
    statuses = [d["status"] for d in client.get(base).json()["results"]]
    assert statuses == ["Delivered", "Delivered"]
    assert client.get(f"{base}?status=Failed").json()["totalResults"] == 0
    assert client.get(f"{base}?status=Nope").status_code == 400
    assert client.get(f"{base}/{made['id']}").status_code == 404


def test_replay_is_refused_while_the_consumer_is_disabled(
    client: TestClient, services: Services
) -> None:

    made = client.post(
        "/webhooks",
        json={"url": "https://hooks.example.com", "eventTypes": ["company.created"]},
    ).json()
    client.post("/companies", json={"name": "Waiting Ltd"})
    base = f"/webhooks/{made['id']}/deliveries"
    [pending] = client.get(base).json()["results"]
    # A delivery still waiting: replay is an early retry of the same delivery.
    early = client.post(f"{base}/{pending['id']}/replay")
    assert (early.status_code, early.json()["id"]) == (202, pending["id"])

    with transaction(services.sessions) as session:
        row = repo.consumer(session, uuid.UUID(made["id"]))
        assert row is not None
        consumers.set_disabled(session, row, True, utcnow())
    [ended] = client.get(base).json()["results"]
    assert (ended["status"], ended["lastError"]) == ("Failed", "The consumer was disabled.")
    refused = client.post(f"{base}/{pending['id']}/replay")
    assert refused.status_code == 409
    assert "disabled" in refused.json()["error"]
