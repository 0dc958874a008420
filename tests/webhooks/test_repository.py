"""The delivery queries the portal's consumer list relies on: Pending and Failed counts
for every consumer in one query, or for one consumer."""

from __future__ import annotations

from sqlalchemy import update

from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.tables import WebhookDeliveryRow
from tests.webhooks import helpers


def test_open_counts_per_consumer_and_status(services: Services) -> None:
    first, _ = helpers.consumer(services, "https://hooks.example.com/first")
    second, _ = helpers.consumer(services, "https://hooks.example.com/second")
    quiet, _ = helpers.consumer(
        services, "https://hooks.example.com/quiet", event_types=("company.deleted",)
    )
    for name in ("One Ltd", "Two Ltd", "Three Ltd"):
        helpers.company(services, name)
    seqs = [d.seq for d in helpers.deliveries(services, first)]
    with transaction(services.sessions) as session:
        # One of the first consumer's deliveries failed for good, one was delivered.
        session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.seq == seqs[0])
            .values(status=repo.FAILED)
        )
        session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.seq == seqs[1])
            .values(status=repo.DELIVERED)
        )
    with services.sessions() as session:
        every = repo.open_counts(session)
        one = repo.open_counts(session, second)
    assert every == {
        (first, repo.PENDING): 1,
        (first, repo.FAILED): 1,
        (second, repo.PENDING): 3,
    }
    assert (quiet, repo.PENDING) not in every
    assert one == {(second, repo.PENDING): 3}
