"""Delivery on the job queue: a commit that recorded deliveries queues a delivery run
(the session listener), and the run sends what is due."""

from __future__ import annotations

import pytest

from ledgerport.app import create_app
from ledgerport.services import Services
from tests.webhooks import helpers
from tests.webhooks.receiver import Receiver


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite only: the queue's wiring is the same on either engine."""
    return str(request.param)


def test_a_commit_with_deliveries_queues_a_run_that_sends_them(
    services: Services, receiver: Receiver
) -> None:
    app = create_app(services=services)
    queue, tasks = app.state.queue, app.state.webhook_tasks
    helpers.consumer(services, receiver.url)
    before = [t.name for t in queue.pending()]
    helpers.company(services, "Queued Ltd")
    queued = [t.name for t in queue.pending()]
    assert queued.count("deliver_webhooks") == before.count("deliver_webhooks") + 1
    helpers.company(services, "Second Ltd")
    assert tasks.deliver.call_local() == 2
    assert sorted(r.json["payload"]["name"] for r in receiver.requests) == [
        "Queued Ltd",
        "Second Ltd",
    ]
