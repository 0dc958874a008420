"""The push engine against a scripted platform: validation before sending, a platform's
refusal, retries within the deadline, TimedOut, a lost answer settled by looking the
write up (never by sending it twice), a crashed attempt, and a job delivered twice."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ledgerport.config import Settings
from ledgerport.connectors.errors import (
    OutcomeUnknownError,
    RateLimitedError,
    RejectedError,
    TransientError,
    WriteConflictError,
)
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.sandbox.books import books
from ledgerport.connectors.spec import Branding, Connector, NoAuth
from ledgerport.connectors.writes import (
    RecordChange,
    WriteKind,
    WriteRequest,
    WriteResult,
    WriteStream,
)
from ledgerport.domain.enums import ConnectionStatus, DataType, SourceType
from ledgerport.domain.push import (
    PushChangeType,
    PushOption,
    PushOptionType,
    PushStatus,
)
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.services import Services
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.repositories import records
from ledgerport.storage.tables import PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import push
from ledgerport.sync.push import PushRunner
from ledgerport.sync.writelog import StoredWriteLog
from tests.factories import platform
from tests.factories.sandbox import linked_sandbox, pull

SUPPLIER = {"supplierName": "Acme Ltd", "status": "Active"}


def _model() -> PushOption:
    text = PushOption(type=PushOptionType.STRING, displayName="Text")
    return PushOption(
        type=PushOptionType.OBJECT,
        displayName="Supplier",
        properties={
            "supplierName": PushOption(
                type=PushOptionType.STRING, displayName="Name", required=True, maxLength=100
            ),
            "status": PushOption(
                type=PushOptionType.STRING,
                displayName="Status",
                options=[{"value": "Active"}, {"value": "Archived"}],  # type: ignore[list-item]
            ),
            "phones": PushOption(
                type=PushOptionType.ARRAY,
                displayName="Phones",
                properties={"number": text},
            ),
        },
    )


@dataclass
class ScriptedPlatform:
    """Suppliers kept by key; each call to ``write`` takes the next scripted behaviour:
    "ok", "reject", "down", "throttled", "lost" (written, answer lost), "lost-unwritten"
    (the request died before the platform got it), "crash" (our bug, after writing)."""

    suppliers: dict[str, dict[str, Any]] = field(default_factory=dict)
    script: list[str] = field(default_factory=list)
    writes: int = 0
    finds: int = 0

    def options(self, data_type: DataType, kind: WriteKind) -> PushOption:
        return _model()

    def _apply(self, request: WriteRequest) -> WriteResult:
        self.writes += 1
        record = {**request.record, "id": f"sup-{len(self.suppliers) + 1}"}
        self.suppliers[request.key] = record
        return self._result(record)

    def _result(self, record: dict[str, Any]) -> WriteResult:
        return WriteResult(
            record=record,
            changes=(RecordChange(PushChangeType.CREATED, DataType.SUPPLIERS, record["id"]),),
        )

    def write(self, request: WriteRequest) -> WriteResult:
        step = self.script.pop(0) if self.script else "ok"
        if request.key in self.suppliers:  # the platform's own idempotency
            return self._result(self.suppliers[request.key])
        match step:
            case "reject":
                raise RejectedError(
                    "A supplier called Acme Ltd already exists.",
                    status_code=409,
                    fields=(("supplierName", "Must be unique."),),
                )
            case "down":
                raise TransientError("503 Service Unavailable")
            case "throttled":
                raise RateLimitedError("429 Too Many Requests", retry_after=40)
            case "lost":
                self._apply(request)
                raise OutcomeUnknownError("read timeout after sending")
            case "lost-unwritten":
                raise OutcomeUnknownError("connection reset while sending")
            case "crash":
                self._apply(request)
                raise RuntimeError("bug after the write")
            case "conflict":
                raise WriteConflictError("another write landed first")
        return self._apply(request)

    def find(self, request: WriteRequest) -> WriteResult | None:
        self.finds += 1
        record = self.suppliers.get(request.key)
        return self._result(record) if record else None


def _connector(fake: ScriptedPlatform) -> Connector:
    return Connector(
        key="tstw",
        name="Scripted Platform",
        source_type=SourceType.ACCOUNTING,
        auth=NoAuth(),
        branding=Branding("#000", "T"),
        writes=(WriteStream(DataType.SUPPLIERS, frozenset({WriteKind.CREATE})),),
        writer=lambda _ctx: fake,
    )


@dataclass
class World:
    services: Services
    fake: ScriptedPlatform
    company_id: uuid.UUID
    connection_id: uuid.UUID
    now: list[datetime]

    def runner(self) -> PushRunner:
        return PushRunner(self.services, clock=lambda: self.now[0], rng=random.Random(1))

    def submit(self, record: dict[str, Any] | None = None, **kwargs: Any) -> PushOperationRow:
        return push.submit(
            self.services,
            None,
            company_id=self.company_id,
            connection_id=self.connection_id,
            data_type=DataType.SUPPLIERS,
            kind=WriteKind.CREATE,
            record=SUPPLIER if record is None else record,
            **kwargs,
        )

    def row(self, push_id: uuid.UUID) -> PushOperationRow:
        with self.services.sessions() as session:
            row = session.get(PushOperationRow, push_id)
            assert row is not None
            session.expunge(row)
            return row


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    fake = ScriptedPlatform()
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("e"))
    engine = make_engine(database_url)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        connectors=ConnectorRegistry([_connector(fake)]),
        secret=b"e",
    )
    company = platform.company(services, connections=(("tstw", ConnectionStatus.LINKED),))
    yield World(services, fake, company.id, company.connections[0].id, [utcnow()])
    engine.dispose()


def test_a_valid_write_succeeds_with_the_platforms_record(world: World) -> None:
    op = world.submit()
    assert (op.status, op.status_code, op.completed) == ("Pending", 202, None)
    assert world.runner().run(op.id).status is PushStatus.SUCCESS
    done = world.row(op.id)
    assert (done.status, done.status_code) == ("Success", 200)
    assert done.data == {**SUPPLIER, "id": "sup-1"}
    assert done.changes == [
        {"type": "Created", "recordRef": {"id": "sup-1", "dataType": "suppliers"}}
    ]
    body = push.representation(done)
    assert body["pushOperationKey"] == str(op.id)
    assert body["dataConnectionKey"] == str(world.connection_id)
    assert body["completedOnUtc"].endswith("Z")
    assert world.fake.writes == 1


def test_an_invalid_record_fails_at_once_with_field_messages_and_sends_nothing(
    world: World,
) -> None:
    op = world.submit({"status": "Dormant", "phones": "0117"})
    assert (op.status, op.status_code) == ("Failed", 400)
    errors = {e["itemId"]: e["message"] for e in op.validation["errors"]}
    assert set(errors) == {"supplierName", "status", "phones"}
    assert "required" in errors["supplierName"]
    assert "Active, Archived" in errors["status"]
    assert world.runner().run(op.id).status is PushStatus.FAILED
    assert world.fake.writes == 0


def test_a_platform_refusal_fails_with_its_status_and_message(world: World) -> None:
    world.fake.script = ["reject"]
    op = world.submit()
    world.runner().run(op.id)
    done = world.row(op.id)
    assert (done.status, done.status_code) == ("Failed", 409)
    assert done.error_message == "A supplier called Acme Ltd already exists."
    assert done.validation["errors"][0]["itemId"] == "supplierName"
    assert world.fake.suppliers == {}


def test_an_unreachable_platform_is_retried_then_times_out(world: World) -> None:
    world.fake.script = ["down"] * 100
    op = world.submit(timeout_minutes=2)
    runner = world.runner()
    outcome = runner.run(op.id)
    assert outcome.status is PushStatus.PENDING
    assert outcome.retry_in is not None
    assert 2.5 <= outcome.retry_in <= 5
    pending = world.row(op.id)
    assert pending.status == "Pending"
    assert not pending.in_doubt
    assert "503" in (pending.error_message or "")
    # Not due yet: a second delivery of the job does nothing.
    assert runner.run(op.id).retry_in is None
    attempts = 1
    while True:
        world.now[0] += timedelta(seconds=outcome.retry_in or 0)
        outcome = runner.run(op.id)
        attempts += 1
        if outcome.status is not PushStatus.PENDING:
            break
    assert outcome.status is PushStatus.TIMED_OUT
    done = world.row(op.id)
    assert (done.status, done.status_code) == ("TimedOut", 504)
    assert "within 2 minute(s)" in (done.error_message or "")
    assert 3 <= attempts <= 12
    assert world.fake.writes == 0


def test_a_throttled_write_waits_as_long_as_the_platform_asks(world: World) -> None:
    world.fake.script = ["throttled"]
    op = world.submit()
    outcome = world.runner().run(op.id)
    assert outcome.retry_in is not None
    assert outcome.retry_in >= 40
    world.now[0] += timedelta(seconds=outcome.retry_in)
    assert world.runner().run(op.id).status is PushStatus.SUCCESS


def test_a_lost_answer_is_settled_by_looking_the_write_up(world: World) -> None:
    world.fake.script = ["lost"]
    op = world.submit()
    assert world.runner().run(op.id).status is PushStatus.SUCCESS
    assert world.fake.writes == 1
    assert world.fake.finds == 1
    assert world.row(op.id).data == {**SUPPLIER, "id": "sup-1"}


def test_a_lost_request_the_platform_never_got_is_sent_again_after_a_look_up(
    world: World,
) -> None:
    world.fake.script = ["lost-unwritten"]
    op = world.submit()
    outcome = world.runner().run(op.id)
    assert outcome.status is PushStatus.PENDING
    assert world.row(op.id).in_doubt
    world.now[0] += timedelta(seconds=outcome.retry_in or 0)
    assert world.runner().run(op.id).status is PushStatus.SUCCESS
    assert world.fake.writes == 1
    assert world.fake.finds == 2


def test_an_attempt_that_crashed_after_writing_is_never_written_twice(world: World) -> None:
    world.fake.script = ["crash"]
    op = world.submit()
    outcome = world.runner().run(op.id)
    assert outcome.status is PushStatus.PENDING
    assert world.row(op.id).in_doubt
    world.now[0] += timedelta(seconds=outcome.retry_in or 0)
    assert world.runner().run(op.id).status is PushStatus.SUCCESS
    assert world.fake.writes == 1
    assert len(world.fake.suppliers) == 1


def test_a_worker_that_died_mid_write_is_settled_by_the_sweep(world: World) -> None:
    op = world.submit()
    # A worker claimed it, marked it in doubt, wrote, and died before recording it.
    with transaction(world.services.sessions) as session:
        row = session.get(PushOperationRow, op.id)
        assert row is not None
        row.in_doubt, row.attempts = True, 1
        row.next_attempt = world.now[0] + push.LEASE
    world.fake.suppliers[str(op.id)] = {**SUPPLIER, "id": "sup-1"}
    runner = world.runner()
    assert runner.sweep(world.now[0]) == []  # the lease is still held
    world.now[0] += push.LEASE + timedelta(minutes=1)
    assert runner.sweep(world.now[0]) == [op.id]
    assert runner.run(op.id).status is PushStatus.SUCCESS
    assert world.fake.writes == 0
    assert world.fake.finds == 1


def test_the_sweep_times_out_what_is_past_its_deadline(world: World) -> None:
    op = world.submit(timeout_minutes=1)
    runner = world.runner()
    assert runner.sweep(world.now[0] + timedelta(seconds=10)) == []  # still queued
    assert runner.sweep(world.now[0] + timedelta(seconds=45)) == [op.id]  # a lost job
    assert runner.sweep(world.now[0] + timedelta(minutes=2)) == []
    done = world.row(op.id)
    assert (done.status, done.status_code) == ("TimedOut", 504)
    assert world.fake.writes == 0


def test_a_job_delivered_twice_writes_once(world: World) -> None:
    op = world.submit()
    runner = world.runner()
    assert runner.run(op.id).status is PushStatus.SUCCESS
    assert runner.run(op.id).status is PushStatus.SUCCESS
    assert world.fake.writes == 1


def test_synchronous_writes_never_stay_pending(world: World) -> None:
    world.fake.script = ["down"]
    op = world.submit(run_now=True)
    assert (op.status, op.status_code) == ("Failed", 503)
    assert "unavailable" in (op.error_message or "")
    ok = world.submit(run_now=True)
    assert (ok.status, ok.data) == ("Success", {**SUPPLIER, "id": "sup-1"})


def test_writes_the_platform_does_not_support_are_refused_clearly(world: World) -> None:
    with pytest.raises(BadRequestError, match="does not support updating suppliers"):
        push.submit(
            world.services,
            None,
            company_id=world.company_id,
            connection_id=world.connection_id,
            data_type=DataType.SUPPLIERS,
            kind=WriteKind.UPDATE,
            record=SUPPLIER,
            record_id="sup-1",
        )
    with pytest.raises(NotFoundError):
        push.submit(
            world.services,
            None,
            company_id=world.company_id,
            connection_id=uuid.uuid4(),
            data_type=DataType.SUPPLIERS,
            kind=WriteKind.CREATE,
            record=SUPPLIER,
        )
    with pytest.raises(BadRequestError, match="timeoutInMinutes"):
        world.submit(timeout_minutes=0)


def test_a_write_decided_on_a_state_that_moved_is_decided_again(world: World) -> None:
    world.fake.script = ["conflict", "ok"]
    op = world.submit()
    assert world.runner().run(op.id).status is PushStatus.SUCCESS
    done = world.row(op.id)
    assert done.audit["attempts"][-1]["conflicts"] == 1
    assert world.fake.writes == 1


def test_the_write_log_keeps_one_order_for_concurrent_writers(world: World) -> None:
    first = StoredWriteLog(world.services.sessions, world.connection_id)
    second = StoredWriteLog(world.services.sessions, world.connection_id)
    assert first.entries() == ()
    assert second.entries() == ()
    first.append("a", {"n": 1})
    # The second writer decided on the empty log: its write must be decided again.
    with pytest.raises(WriteConflictError):
        second.append("b", {"n": 2})
    second.append("b", {"n": 2})  # now after "a"
    second.append("a", {"n": 1})  # the same key again: logged once
    assert [(w.key, w.entry) for w in second.entries()] == [("a", {"n": 1}), ("b", {"n": 2})]


def test_a_successful_write_is_readable_before_the_next_pull(
    services: Services,
) -> None:
    company = linked_sandbox(services)
    pull(services, company, DataType.SUPPLIERS)
    connection_id = company.connections[0].id
    op = push.submit(
        services,
        None,
        company_id=company.id,
        connection_id=connection_id,
        data_type=DataType.SUPPLIERS,
        kind=WriteKind.CREATE,
        record={"supplierName": "Brand New Supplies Ltd", "status": "Active"},
        run_now=True,
    )
    assert op.status == "Success", op.error_message
    new_id = op.data["id"]
    with services.sessions() as session:
        stored = records.one_text(session, company.id, "suppliers", new_id, connection_id)
    assert stored is not None
    assert '"Brand New Supplies Ltd"' in stored
    # The next pull finds the platform's copy identical: nothing changed, nothing new.
    pull(services, company, DataType.SUPPLIERS)
    with services.sessions() as session:
        again = records.one_text(session, company.id, "suppliers", new_id, connection_id)
        count = records.dataset_count(session, connection_id, "suppliers")
    assert again == stored
    assert count == len(books(str(connection_id)).records(DataType.SUPPLIERS)) + 1


def test_a_write_to_a_type_never_pulled_is_held_and_the_first_pull_keeps_it_once(
    services: Services,
) -> None:
    company = linked_sandbox(services)
    connection_id = company.connections[0].id
    op = push.submit(
        services,
        None,
        company_id=company.id,
        connection_id=connection_id,
        data_type=DataType.SUPPLIERS,
        kind=WriteKind.CREATE,
        record={"supplierName": "Before Any Pull Ltd", "status": "Active"},
        run_now=True,
    )
    assert op.status == "Success", op.error_message
    with services.sessions() as session:
        # Readable by id at once, but the data set is still not pulled (lists are 409).
        assert records.one_text(session, company.id, "suppliers", op.data["id"]) is not None
        assert records.dataset_count(session, connection_id, "suppliers") is None
    pull(services, company, DataType.SUPPLIERS)  # finds it there: no duplicate insert
    with services.sessions() as session:
        count = records.dataset_count(session, connection_id, "suppliers")
    assert count == len(books(str(connection_id)).records(DataType.SUPPLIERS)) + 1
