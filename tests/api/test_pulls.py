"""Queueing pulls through the API, running them on the job queue, and following them in
pull history and data status; then reading what they pulled."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.sync.jobs import start_in_process
from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import errors
from tests.factories import platform
from tests.sync.test_engine import FakePlatform, _connector


@pytest.fixture
def worker(client: TestClient):
    # No periodic tasks: the scheduler would pull on its own at the turn of a minute.
    consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
    yield
    consumer.stop(graceful=True)


def _wait(client: TestClient, company_id, pull_id: str) -> dict:
    url = f"/companies/{company_id}/data/history/{pull_id}"
    for _ in range(200):
        body = client.get(url).json()
        if body["status"] not in ("Queued", "Fetching"):
            return body
        time.sleep(0.05)
    raise AssertionError("the pull did not finish")


def test_refresh_needs_a_linked_connection(client: TestClient, services) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.PENDING_AUTH),))
    body = assert_codat_error(client.post(f"/companies/{company.id}/data/queue/invoices"), 400)
    assert "no linked connection" in body["error"]
    assert_codat_error(client.post(f"/companies/{company.id}/data/queue/nonsense"), 400)
    assert_codat_error(client.post("/companies/nope/data/queue/invoices"), 404)


def test_a_platform_that_cannot_read_the_type_says_not_supported(
    client: TestClient, services, worker
) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    queued = client.post(f"/companies/{company.id}/data/queue/purchaseOrders")  # not generated
    assert queued.status_code == 200
    assert errors(queued.json(), "PullOperation") == []
    done = _wait(client, company.id, queued.json()["id"])
    assert done["status"] == "NotSupported"
    assert done["isErrored"] is False
    assert done["isCompleted"] is False
    assert errors(done, "PullOperation") == []


def test_refresh_pull_history_status_and_data(client: TestClient, services, worker) -> None:
    fake = FakePlatform(
        invoices={
            f"i{n}": {
                "ID": f"i{n}",
                "Customer": "Acme" if n % 2 else "Beta",
                "Total": n,
                "Updated": datetime(2026, 1, 1, tzinfo=UTC),
            }
            for n in range(1, 6)
        }
    )
    services.connectors._by_key["tstx"] = _connector(fake)
    company = platform.company(services, connections=(("tstx", ConnectionStatus.LINKED),))
    base = f"/companies/{company.id}"
    assert_codat_error(client.get(f"{base}/data/invoices"), 409)

    queued = client.post(f"{base}/data/queue/invoices").json()
    done = _wait(client, company.id, queued["id"])
    assert done["status"] == "Complete"
    assert done["isCompleted"] is True
    assert done["audit"]["created"] == 5
    assert "completed" in done

    history = client.get(f"{base}/data/history").json()
    assert errors(history, "PullOperations") == []
    assert [p["id"] for p in history["results"]] == [queued["id"]]
    status = client.get(f"{base}/dataStatus").json()
    assert status["invoices"]["currentStatus"] == "Complete"
    assert status["invoices"]["latestSuccessfulSyncId"] == queued["id"]
    assert errors(status, "DataStatuses") == []

    acme = client.get(
        f"{base}/data/invoices", params={"query": "customerRef.companyName=Acme"}
    ).json()
    assert sorted(r["id"] for r in acme["results"]) == ["i1", "i3", "i5"]

    assert client.post(f"{base}/data/all").status_code == 204
    history = client.get(f"{base}/data/history", params={"query": "dataType=invoices"}).json()
    assert history["totalResults"] == 2
