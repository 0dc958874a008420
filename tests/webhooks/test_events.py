"""Every event type is recorded by the change it reports, in the same transaction: a
change that rolls back leaves neither the event nor its deliveries; one that commits
leaves the event, in Codat's envelope (checked against Codat's OpenAPI webhook schemas
where the spec has one)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledgerport.connectors.writes import WriteKind
from ledgerport.domain import webhooks as kinds
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.portal import oauth
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import (
    companies,
    connections,
    expenses,
    pulls,
    reports,
    webhook_events,
)
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.tables import (
    CompanyRow,
    ConnectionRow,
    EventRow,
    ExpenseSyncRow,
    ExpenseTransactionRow,
    PushOperationRow,
    WebhookDeliveryRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.sync import bootstrap, push
from ledgerport.sync.engine import Engine
from ledgerport.webhooks import payloads
from tests.conformance.codat_schema import errors as schema_errors
from tests.webhooks import helpers

ALL_TYPES = kinds.EVENT_TYPES


class Boom(Exception):
    """Raised to roll a change back."""


def _counts(services: Services) -> tuple[int, int]:
    with services.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(EventRow)) or 0,
            session.scalar(select(func.count()).select_from(WebhookDeliveryRow)) or 0,
        )


def _events(services: Services, since: int = 0) -> list[EventRow]:
    with services.sessions() as session:
        rows = list(session.scalars(select(EventRow)))
    # Recorded order: deliveries' seq for one consumer follows it.
    order = {d.event_id: d.seq for d in helpers.deliveries(services, _consumer_id(services))}
    return sorted(rows, key=lambda e: order.get(e.id, 0))[since:]


def _consumer_id(services: Services) -> uuid.UUID:
    with services.sessions() as session:
        return repo.consumers(session)[0].id


def _sandbox_company(services: Services) -> tuple[uuid.UUID, uuid.UUID]:
    with transaction(services.sessions) as session:
        company = bootstrap.create_sandbox_company(session)
        connection = session.scalars(
            select(ConnectionRow).where(ConnectionRow.company_id == company.id)
        ).one()
        return company.id, connection.id


def _new_company(session: Session) -> None:
    companies.add(
        session,
        CompanyRow(
            id=uuid.uuid4(),
            name="Rolled back",
            tags={},
            products=[],
            created=utcnow(),
            link_nonce=new_nonce(),
        ),
    )


def _payment(session: Session, sync: ExpenseSyncRow, transaction_id: str) -> ExpenseTransactionRow:
    """A payment to write as a direct cost, added to an expense sync."""
    return expenses.add_transaction(
        session,
        sync,
        transaction_id=transaction_id,
        type="Payment",
        data_type="directCosts",
        kind="Create",
        request={},
    )


def _push(company_id: uuid.UUID, connection_id: uuid.UUID, **fields: Any) -> PushOperationRow:
    """A Create push on the connection, not yet added: ``fields`` say how far it got."""
    return PushOperationRow(
        id=uuid.uuid4(),
        company_id=company_id,
        connection_id=connection_id,
        kind="Create",
        timeout_minutes=60,
        validation={},
        changes=[],
        in_doubt=False,
        audit={},
        **fields,
    )


def _change(name: str, company_id: uuid.UUID, connection_id: uuid.UUID) -> Callable[[Session], Any]:
    """One change per event type, made with the storage function the app uses."""

    def connection(session: Session) -> ConnectionRow:
        row = session.get(ConnectionRow, connection_id)
        assert row is not None
        return row

    def company(session: Session) -> CompanyRow:
        row = session.get(CompanyRow, company_id)
        assert row is not None
        return row

    def last_pull(session: Session) -> None:
        now = utcnow()
        first, _ = pulls.queue(session, company_id, connection_id, "taxRates", now)
        second, _ = pulls.queue(session, company_id, connection_id, "suppliers", now)
        pulls.finish(session, first.id, PullStatus.COMPLETE, now)
        pulls.finish(session, second.id, PullStatus.COMPLETE, now)

    def report(session: Session) -> None:
        row = reports.create(session, company_id, "spendAnalysis", {}, utcnow())
        reports.complete(session, row.id, {}, utcnow())

    def expense_sync(session: Session) -> None:
        sync = expenses.create_sync(session, company_id, connection_id, "expenses")
        row = _payment(session, sync, "t1")
        expenses.attach_push(session, row.id, None, status="PushError", message="down")

    def write(session: Session) -> None:
        now = utcnow()
        row = _push(
            company_id,
            connection_id,
            data_type="bills",
            status="Success",
            status_code=200,
            requested=now,
            completed=now,
            data={"id": "bill-1"},
            attempts=1,
            origin="push",
        )
        session.add(row)
        webhook_events.push_finished(session, row, now)

    changes: dict[str, Callable[[Session], Any]] = {
        "company.created": _new_company,
        "company.deleted": lambda s: companies.remove(s, company(s)),
        "connection.created": lambda s: connections.create_pending(s, company_id, "mqjo"),
        "connection.connected": bootstrap.create_sandbox_company,
        "connection.disconnected": lambda s: connections.change_status_for_client(
            s, connection(s), ConnectionStatus.UNLINKED, utcnow()
        ),
        "connection.reconnected": lambda s: webhook_events.connection_linked(
            s, connection(s), "Unlinked", utcnow()
        ),
        "connection.failed": lambda s: oauth._linking_error(
            s,
            connection(s),
            oauth._Refused(403, "Refused", "The user said no.", "403", "Denied"),
            utcnow(),
        ),
        "connection.deleted": lambda s: connections.remove(s, connection(s)),
        "read.completed": last_pull,
        "bills.write.successful": write,
        "expenses.sync.unsuccessful": expense_sync,
        "reports.spendAnalysis.generate.successful": report,
    }
    return changes[name]


ROLLED_BACK = (
    "company.created",
    "company.deleted",
    "connection.created",
    "connection.connected",
    "connection.disconnected",
    "connection.reconnected",
    "connection.failed",
    "connection.deleted",
    "read.completed",
    "bills.write.successful",
    "expenses.sync.unsuccessful",
    "reports.spendAnalysis.generate.successful",
)


def _change_then_fail(services: Services, change: Callable[[Session], Any]) -> None:
    with transaction(services.sessions) as session:
        change(session)
        raise Boom


# The same changes, committed in an order that keeps each one possible.
COMMITTED = (
    "company.created",
    "connection.created",
    "connection.connected",
    "read.completed",
    "bills.write.successful",
    "expenses.sync.unsuccessful",
    "reports.spendAnalysis.generate.successful",
    "connection.failed",
    "connection.disconnected",
    "connection.reconnected",
    "connection.deleted",
    "company.deleted",
)
assert set(COMMITTED) == set(ROLLED_BACK)


def test_a_change_that_rolls_back_leaves_no_event_and_one_that_commits_does(
    services: Services,
) -> None:
    helpers.consumer(services, "https://hooks.example.com/all", event_types=ALL_TYPES)
    company_id, connection_id = _sandbox_company(services)
    for name in ROLLED_BACK:
        before = _counts(services)
        with pytest.raises(Boom):
            _change_then_fail(services, _change(name, company_id, connection_id))
        assert _counts(services) == before, name
    for name in COMMITTED:
        seen = _counts(services)[0]
        with transaction(services.sessions) as session:
            _change(name, company_id, connection_id)(session)
        recorded = [e.type for e in _events(services, seen)]
        assert name in recorded, (name, recorded)


def _envelopes(services: Services, start: int = 0) -> list[dict[str, Any]]:
    import orjson

    return [orjson.loads(payloads.envelope(services, e)) for e in _events(services, start)]


def test_the_api_and_link_lifecycle_sends_company_and_connection_events(
    client: TestClient, services: Services
) -> None:
    helpers.consumer(services, "https://hooks.example.com/all", event_types=ALL_TYPES)
    company = client.post(
        "/companies", json={"name": "Hairosmith", "tags": {"region": "uk"}}
    ).json()
    conn = client.post(
        f"/companies/{company['id']}/connections", json={"platformKey": "mqjo"}
    ).json()
    _authorize(client, conn["linkUrl"])
    url = f"/companies/{company['id']}/connections/{conn['id']}"
    unlinked = client.patch(url, json={"status": "Unlinked"}).json()
    _authorize(client, unlinked["linkUrl"])
    assert client.delete(f"/companies/{company['id']}").status_code == 204

    sent = _envelopes(services)
    assert [e["eventType"] for e in sent] == [
        "company.created",
        "connection.created",
        "connection.connected",
        "connection.disconnected",
        "connection.reconnected",
        "connection.deleted",
        "company.deleted",
    ]
    for envelope in sent:
        schema = (
            "CompanyWebhook"
            if envelope["eventType"].startswith("company.")
            else ("ConnectionWebhook")
        )
        assert schema_errors(envelope, schema) == [], envelope
    created, *middle, deleted = sent
    assert created["payload"]["tags"] == {"region": "uk"}
    assert deleted["payload"]["name"] == "Hairosmith"  # described after it is gone
    statuses = [e["payload"]["connection"]["status"] for e in middle]
    assert statuses == ["PendingAuth", "Linked", "Unlinked", "Linked", "Linked"]
    connected = middle[1]["payload"]
    assert connected["referenceCompany"]["id"] == company["id"]
    assert connected["connection"]["platformName"] == "Sandbox"
    assert connected["connection"]["sourceType"] == "Accounting"


def _authorize(client: TestClient, link_url: str) -> None:
    import re

    parts = urlsplit(link_url)
    page = client.get(f"{parts.path}?{parts.query}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    otp = parts.query.removeprefix("otp=")
    done = client.post(parts.path, data={"otp": otp, "csrf_token": token.group(1)})
    assert done.status_code == 200, done.text


def test_a_group_of_pulls_sends_read_completed_once_it_has_all_ended(
    services: Services,
) -> None:
    helpers.consumer(services, "https://hooks.example.com/all", event_types=ALL_TYPES)
    company_id, connection_id = _sandbox_company(services)
    start = _counts(services)[0]
    engine = Engine(services)
    for round_ in range(2):
        now = utcnow()
        with transaction(services.sessions) as session:
            ids = [
                pulls.queue(session, company_id, connection_id, t, now)[0].id
                for t in ("taxRates", "trackingCategories")
            ]
        assert engine.run(ids[0]) is PullStatus.COMPLETE
        assert _counts(services)[0] == start  # the group has not ended yet
        assert engine.run(ids[1]) is PullStatus.COMPLETE
        sent = _envelopes(services, start)
        expected = ["read.completed"] if round_ else ["read.completed.initial", "read.completed"]
        assert [e["eventType"] for e in sent] == expected
        for envelope in sent:
            assert schema_errors(envelope, "ReadCompletedWebhook") == [], envelope
            payload = envelope["payload"]
            assert payload["referenceCompany"]["id"] == str(company_id)
            assert {d["dataType"] for d in payload["dataTypes"]} == {
                "taxRates",
                "trackingCategories",
            }
            assert all(d["status"] == "Complete" for d in payload["dataTypes"])
            assert all(d["connectionId"] == str(connection_id) for d in payload["dataTypes"])
            # The first read created records; the second read the same content.
            assert all(d["recordsModified"] is (round_ == 0) for d in payload["dataTypes"])
        start += len(sent)


def test_writes_send_successful_and_unsuccessful_events(services: Services) -> None:
    helpers.consumer(services, "https://hooks.example.com/all", event_types=ALL_TYPES)
    company_id, connection_id = _sandbox_company(services)
    start = _counts(services)[0]
    create_supplier = functools.partial(
        push.submit,
        services,
        None,
        company_id=company_id,
        connection_id=connection_id,
        data_type=DataType.SUPPLIERS,
        kind=WriteKind.CREATE,
    )
    done = create_supplier(
        record={"supplierName": "Webhook Supplies Ltd", "status": "Active"}, run_now=True
    )
    refused = create_supplier(record={"status": "Nonsense"})
    assert (done.status, refused.status) == ("Success", "Failed")
    sent = _envelopes(services, start)
    assert [e["eventType"] for e in sent] == [
        "suppliers.write.successful",
        "suppliers.write.unsuccessful",
    ]
    for envelope, op in zip(sent, (done, refused), strict=True):
        assert schema_errors(envelope, "DataTypeWriteWebhook") == [], envelope
        payload = envelope["payload"]
        assert payload["id"] == str(op.id)
        assert payload["type"] == "Create"
        assert payload["connectionId"] == str(connection_id)
        assert payload["status"] == op.status
    assert done.data is not None
    assert sent[0]["payload"]["record"] == {"id": done.data["id"]}


def test_expense_syncs_and_reports_send_their_product_events(services: Services) -> None:
    helpers.consumer(services, "https://hooks.example.com/all", event_types=ALL_TYPES)
    company_id, connection_id = _sandbox_company(services)
    start = _counts(services)[0]
    now = utcnow()
    with transaction(services.sessions) as session:
        sync = expenses.create_sync(session, company_id, connection_id, "expenses")
        first = _payment(session, sync, "t1")
        second = _payment(session, sync, "t2")
        sync_id, first_id, second_id = sync.id, first.id, second.id
    op = _push(
        company_id,
        connection_id,
        data_type="directCosts",
        status="Pending",
        status_code=202,
        requested=now,
        data={},
        attempts=0,
        origin=f"expenses:{sync_id}",
    )
    with transaction(services.sessions) as session:
        session.add(op)
        session.flush()
        expenses.attach_push(session, first_id, op.id)
    with transaction(services.sessions) as session:  # its push succeeds: one still open
        row = session.get(PushOperationRow, op.id)
        assert row is not None
        row.status, row.completed, row.data = "Success", now, {"id": "dc-1"}
        webhook_events.push_finished(session, row, now)
    assert [e.type for e in _events(services, start)] == ["directCosts.write.successful"]
    with transaction(services.sessions) as session:
        expenses.attach_push(session, second_id, None, status="ValidationError", message="bad")
    with transaction(services.sessions) as session:
        report = reports.create(session, company_id, "spendAnalysis", {}, now)
        reports.fail(session, report.id, "no bills", now + timedelta(seconds=1))
    sent = _envelopes(services, start + 1)
    assert [e["eventType"] for e in sent] == [
        "expenses.sync.unsuccessful",
        "reports.spendAnalysis.generate.unsuccessful",
    ]
    assert sent[0]["payload"]["syncId"] == str(sync_id)
    assert sent[0]["payload"]["transactions"] == [
        {"id": "t1", "status": "Completed", "errorMessage": None},
        {"id": "t2", "status": "Failed", "errorMessage": "bad"},
    ]
    assert sent[1]["payload"]["id"] == str(report.id)
    assert sent[1]["payload"]["referenceCompany"]["id"] == str(company_id)
