"""Delivery to a real HTTP receiver: Standard Webhooks signatures checked by the
``standardwebhooks`` library, Codat's retry schedule (time travel), order per company,
automatic disabling, bounded response excerpts, and the lag metric."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from ledgerport.domain import webhooks as rules
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import companies
from ledgerport.storage.types import utcnow
from ledgerport.webhooks import lag_seconds
from ledgerport.webhooks.delivery import RESPONSE_EXCERPT, Dispatcher, internal_destination
from tests.webhooks import helpers
from tests.webhooks.conftest import Clock
from tests.webhooks.receiver import Received, Receiver


def test_an_event_is_delivered_signed_in_codats_envelope(
    services: Services, receiver: Receiver
) -> None:
    consumer_id, secret = helpers.consumer(services, receiver.url)
    company_id = helpers.company(services, "Hairosmith")
    dispatcher = Dispatcher(services)
    try:
        assert dispatcher.deliver_due() == 1
    finally:
        dispatcher.close()

    [got] = receiver.requests
    # The library checks the signature and that the timestamp is within 5 minutes.
    envelope = Webhook(secret).verify(got.body, got.headers)
    assert envelope["eventType"] == "company.created"
    assert envelope["id"] == got.headers["webhook-id"]
    assert envelope["generatedDate"].endswith("Z")
    payload = envelope["payload"]
    assert payload["id"] == str(company_id)
    assert payload["name"] == "Hairosmith"
    assert f"/link/company/{company_id}?token=" in payload["redirect"]
    assert got.headers["content-type"] == "application/json"
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(got.body.replace(b"Hairosmith", b"Hairosmith!"), got.headers)

    [delivery] = helpers.deliveries(services, consumer_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("Delivered", 1, 200)
    [attempt] = helpers.attempts(services, delivery.seq)
    assert attempt.status_code == 200
    assert attempt.response == '{"ok": true}'
    assert attempt.error is None
    assert attempt.duration_ms >= 0


def test_failed_attempts_are_retried_on_codats_schedule_then_fail(
    services: Services, receiver: Receiver
) -> None:
    receiver.answer = 500
    consumer_id, secret = helpers.consumer(services, receiver.url)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    helpers.company(services, "Retry Ltd", at=start)
    clock = Clock(start)
    dispatcher = Dispatcher(services, clock=clock, rng=random.Random(7))
    times = []
    try:
        for _ in range(rules.MAX_ATTEMPTS):
            assert dispatcher.deliver_due() == 1
            times.append(clock.now)
            [delivery] = helpers.deliveries(services, consumer_id)
            if delivery.next_attempt is None:
                break
            assert dispatcher.deliver_due() == 0  # nothing is due before the retry
            clock.now = delivery.next_attempt
    finally:
        dispatcher.close()

    [delivery] = helpers.deliveries(services, consumer_id)
    assert (delivery.status, delivery.attempts) == ("Failed", 8)
    waits = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(waits) == 7
    for wait, planned in zip(waits, rules.RETRY_SCHEDULE, strict=True):
        assert planned * 0.9 <= wait <= planned * 1.1  # jittered by at most 10%
    assert waits != list(rules.RETRY_SCHEDULE)  # and jittered at all
    logged = helpers.attempts(services, delivery.seq)
    assert [a.status_code for a in logged] == [500] * 8
    assert [a.attempted for a in logged] == times
    # Every attempt is signed anew with its own timestamp, same id and body.
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    for request, at in zip(receiver.requests, times, strict=True):
        assert request.headers["webhook-timestamp"] == str(int(at.timestamp()))
        expected = Webhook(secret).sign(
            request.headers["webhook-id"], at.replace(microsecond=0), request.body.decode()
        )
        assert request.headers["webhook-signature"] == expected


def test_a_companys_later_event_waits_for_its_earlier_one(
    services: Services, receiver: Receiver
) -> None:
    refusing = {"A one"}

    def answer(request: Received) -> int:
        return 503 if request.json["payload"]["name"] in refusing else 200

    receiver.answer = answer
    helpers.consumer(services, receiver.url, event_types=("company.created", "company.deleted"))
    start = utcnow()
    a = helpers.company(services, "A one", at=start)
    helpers.company(services, "B one", at=start)
    with transaction(services.sessions) as session:  # A's second event: its deletion
        found = companies.get(session, a)
        assert found is not None
        companies.remove(session, found)
    clock = Clock(start)
    dispatcher = Dispatcher(services, clock=clock, rng=random.Random(1))
    try:
        dispatcher.deliver_due()
        accepted = [(r.json["eventType"], r.json["payload"]["name"]) for r in receiver.delivered()]
        assert accepted == [("company.created", "B one")]  # A's deletion waits
        # B's success made A's retry due at once (the receiver is up): it failed again.
        assert [r.json["payload"]["name"] for r in receiver.requests].count("A one") == 2
        refusing.clear()
        clock.advance(timedelta(minutes=6))
        dispatcher.deliver_due()
    finally:
        dispatcher.close()
    accepted = [(r.json["eventType"], r.json["payload"]["name"]) for r in receiver.delivered()]
    assert accepted == [
        ("company.created", "B one"),
        ("company.created", "A one"),
        ("company.deleted", "A one"),
    ]


def test_a_consumer_failing_for_five_days_is_disabled(
    services: Services, receiver: Receiver
) -> None:
    receiver.answer = 500
    consumer_id, _ = helpers.consumer(services, receiver.url)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock = Clock(start)
    dispatcher = Dispatcher(services, clock=clock, rng=random.Random(3))
    try:
        helpers.company(services, "First", at=start)
        while True:  # the first message's whole schedule (about 28 hours)
            dispatcher.deliver_due()
            [first] = helpers.deliveries(services, consumer_id)
            if first.next_attempt is None:
                break
            clock.now = first.next_attempt
        assert first.status == "Failed"
        row = helpers.consumer_row(services, consumer_id)
        assert (row.disabled, row.failing_since) == (False, start)

        clock.now = start + timedelta(days=4)
        helpers.company(services, "Four days on", at=clock.now)
        dispatcher.deliver_due()
        assert not helpers.consumer_row(services, consumer_id).disabled

        clock.now = start + rules.DISABLE_AFTER + timedelta(minutes=1)
        helpers.company(services, "Five days on", at=clock.now)
        helpers.company(services, "Five days on, too", at=clock.now)
        dispatcher.deliver_due()
    finally:
        dispatcher.close()
    row = helpers.consumer_row(services, consumer_id)
    assert (row.disabled, row.disabled_reason) == (True, "failing")
    statuses = [(d.status, d.last_error) for d in helpers.deliveries(services, consumer_id)]
    assert [s for s, _ in statuses] == ["Failed"] * 4
    assert "disabled automatically" in str(statuses[-1][1])  # ended without an attempt
    # Disabled: new events are not queued for it.
    helpers.company(services, "While disabled")
    assert len(helpers.deliveries(services, consumer_id)) == 4


def test_a_success_clears_the_failing_streak_and_redirects_are_failures(
    services: Services, receiver: Receiver
) -> None:
    receiver.answer = 302
    receiver.reply = b"x" * 20_000
    consumer_id, _ = helpers.consumer(services, receiver.url)
    clock = Clock(utcnow())
    helpers.company(services, "Big answer", at=clock.now)
    dispatcher = Dispatcher(services, clock=clock, rng=random.Random(5))
    try:
        dispatcher.deliver_due()
        [delivery] = helpers.deliveries(services, consumer_id)
        assert delivery.status == "Pending"
        assert "redirect" in str(delivery.last_error)
        [attempt] = helpers.attempts(services, delivery.seq)
        assert attempt.response is not None
        assert len(attempt.response) == RESPONSE_EXCERPT  # bounded, whatever was sent
        assert helpers.consumer_row(services, consumer_id).failing_since == clock.now

        receiver.answer = 200
        clock.advance(timedelta(seconds=6))
        dispatcher.deliver_due()
    finally:
        dispatcher.close()
    row = helpers.consumer_row(services, consumer_id)
    assert (row.failing_since, row.last_success) == (None, clock.now)
    assert helpers.deliveries(services, consumer_id)[0].status == "Delivered"


def test_lag_is_the_age_of_the_oldest_due_undelivered_delivery(
    services: Services, receiver: Receiver
) -> None:
    receiver.answer = 500
    helpers.consumer(services, receiver.url)
    start = utcnow()
    with services.sessions() as session:
        assert lag_seconds(session, start) == 0.0
    helpers.company(services, "Lagging", at=start)
    with services.sessions() as session:
        assert lag_seconds(session, start + timedelta(seconds=30)) == 30.0
    dispatcher = Dispatcher(services, clock=Clock(start + timedelta(seconds=30)))
    try:
        dispatcher.deliver_due()  # fails: the retry is not due for 5 s
    finally:
        dispatcher.close()
    with services.sessions() as session:
        assert lag_seconds(session, start + timedelta(seconds=31)) == 0.0
        assert lag_seconds(session, start + timedelta(seconds=60)) == 60.0


def test_a_receiver_on_an_internal_address_is_not_called_unless_allowed(
    services: Services, receiver: Receiver
) -> None:
    # Accepted while the server allowed private receivers (the fixture's settings);
    # then the operator turns that off: the delivery is refused without a connection.
    consumer_id, _ = helpers.consumer(services, receiver.url)
    helpers.company(services, "Hairosmith")
    strict = dataclasses.replace(
        services,
        settings=services.settings.model_copy(update={"webhook_allow_http_private": False}),
    )
    dispatcher = Dispatcher(strict)
    try:
        dispatcher.deliver_due()
    finally:
        dispatcher.close()
    assert receiver.requests == []
    [delivery] = helpers.deliveries(services, consumer_id)
    assert delivery.status == "Pending"
    [attempt] = helpers.attempts(services, delivery.seq)
    assert attempt.status_code is None
    assert "resolves to an internal address (127.0.0.1)" in (attempt.error or "")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.com/in", True),
        ("https://93.184.216.34/in", True),
        ("https://127.0.0.1/in", False),
        ("https://10.1.2.3/in", False),
        ("https://[::1]/in", False),
        ("https://localhost/in", False),
        ("https://api.localhost/in", False),
    ],
)
def test_private_destinations_need_the_setting(url: str, allowed: bool) -> None:
    if allowed:
        assert rules.check_url(url, allow_http_private=False) == url
    else:
        with pytest.raises(rules.ConsumerRuleError, match="private network"):
            rules.check_url(url, allow_http_private=False)
        assert rules.check_url(url, allow_http_private=True) == url


def test_internal_destination_resolves_the_name() -> None:
    assert internal_destination("https://127.0.0.1:9/x") is not None
    assert internal_destination("https://localhost/x") is not None
    assert internal_destination("https://93.184.216.34/x") is None
