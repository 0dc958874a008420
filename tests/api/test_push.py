"""Write-back (push) through the API against a linked sandbox company, on both databases.

The issue's acceptance: every push endpoint the sandbox supports has a test for a valid
write, a validation failure (nothing written, a message per field), a platform error
(the operation Failed with the platform's message) and a timeout (TimedOut). The
endpoints are one table (``push_endpoints.ENDPOINTS``), each with a valid request built
from the company's real ids and a request that breaks the create model; the four tests
run over all of it. Then the semantic effects the books must show (part payments,
credit allocation, an overpayment refused, a deleted payment reopening its bill), a lost
answer written once, a lost job swept, ``Idempotency-Key`` replay, the ``forceUpdate``
rule, the create-model shape, push history, the refusals, and one write carried by real
job workers through to the automatic pull.

The app runs no jobs here (``jobs_in_process=False``): a push stays ``Pending`` until
the test runs it (``World.run``), with a clock that can be moved past a deadline.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
from codat_platform.models.shared.pushoption import PushOption as SdkPushOption
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, text

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.connectors.sandbox import CONNECTOR
from ledgerport.connectors.sandbox.writer import FAULT_REJECTED, SandboxWriter
from ledgerport.connectors.spec import WriterContext
from ledgerport.connectors.writes import WriteKind, WriteRequest
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.push import PushStatus
from ledgerport.services import Services
from ledgerport.storage.db import make_engine
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.tables import Base, WriteLogRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.jobs import start_in_process
from ledgerport.sync.push import PushRunner
from ledgerport.sync.writelog import StoredWriteLog
from tests import servers
from tests.api.push_endpoints import (
    ENDPOINTS,
    WITH_BODY,
    WITHOUT_BODY,
    Endpoint,
    bill,
    bill_credit_note,
    bill_payment,
    expect_bill,
    invoice,
    payment,
    supplier,
)
from tests.api.push_world import CHANGE, PNG, SIZE, Body, D, World
from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import errors
from tests.factories import platform
from tests.factories.sandbox import linked_sandbox

# One app and database per module and backend, one company per test: building an app
# costs about a second (FastAPI prepares its routes on the first request), more than
# the tests themselves. What the tests share is only the database and the app; each
# makes its own company (the sandbox seeds its books by the connection's id), its own
# API key (a PostgreSQL test elsewhere in this module empties the tables) and runs only
# its own company's pushes.
SHARED_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="module", params=SHARED_BACKENDS)
def shared_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database on each backend, for the module (``database_url``'s twin)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("push") / "test.db"
        upgrade(f"sqlite:///{path.as_posix()}")
        yield f"sqlite:///{path.as_posix()}"
        return
    if not servers.postgres_available():
        servers.skip_unreachable(servers.PG_NAME)
    url: str = request.getfixturevalue("pg_url")
    yield url
    engine = make_engine(url)  # leave it empty for the next module, as database_url does
    try:
        with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def shared_app(
    shared_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Services, TestClient]]:
    settings = Settings(
        database_url=shared_database,
        data_dir=tmp_path_factory.mktemp("push-data"),
        secret_key=SecretStr("test-secret-key-not-for-production"),
        base_url="http://testserver",
        jobs_in_process=False,  # pushes stay Pending until a test runs them
    )
    services = Services.build(settings)
    try:
        with TestClient(create_app(services=services)) as client:
            yield services, client
    finally:
        services.close()


@pytest.fixture
def world(shared_app: tuple[Services, TestClient]) -> World:
    services, client = shared_app
    client.headers.update(platform.basic(platform.api_key(services)))
    return World(client, services, linked_sandbox(services, sandbox=SIZE))


def _ids(endpoints: list[Endpoint] | tuple[Endpoint, ...]) -> list[Any]:
    return [pytest.param(e, id=e.name) for e in endpoints]


def _prepare(w: World, endpoint: Endpoint) -> str | None:
    """Make (or find) what the write acts on; ``w.target`` for bodies that name it."""
    record_id = endpoint.target(w) if endpoint.target is not None else None
    w.target = record_id
    return record_id


def _body(w: World, endpoint: Endpoint) -> Body | None:
    return endpoint.body(w) if endpoint.body is not None else None


def _assert_pending(op: Body, endpoint: Endpoint) -> None:
    assert (op["status"], op["statusCode"]) == ("Pending", 202), op
    assert op["completedOnUtc"] is None
    assert op["dataType"] == endpoint.data_type.value
    assert op["validation"] == {"errors": [], "warnings": []}
    assert op["changes"] == []


def test_the_table_covers_every_write_the_sandbox_supports() -> None:
    """A write added to the sandbox without a row here fails this test."""
    declared = {(w.data_type, kind) for w in CONNECTOR.writes for kind in w.kinds}
    covered = {(e.data_type, e.kind) for e in ENDPOINTS}
    assert covered == declared


# -- 1. a valid write ------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", _ids(ENDPOINTS))
def test_a_valid_write_succeeds_and_the_next_pull_serves_it(
    world: World, endpoint: Endpoint
) -> None:
    record_id = _prepare(world, endpoint)
    if endpoint.kind is not WriteKind.CREATE:
        world.pull(endpoint.data_type)  # the record is in the data API before the write
    if endpoint.kind is WriteKind.DELETE_ATTACHMENT:  # ...with the file to delete
        url = f"{world.base}/data/{endpoint.read}/{record_id}/attachments/{world.attachment}"
        assert world.client.get(url).status_code == 200
    written = world.logged()
    op = endpoint.send(world, record_id, _body(world, endpoint))
    _assert_pending(op, endpoint)

    assert world.run() == [PushStatus.SUCCESS]
    done = world.op(op)
    assert (done["status"], done["statusCode"], done["errorMessage"]) == ("Success", 200, None)
    assert done["completedOnUtc"] is not None
    assert done["validation"]["errors"] == []
    assert world.logged() == written + 1
    change = done["changes"][0]
    assert change["type"] == CHANGE[endpoint.kind]
    assert change["recordRef"]["dataType"] == endpoint.data_type.value
    if endpoint.kind is WriteKind.CREATE:
        platform_id = done["data"]["id"]
        assert platform_id
        assert "-w" in platform_id or platform_id.startswith("acc-")  # the platform's own
        assert change["recordRef"]["id"] == platform_id
    else:
        assert change["recordRef"]["id"] == record_id
    assert world.run() == []  # nothing left to do

    world.pull(endpoint.data_type)  # incremental, but for a create
    if endpoint.kind in (WriteKind.CREATE, WriteKind.UPDATE):
        got = world.found(endpoint.read, change["recordRef"]["id"])
        assert endpoint.expect is not None
        endpoint.expect(world, got)
    elif endpoint.kind is WriteKind.DELETE:
        assert record_id is not None
        response = world.record(endpoint.read, record_id)
        if response.status_code == 200:
            assert response.json()["metadata"]["isDeleted"] is True, response.json()
        else:
            assert_codat_error(response, 404)
    elif endpoint.kind is WriteKind.DELETE_ATTACHMENT:
        assert record_id is not None
        assert change["attachmentId"] == world.attachment
        url = f"{world.base}/data/{endpoint.read}/{record_id}/attachments"
        listed = world.client.get(url)
        assert listed.status_code == 200, listed.text
        assert world.attachment not in {a["id"] for a in listed.json()["attachments"]}
        assert_codat_error(world.client.get(f"{url}/{world.attachment}"), 404)
    else:
        assert record_id is not None
        attachment_id = change["attachmentId"]
        assert done["data"]["id"] == attachment_id
        url = f"{world.base}/data/{endpoint.read}/{record_id}/attachments"
        listed = world.client.get(url)
        assert listed.status_code == 200, listed.text
        files = {a["id"]: a for a in listed.json()["attachments"]}
        assert files[attachment_id]["name"] == "receipt.png"
        downloaded = world.client.get(f"{url}/{attachment_id}/download")
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.content == PNG


# -- 2. a validation failure -------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", _ids(WITH_BODY))
def test_a_record_breaking_the_create_model_fails_at_once_and_writes_nothing(
    world: World, endpoint: Endpoint
) -> None:
    record_id = _prepare(world, endpoint)
    world.pull(endpoint.data_type)
    before = world.ids(endpoint.read)
    updated = record_id if endpoint.kind is WriteKind.UPDATE else None
    snapshot = world.found(endpoint.read, updated) if updated else None
    written = world.logged()
    assert endpoint.invalid is not None
    body, paths = endpoint.invalid(world)

    op = endpoint.send(world, record_id, body)
    assert (op["status"], op["statusCode"]) == ("Failed", 400), op
    assert op["completedOnUtc"] is not None
    assert "failed validation" in op["errorMessage"]
    assert "nothing was sent" in op["errorMessage"]
    problems = op["validation"]["errors"]
    assert paths <= {p["itemId"] for p in problems}, problems
    for problem in problems:
        assert problem["validatorName"] == "CreateModel", problem
        assert problem["message"].startswith(problem["itemId"]), problem
    assert op["changes"] == []
    assert world.op(op) == op

    assert world.run() == []  # nothing was queued to send
    assert world.logged() == written
    world.pull(endpoint.data_type)
    assert world.ids(endpoint.read) == before
    if updated is not None:
        assert world.found(endpoint.read, updated) == snapshot  # unchanged


@pytest.mark.parametrize("endpoint", _ids(WITHOUT_BODY))
def test_a_delete_or_upload_of_a_record_the_platform_refuses_fails_with_its_message(
    world: World, endpoint: Endpoint
) -> None:
    assert endpoint.missing is not None
    record_id, status, message = endpoint.missing
    if record_id == "generated":  # a journal the platform posted for a transaction
        world.pull(endpoint.data_type)
        record_id = sorted(i for i in world.ids(endpoint.read) if "-w" not in i)[0]
    written = world.logged()
    op = endpoint.send(world, record_id, None)
    _assert_pending(op, endpoint)
    assert world.run() == [PushStatus.FAILED]
    done = world.op(op)
    assert (done["status"], done["statusCode"]) == ("Failed", status), done
    assert message in done["errorMessage"]
    assert done["changes"] == []
    assert world.logged() == written


def test_an_update_of_a_record_the_platform_does_not_have_fails_404(world: World) -> None:
    updates = [e for e in ENDPOINTS if e.kind is WriteKind.UPDATE]
    sent = {e.name: e.send(world, "nope-w9999", _body(world, e)) for e in updates}
    assert world.run() == [PushStatus.FAILED] * len(updates)
    for name, op in sent.items():
        done = world.op(op)
        assert (done["status"], done["statusCode"]) == ("Failed", 404), (name, done)
        assert done["errorMessage"].startswith("There is no "), (name, done)
        assert "nope-w9999" in done["errorMessage"], (name, done)
    assert world.logged() == 0


# -- 3. a platform error -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", _ids(ENDPOINTS))
def test_a_platform_refusal_fails_the_operation_with_its_message(
    world: World, endpoint: Endpoint
) -> None:
    record_id = _prepare(world, endpoint)
    body = _body(world, endpoint)
    written = world.logged()
    world.faults({"*": "reject"})
    op = endpoint.send(world, record_id, body)
    _assert_pending(op, endpoint)
    assert world.run() == [PushStatus.FAILED]
    done = world.op(op)
    assert (done["status"], done["statusCode"]) == ("Failed", 400), done
    assert done["errorMessage"] == FAULT_REJECTED
    assert done["completedOnUtc"] is not None
    assert done["changes"] == []
    assert world.logged() == written


# -- 4. a timeout -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", _ids(ENDPOINTS))
def test_an_unreachable_platform_times_out(world: World, endpoint: Endpoint) -> None:
    record_id = _prepare(world, endpoint)
    body = _body(world, endpoint)
    written = world.logged()
    world.faults({"*": "unavailable"})
    # Attachment uploads take no timeoutInMinutes (Codat's do not): theirs is the default.
    params = {} if endpoint.kind is WriteKind.UPLOAD_ATTACHMENT else {"timeoutInMinutes": 1}
    op = endpoint.send(world, record_id, body, **params)
    _assert_pending(op, endpoint)
    minutes = op["timeoutInMinutes"]
    assert minutes == (1 if params else 60)

    now = utcnow()
    assert world.run(clock=lambda: now) == [PushStatus.PENDING]  # a retry is scheduled
    waiting = world.op(op)
    assert waiting["status"] == "Pending"
    assert waiting["errorMessage"].startswith("Will try again")
    assert "unavailable" in waiting["errorMessage"]

    later = now + timedelta(minutes=minutes + 1)
    assert world.run(clock=lambda: later) == [PushStatus.TIMED_OUT]
    done = world.op(op)
    assert (done["status"], done["statusCode"]) == ("TimedOut", 504), done
    assert f"within {minutes} minute(s)" in done["errorMessage"]
    assert done["completedOnUtc"] is not None
    assert done["changes"] == []
    assert world.logged() == written


# -- what the writes do to the books ------------------------------------------------------------


def _document(w: World, data_type: DataType, record_id: str) -> Body:
    w.pull(data_type)
    return w.found(data_type.value, record_id)


def _due(document: Body) -> tuple[str, Decimal]:
    return document["status"], D(document["amountDue"])


def test_two_part_payments_pay_an_invoice_and_an_overpayment_is_refused(world: World) -> None:
    invoice_id = world.made("invoices", invoice(world))  # 100 + 20% VAT
    first = world.done("payments", payment(world, invoice_id, 50))
    assert {"type": "Modified", "recordRef": {"id": invoice_id, "dataType": "invoices"}} in (
        first["changes"]
    )
    assert _due(_document(world, DataType.INVOICES, invoice_id)) == ("PartiallyPaid", D(70))
    world.done("payments", payment(world, invoice_id, 70))
    assert _due(_document(world, DataType.INVOICES, invoice_id)) == ("Paid", D(0))

    written = world.logged()
    over = world.create("payments", payment(world, invoice_id, 1))
    assert over["status"] == "Pending"  # the create model cannot know what is due
    assert world.run() == [PushStatus.FAILED]
    refused = world.op(over)
    assert (refused["status"], refused["statusCode"]) == ("Failed", 400), refused
    number = world.found("invoices", invoice_id)["invoiceNumber"]
    assert refused["errorMessage"] == (
        f"The payment applies 1.00 to invoice {number}, more than the 0.00 due on it."
    )
    assert [e["itemId"] for e in refused["validation"]["errors"]] == ["lines"]
    assert world.logged() == written
    assert _due(_document(world, DataType.INVOICES, invoice_id)) == ("Paid", D(0))


def test_a_bill_paid_in_two_parts_is_reopened_by_deleting_a_payment(world: World) -> None:
    bill_id = world.made("bills", bill(world))  # 120.00
    world.made("billPayments", bill_payment(world, bill_id, 20))
    assert _due(_document(world, DataType.BILLS, bill_id)) == ("PartiallyPaid", D(100))
    second = world.made("billPayments", bill_payment(world, bill_id, 100))
    assert _due(_document(world, DataType.BILLS, bill_id)) == ("Paid", D(0))

    # A bill with payments on it cannot be deleted: the platform says why.
    kept = world.call("DELETE", f"/push/bills/{bill_id}")
    assert world.run() == [PushStatus.FAILED]
    refused = world.op(kept)
    assert refused["statusCode"] == 400
    assert "payments allocated and cannot be deleted" in refused["errorMessage"]

    deleted = world.call("DELETE", f"/push/billPayments/{second}")
    assert world.run() == [PushStatus.SUCCESS]
    done = world.op(deleted)
    assert {"type": "Deleted", "recordRef": {"id": second, "dataType": "billPayments"}} in (
        done["changes"]
    )
    assert {"type": "Modified", "recordRef": {"id": bill_id, "dataType": "bills"}} in (
        done["changes"]
    )
    assert _due(_document(world, DataType.BILLS, bill_id)) == ("PartiallyPaid", D(100))
    world.pull(DataType.BILL_PAYMENTS)
    gone = world.record("billPayments", second)
    assert gone.status_code == 404 or gone.json()["metadata"]["isDeleted"] is True


def test_a_bill_credit_note_allocated_to_a_bill_reduces_what_is_due(world: World) -> None:
    bill_id = world.made("bills", bill(world))  # 120.00
    note_id = world.made("billCreditNotes", bill_credit_note(world, 25))  # 30.00
    allocation = {
        "supplierRef": {"id": world.supplier},
        "totalAmount": 0,  # no money moves: the credit settles part of the bill
        "date": world.day,
        "lines": [
            {
                "amount": 0,
                "links": [
                    {"type": "Bill", "id": bill_id, "amount": -30},
                    {"type": "CreditNote", "id": note_id, "amount": 30},
                ],
            }
        ],
    }
    done = world.done("billPayments", allocation)
    assert D(done["data"]["totalAmount"]) == 0
    assert _due(_document(world, DataType.BILLS, bill_id)) == ("PartiallyPaid", D(90))
    note = _document(world, DataType.BILL_CREDIT_NOTES, note_id)
    assert (D(note["remainingCredit"]), note["status"]) == (D(0), "Paid")


# -- a lost answer, a lost job, a repeated request, a record changed at the source ---------------


def test_a_push_whose_job_was_lost_is_sent_again_then_timed_out_by_the_sweep(
    world: World,
) -> None:
    """Nobody ran the job (a flushed queue): the scheduler's sweep sends it again once
    its grace has passed, and times it out past its deadline; nothing is written."""
    world.faults({"*": "unavailable"})
    op = world.create("suppliers", supplier(world), timeoutInMinutes=1)
    key = uuid.UUID(op["pushOperationKey"])
    requested = datetime.fromisoformat(op["requestedOnUtc"].replace("Z", "+00:00"))
    runner = PushRunner(world.services)
    assert key not in runner.sweep(requested + timedelta(seconds=10))  # still queued
    assert key in runner.sweep(requested + timedelta(seconds=45))  # lost: send again
    assert world.op(op)["status"] == "Pending"
    assert key not in runner.sweep(requested + timedelta(minutes=2))
    done = world.op(op)
    assert (done["status"], done["statusCode"]) == ("TimedOut", 504), done
    assert done["errorMessage"] == "The write did not complete within 1 minute(s)."
    assert world.run() == []
    assert world.logged() == 0


def test_a_lost_answer_is_found_and_written_exactly_once(world: World) -> None:
    world.faults({"suppliers": "lostResponse"})
    op = world.create("suppliers", supplier(world))
    assert world.run() == [PushStatus.SUCCESS]  # written, answer lost, then looked up
    done = world.op(op)
    assert (done["status"], done["statusCode"]) == ("Success", 200)
    assert done["data"]["supplierName"] == "Pushed Supplier Ltd"
    assert world.run() == []
    with world.services.sessions() as session:
        keys = session.scalars(
            select(WriteLogRow.key).where(WriteLogRow.connection_id == world.connection_id)
        ).all()
    assert keys == [op["pushOperationKey"]]
    world.pull(DataType.SUPPLIERS)
    named = world.client.get(
        f"/companies/{world.company.id}/data/suppliers",
        params={"query": "supplierName=Pushed Supplier Ltd"},
    ).json()
    assert [r["id"] for r in named["results"]] == [done["data"]["id"]]


def test_an_idempotency_key_replays_the_first_push(world: World) -> None:
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    url = f"{world.base}/push/suppliers"
    first = world.client.post(url, json=supplier(world), headers=headers)
    again = world.client.post(url, json=supplier(world), headers=headers)
    assert first.status_code == again.status_code == 200
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["pushOperationKey"] == first.json()["pushOperationKey"]
    other = world.client.post(url, json={"supplierName": "Someone Else Ltd"}, headers=headers)
    assert_codat_error(other, 422)
    history = world.client.get(f"/companies/{world.company.id}/push").json()
    assert history["totalResults"] == 1
    assert world.run() == [PushStatus.SUCCESS]
    assert world.logged() == 1


def test_an_update_of_a_record_changed_at_the_source_needs_force_update(world: World) -> None:
    supplier_id = world.supplier  # pulled
    # Someone changes the supplier in the platform itself, after our pull.
    SandboxWriter(
        WriterContext(
            str(world.company.id),
            str(world.connection_id),
            {"sandbox": SIZE},
            StoredWriteLog(world.services.sessions, world.connection_id),
        )
    ).write(
        WriteRequest(
            DataType.SUPPLIERS,
            WriteKind.UPDATE,
            "edited-in-the-platform",
            {"supplierName": "Changed At The Source Ltd"},
            record_id=supplier_id,
        )
    )
    ours = {"supplierName": "Ours Ltd"}
    stale = world.call("PUT", f"/push/suppliers/{supplier_id}", json=ours)
    assert world.run() == [PushStatus.FAILED]
    refused = world.op(stale)
    assert (refused["status"], refused["statusCode"]) == ("Failed", 409), refused
    assert refused["errorMessage"].startswith(
        f"The record {supplier_id} changed in the platform since it was last pulled"
    )
    assert "forceUpdate=true" in refused["errorMessage"]
    assert world.logged() == 1  # only the platform's own change

    forced = world.call(
        "PUT", f"/push/suppliers/{supplier_id}", json=ours, params={"forceUpdate": "true"}
    )
    assert world.run() == [PushStatus.SUCCESS]
    assert world.op(forced)["status"] == "Success"
    assert _document(world, DataType.SUPPLIERS, supplier_id)["supplierName"] == "Ours Ltd"
    # Pulled again, an update without forceUpdate goes through.
    world.call("PUT", f"/push/suppliers/{supplier_id}", json={"supplierName": "Ours Again Ltd"})
    assert world.run() == [PushStatus.SUCCESS]


# -- the create models ---------------------------------------------------------------------------


def _values(node: Body) -> list[str]:
    return [choice["value"] for choice in node["options"]]


def test_the_bills_create_model_lists_the_companys_accounts(world: World) -> None:
    world.pull(DataType.CHART_OF_ACCOUNTS, DataType.TAX_RATES)
    model = world.options("bills")
    SdkPushOption.model_validate(model)
    assert errors(model, "PushOption", spec="accounting") == []
    assert (model["type"], model["displayName"], model["required"]) == ("Object", "Bill", False)
    fields = model["properties"]
    assert {"supplierRef", "issueDate", "dueDate", "lineItems", "status", "currency"} <= set(fields)
    supplier_ref = fields["supplierRef"]
    assert (supplier_ref["type"], supplier_ref["required"]) == ("Object", True)
    assert supplier_ref["properties"]["id"]["required"] is True
    issue = fields["issueDate"]
    assert (issue["type"], issue["required"]) == ("DateTime", True)
    assert any("ledger lock date" in n["details"] for n in issue["validation"]["information"])
    assert world.lock_date < date.fromisoformat(world.day[:10])
    lines = fields["lineItems"]
    assert (lines["type"], lines["required"]) == ("Array", True)
    assert lines["properties"]["unitAmount"] == {
        "type": "Number",
        "displayName": "Unit Amount",
        "description": "The price of one unit, excluding tax.",
        "required": True,
    }
    chart = world.client.get(
        f"/companies/{world.company.id}/data/accounts", params={"pageSize": 500}
    ).json()["results"]
    expense = [
        a["id"]
        for a in chart
        if a["type"] == "Expense" and a["status"] == "Active" and not a["isBankAccount"]
    ]
    assert sorted(_values(lines["properties"]["accountRef"]["properties"]["id"])) == sorted(expense)
    rates = world.client.get(f"/companies/{world.company.id}/data/taxRates").json()["results"]
    assert set(_values(lines["properties"]["taxRateRef"]["properties"]["id"])) == {
        r["id"] for r in rates
    }
    assert _values(fields["status"]) == ["Open", "Draft"]
    assert _values(fields["currency"]) == ["GBP"]

    update = world.options("bills", kind="Update")
    assert _values(update["properties"]["status"]) == ["Open", "Draft", "Void"]
    assert_codat_error(world.client.get(f"{world.base}/options/bills?kind=Sideways"), 400)
    assert world.options("accounts")["displayName"] == "Nominal Account"
    assert world.options("chartOfAccounts")["displayName"] == "Nominal Account"
    assert_codat_error(world.client.get(f"{world.base}/options/nonsense"), 404)


# -- push history ----------------------------------------------------------------------------------


def test_push_history_pages_filters_and_finds_one(world: World) -> None:
    failed = [world.create("suppliers", {}), world.create("customers", {"customerName": 1})]
    ok = world.create("suppliers", supplier(world))
    assert world.run() == [PushStatus.SUCCESS]
    url = f"/companies/{world.company.id}/push"

    page = world.client.get(url, params={"pageSize": 2})
    assert page.status_code == 200, page.text
    body = page.json()
    assert errors(body, "PushOperations") == [] or all(
        "completedOnUtc" in e for e in errors(body, "PushOperations")
    )
    assert (body["totalResults"], body["pageNumber"], body["pageSize"]) == (3, 1, 2)
    newest_first = [ok, *reversed(failed)]
    assert [r["pushOperationKey"] for r in body["results"]] == [
        op["pushOperationKey"] for op in newest_first[:2]
    ]
    second = world.client.get(url, params={"pageSize": 2, "page": 2}).json()
    assert [r["pushOperationKey"] for r in second["results"]] == [
        newest_first[2]["pushOperationKey"]
    ]
    only_failed = world.client.get(url, params={"query": "status=Failed"}).json()
    assert {r["pushOperationKey"] for r in only_failed["results"]} == {
        op["pushOperationKey"] for op in failed
    }
    assert {r["statusCode"] for r in only_failed["results"]} == {400}
    succeeded = world.client.get(url, params={"query": "status=Success"}).json()
    assert [r["pushOperationKey"] for r in succeeded["results"]] == [ok["pushOperationKey"]]
    by_type = world.client.get(url, params={"query": "dataType=customers"}).json()
    assert [r["pushOperationKey"] for r in by_type["results"]] == [failed[1]["pushOperationKey"]]

    assert world.op(ok)["data"]["supplierName"] == "Pushed Supplier Ltd"
    assert_codat_error(world.client.get(f"{url}/{uuid.uuid4()}"), 404)
    assert_codat_error(world.client.get(f"{url}/not-a-key"), 404)
    stranger = platform.company(world.services)
    assert_codat_error(
        world.client.get(f"/companies/{stranger.id}/push/{ok['pushOperationKey']}"), 404
    )
    assert world.client.get(f"/companies/{stranger.id}/push").json()["totalResults"] == 0
    assert_codat_error(world.client.get(f"/companies/{uuid.uuid4()}/push"), 404)


# -- what is refused before anything is recorded -----------------------------------------------


def test_writes_the_sandbox_cannot_make_are_refused_clearly(world: World) -> None:
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("DELETE", "/push/suppliers/sup-0001", {}, "Sandbox does not support deleting suppliers."),
        ("PUT", "/push/journalEntries/mj-w0001", {"json": {}},
         "Sandbox does not support updating journalEntries."),
        ("POST", "/push/items", {"json": {"name": "Widget"}},
         "Sandbox does not support creating items."),
        ("POST", "/push/suppliers/sup-0001/attachments",
         {"files": {"file": ("a.png", PNG, "image/png")}},
         "Sandbox does not support uploading attachments to suppliers."),
    ]  # fmt: skip
    for method, path, kwargs, message in cases:
        response = world.client.request(method, f"{world.base}{path}", **kwargs)
        assert assert_codat_error(response, 400)["error"] == message
    for method, path in (("POST", "/push/nonsense"), ("DELETE", "/push/nonsense/x")):
        body = assert_codat_error(world.client.request(method, f"{world.base}{path}"), 404)
        assert body["error"] == "Unknown data type 'nonsense'."
    history = world.client.get(f"/companies/{world.company.id}/push").json()
    assert history["totalResults"] == 0


def test_a_body_that_is_not_a_json_object_is_refused(world: World) -> None:
    url = f"{world.base}/push/suppliers"
    json_type = {"Content-Type": "application/json"}
    for content in (b"not json", b"[{}]", b"", b"null", b'"text"'):
        body = assert_codat_error(world.client.post(url, content=content, headers=json_type), 400)
        assert "JSON" in body["error"]
    assert_codat_error(world.client.post(f"{world.base}/data/bankAccounts", content=b"[]"), 400)
    assert_codat_error(world.client.post(url, json={}, params={"timeoutInMinutes": 0}), 400)
    upload = f"{world.base}/push/bills/bill-0001/attachments"
    assert_codat_error(world.client.post(upload), 400)  # no file
    empty = world.client.post(upload, files={"file": ("empty.pdf", b"", "application/pdf")})
    assert assert_codat_error(empty, 400)["error"] == "The file is empty."
    history = world.client.get(f"/companies/{world.company.id}/push").json()
    assert history["totalResults"] == 0


def test_a_connection_that_is_not_linked_cannot_be_written(
    shared_app: tuple[Services, TestClient],
) -> None:
    services, client = shared_app
    client.headers.update(platform.basic(platform.api_key(services)))
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.PENDING_AUTH),))
    base = f"/companies/{company.id}/connections/{company.connections[0].id}"
    refused = client.post(f"{base}/push/suppliers", json={"supplierName": "X"})
    body = assert_codat_error(refused, 400)
    assert "PendingAuth, not Linked" in body["error"]
    assert_codat_error(client.get(f"{base}/options/suppliers"), 400)
    assert_codat_error(client.delete(f"{base}/push/bills/bill-w0001"), 400)
    unknown = f"/companies/{company.id}/connections/{uuid.uuid4()}"
    assert_codat_error(client.post(f"{unknown}/push/suppliers", json={"supplierName": "X"}), 404)
    elsewhere = f"/companies/{uuid.uuid4()}/connections/{company.connections[0].id}"
    assert_codat_error(client.post(f"{elsewhere}/push/suppliers", json={"supplierName": "X"}), 404)
    assert client.get(f"/companies/{company.id}/push").json()["totalResults"] == 0


# -- with real job workers -------------------------------------------------------------------------


def _eventually(check: Callable[[], Any], what: str, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds:g} s")


def test_a_push_run_by_job_workers_is_pulled_when_it_succeeds(
    client: TestClient, services: Services
) -> None:
    """The app's own queue and a real consumer: the push is sent by a worker, and its
    success queues a pull of what it changed (allowSyncOnPushComplete), which brings
    the bill into the data API."""
    w = World(client, services, linked_sandbox(services, sandbox=SIZE))
    body = bill(w)  # the supplier pulled first; bills never pulled here

    def finished(op: Body) -> Body:
        return _eventually(  # type: ignore[no-any-return]
            lambda: (o := w.op(op))["status"] != "Pending" and o, "the push to finish"
        )

    consumer = start_in_process(cast(FastAPI, client.app).state.queue, workers=1, periodic=False)
    try:
        # Without allowSyncOnPushComplete nothing is pulled; the supplier is in the
        # data API anyway, suppliers having been pulled (the written record is kept).
        quiet = w.create("suppliers", supplier(w), allowSyncOnPushComplete="false")
        made = finished(quiet)
        assert made["status"] == "Success", made
        assert w.found("suppliers", made["data"]["id"])["supplierName"] == "Pushed Supplier Ltd"

        op = w.create("bills", body)
        assert op["status"] == "Pending"
        done = finished(op)
        assert (done["status"], done["statusCode"]) == ("Success", 200), done
        bill_id = done["data"]["id"]
        response = _eventually(
            lambda: (r := w.record("bills", bill_id)).status_code == 200 and r,
            "the automatic pull of bills",
        )
    finally:
        consumer.stop(graceful=True)
    expect_bill(w, response.json())
    history = client.get(f"/companies/{w.company.id}/data/history").json()["results"]
    assert sorted((h["dataType"], h["status"]) for h in history) == [
        ("bills", "Complete"),  # queued by the bill's success
        ("suppliers", "Complete"),  # the test's own, for the supplier's id
    ]
