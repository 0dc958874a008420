"""The webhook receiver is down for an hour (time travel): every event recorded
meanwhile, and after, is delivered once it is back, exactly once, in order per company,
signed as Standard Webhooks; two workers deliver side by side all along."""

from __future__ import annotations

import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from ledgerport.config import Settings
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import events
from ledgerport.webhooks import lag_seconds
from ledgerport.webhooks.delivery import PROBE_EVERY, Dispatcher
from tests.webhooks import helpers
from tests.webhooks.conftest import Clock
from tests.webhooks.receiver import Received, serve_receiver

OUTAGE = timedelta(hours=1)
# A receiver back from an outage gets its backlog at the first attempt that reaches it:
# a due retry, a new event, or the probe of a failing consumer (every 5 minutes).
CATCH_UP = PROBE_EVERY + timedelta(minutes=2)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allow_http_private": True})


def _record(services: Services, company_id: uuid.UUID, at: datetime) -> uuid.UUID:
    """One event of the company at ``at``: a read it finished."""
    with transaction(services.sessions) as session:
        row = events.record(
            session,
            "read.completed",
            at,
            company_id=company_id,
            payload={"modifiedFromDate": None, "dataTypes": []},
        )
        return row.id


def _company_of(request: Received) -> str:
    payload = request.json["payload"]
    return str(
        payload["referenceCompany"]["id"] if "referenceCompany" in payload else payload["id"]
    )


def test_every_event_is_delivered_in_order_once_the_receiver_is_back(
    services: Services,
) -> None:
    start = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    back_at = start + OUTAGE
    clock = Clock(start)

    def answer(request: Received) -> int:
        return 503 if clock.now < back_at else 200

    with serve_receiver() as receiver:
        receiver.answer = answer
        consumer_id, secret = helpers.consumer(
            services, receiver.url, event_types=("company.created", "read.completed")
        )
        companies = [helpers.company(services, f"Company {i}", at=start) for i in range(3)]
        recorded: dict[uuid.UUID, list[uuid.UUID]] = {c: [] for c in companies}
        when: dict[str, datetime] = {}
        # Events every 4 minutes through the outage and for 20 minutes after it.
        schedule = [start + timedelta(minutes=4 * k) for k in range(1, 21)]
        workers = [Dispatcher(services, clock=clock, rng=random.Random(n)) for n in range(2)]
        try:
            k = 0
            while clock.now < start + timedelta(hours=4):
                while k < len(schedule) and schedule[k] <= clock.now:
                    company = companies[k % 3]
                    event_id = _record(services, company, schedule[k])
                    recorded[company].append(event_id)
                    when[str(event_id)] = schedule[k]
                    k += 1
                threads = [threading.Thread(target=w.deliver_due) for w in workers]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                # The next moment anything happens: an event, a retry due, or the
                # minute's periodic run.
                upcoming = [clock.now + timedelta(minutes=1)]
                due = workers[0].next_due()
                if due is not None and due > clock.now:
                    upcoming.append(due)
                if k < len(schedule):
                    upcoming.append(schedule[k])
                clock.now = min(upcoming)
        finally:
            for worker in workers:
                worker.close()

        accepted = [r for r in receiver.requests if r.status == 200]  # type: ignore[attr-defined]
        refused = [r for r in receiver.requests if r.status == 503]  # type: ignore[attr-defined]
        ids = [r.headers["webhook-id"] for r in accepted]
        # Every event (3 company.created + 20 reads) delivered, and each exactly once.
        expected = {str(e) for reads in recorded.values() for e in reads}
        assert len(ids) == len(set(ids)) == 23
        assert expected <= set(ids)
        # In order per company: its events arrive in the order they were recorded.
        for company, event_ids in recorded.items():
            arrived = [r for r in accepted if _company_of(r) == str(company)]
            assert arrived[0].json["eventType"] == "company.created"
            assert [r.headers["webhook-id"] for r in arrived[1:]] == [str(e) for e in event_ids]
        # Nothing got through while it was down; everything did soon after it was back.
        assert refused
        assert all(int(r.headers["webhook-timestamp"]) < back_at.timestamp() for r in refused)
        for request in accepted:  # ...within CATCH_UP of being back, or of being recorded
            sent_at = int(request.headers["webhook-timestamp"])
            made = when.get(request.headers["webhook-id"], start)
            assert sent_at <= (max(made, back_at) + CATCH_UP).timestamp()
        for request in accepted:  # signed, each with its attempt's timestamp
            at = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), UTC)
            assert request.headers["webhook-signature"] == Webhook(secret).sign(
                request.headers["webhook-id"], at, request.body.decode()
            )
    statuses = {d.status for d in helpers.deliveries(services, consumer_id)}
    assert statuses == {"Delivered"}
    with services.sessions() as session:
        assert lag_seconds(session, clock.now) == 0.0
    assert not helpers.consumer_row(services, consumer_id).disabled
