"""The pull engine against a scripted in-memory platform: paging, incremental pulls,
retries, 429s, lost authorization, loops, delete detection, and atomicity."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ledgerport.config import Settings
from ledgerport.connectors.errors import (
    AuthorizationLostError,
    FatalError,
    RateLimitedError,
    TransientError,
)
from ledgerport.connectors.paging import CursorToken, PageNumber
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.spec import (
    Branding,
    Connector,
    FetchedPage,
    NoAuth,
    ReadStream,
)
from ledgerport.domain.enums import ConnectionStatus, DataType, SourceType
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.repositories import pulls, records
from ledgerport.storage.tables import PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine
from ledgerport.sync.ratelimit import CallBudget, Limit
from ledgerport.sync.retry import RetryPolicy
from tests.factories import platform


@dataclass
class FakePlatform:
    """A platform's invoices, paged 2 at a time, with failures to script."""

    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[dict[str, str]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    fail_on_page: dict[int, Exception] = field(default_factory=dict)
    repeat_forever: bool = False

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        self.calls.append(dict(params))
        if self.failures:
            raise self.failures.pop(0)
        page = int(params.get("page", "1"))
        if page in self.fail_on_page:
            raise self.fail_on_page[page]
        rows = [
            r
            for r in sorted(self.invoices.values(), key=lambda r: r["ID"])
            if since is None or r["Updated"] >= since
        ]
        chunk = rows[(page - 1) * 2 : page * 2]
        if self.repeat_forever:
            return FetchedPage(records=chunk, body={"next": "same"})
        return FetchedPage(records=chunk)


def to_standard(raw: Mapping[str, Any]) -> dict[str, Any]:
    if raw.get("Gone"):  # a deletion reported by id alone, as QuickBooks' CDC does
        return {
            "id": raw["ID"],
            "metadata": {"isDeleted": True},
            "sourceModifiedDate": raw["Updated"].isoformat(),
        }
    return {
        "id": raw["ID"],
        "invoiceNumber": raw["ID"].upper(),
        "customerRef": {"id": "c1", "companyName": raw["Customer"]},
        "issueDate": "2024-06-01T00:00:00",
        "currency": "GBP",
        "status": "Submitted",
        "totalAmount": raw["Total"],
        "amountDue": raw["Total"],
        "totalTaxAmount": 0,
        "sourceModifiedDate": raw["Updated"].isoformat(),
        "metadata": {"isDeleted": None},
    }


@pytest.fixture
def fake() -> FakePlatform:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    return FakePlatform(
        invoices={
            f"i{n}": {"ID": f"i{n}", "Customer": "Acme", "Total": 10 * n, "Updated": t0}
            for n in range(1, 6)
        }
    )


def _connector(fake: FakePlatform, paginator: Any = None, *, incremental: bool = True) -> Connector:
    return Connector(
        key="tstx",
        name="Test Platform",
        source_type=SourceType.ACCOUNTING,
        auth=NoAuth(),
        branding=Branding("#000", "T"),
        reads=(
            ReadStream(
                DataType.INVOICES,
                to_standard,
                paginator or PageNumber(size=2),
                incremental=incremental,
            ),
        ),
        reader=lambda ctx: Throttled(fake, ctx),
    )


@dataclass
class Throttled:
    """The fake's pages, each request inside the context's throttle (as a real reader's
    PlatformClient sends them)."""

    fake: FakePlatform
    context: Any

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        if self.context.throttle is None:
            return self.fake.fetch(stream, params, since)
        with self.context.throttle():
            return self.fake.fetch(stream, params, since)


@pytest.fixture
def world(database_url: str, tmp_path: Path, fake: FakePlatform) -> Iterator[dict[str, Any]]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("e"))
    engine = make_engine(database_url)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        connectors=ConnectorRegistry([_connector(fake)]),
        secret=b"e",
    )
    company = platform.company(services, connections=(("tstx", ConnectionStatus.LINKED),))
    slept: list[float] = []
    yield {
        "services": services,
        "company": company,
        "fake": fake,
        "slept": slept,
        "engine": Engine(
            services, sleep=slept.append, policy=RetryPolicy(max_attempts=4, max_elapsed=10_000)
        ),
    }
    engine.dispose()


def pull(world: dict[str, Any], data_type: DataType = DataType.INVOICES) -> PullOperationRow:
    services, company = world["services"], world["company"]
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(
            session, company.id, company.connections[0].id, data_type.value, utcnow()
        )
    world["engine"].run(row.id)
    with services.sessions() as session:
        result = session.get(PullOperationRow, row.id)
        assert result is not None
        return result


def stored(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    import orjson

    services, company = world["services"], world["company"]
    with services.sessions() as session:
        texts, _ = records.page_text(
            session, records.scope(company.id, "invoices"), offset=0, limit=1000
        )
    return {doc["id"]: doc for doc in map(orjson.loads, texts)}


def test_full_pull_pages_through_everything(world: dict[str, Any]) -> None:
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    assert sorted(stored(world)) == ["i1", "i2", "i3", "i4", "i5"]
    assert result.audit["pages"] == 3
    assert result.audit["calls"] == 3
    assert result.audit["created"] == 5
    assert result.audit["mode"] == "full"


def test_incremental_pull_fetches_only_what_changed(world: dict[str, Any]) -> None:
    fake = world["fake"]
    pull(world)
    fake.calls.clear()
    fake.invoices["i3"] = {**fake.invoices["i3"], "Total": 999, "Updated": utcnow()}
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    assert result.audit["mode"] == "incremental"
    assert len(fake.calls) == 1  # one page: only i3 changed since the last pull
    assert (result.audit["created"], result.audit["changed"]) == (0, 1)
    assert stored(world)["i3"]["totalAmount"] == 999


def test_a_failed_pull_leaves_the_last_good_data(world: dict[str, Any]) -> None:
    fake = world["fake"]
    pull(world)
    before = stored(world)
    for invoice in fake.invoices.values():  # everything changes at the source...
        invoice["Total"] = 1
        invoice["Updated"] = utcnow()
    fake.fail_on_page[2] = FatalError("the platform returned an unreadable page")
    result = pull(world)  # ...but the pull dies on page 2, after page 1 was written
    assert result.status == PullStatus.FETCH_ERROR
    assert "unreadable page" in (result.error_message or "")
    assert stored(world) == before
    assert result.completed is not None


def test_transient_errors_are_retried_with_backoff(world: dict[str, Any]) -> None:
    world["fake"].failures = [TransientError("502"), TransientError("timeout")]
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    assert result.audit["retries"] == 2
    assert len(world["slept"]) == 2


def test_retry_after_is_honoured_and_pauses_the_budget(world: dict[str, Any]) -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # time travel: sleeping moves the budget's clock
        slept.append(seconds)
        clock[0] += seconds

    budget = CallBudget([Limit(1000, 60)], clock=lambda: clock[0])
    connection_id = world["company"].connections[0].id
    world["engine"] = Engine(
        world["services"], sleep=sleep, clock=lambda: clock[0], budgets={connection_id: budget}
    )
    world["fake"].failures = [RateLimitedError("429", retry_after=7)]
    assert pull(world).status == PullStatus.COMPLETE
    assert slept == [7]
    assert clock[0] == 7


def test_retries_end_in_an_honest_error(world: dict[str, Any]) -> None:
    world["fake"].failures = [TransientError("500")] * 10
    result = pull(world)
    assert result.status == PullStatus.FETCH_ERROR
    assert result.error_message.startswith("Gave up after 4 attempts")
    assert result.audit["calls"] == 4
    world["fake"].failures = [RateLimitedError("429", retry_after=1)] * 10
    assert pull(world).status == PullStatus.RATE_LIMIT_ERROR


def test_lost_authorization_is_an_auth_error(world: dict[str, Any]) -> None:
    world["fake"].failures = [AuthorizationLostError("invalid_grant")]
    assert pull(world).status == PullStatus.AUTH_ERROR


def test_records_gone_from_the_source_are_flagged_deleted(world: dict[str, Any]) -> None:
    world["services"].connectors._by_key["tstx"] = _connector(world["fake"], incremental=False)
    pull(world)
    del world["fake"].invoices["i2"]
    result = pull(world)  # full pulls see the whole list, so they notice what is gone
    assert result.audit["deleted"] == 1
    assert stored(world)["i2"]["metadata"]["isDeleted"] is True
    assert stored(world)["i1"]["metadata"]["isDeleted"] is None


def test_a_platform_that_repeats_itself_is_stopped(
    world: dict[str, Any], fake: FakePlatform
) -> None:
    world["services"].connectors._by_key["tstx"] = _connector(
        fake, CursorToken(path=("next",), param="cursor")
    )
    fake.repeat_forever = True
    result = pull(world)
    assert result.status == PullStatus.FETCH_ERROR
    assert "Loop detected" in (result.error_message or "")
    assert len(fake.calls) == 2


def test_unsupported_data_types_are_not_supported(world: dict[str, Any]) -> None:
    result = pull(world, DataType.BILLS)
    assert result.status == PullStatus.NOT_SUPPORTED
    assert "does not support reading bills" in (result.error_message or "")


def test_a_pull_queued_twice_runs_once(world: dict[str, Any]) -> None:
    services, company = world["services"], world["company"]
    with transaction(services.sessions) as session:
        first, new_first = pulls.queue(
            session, company.id, company.connections[0].id, "invoices", utcnow()
        )
        second, new_second = pulls.queue(
            session, company.id, company.connections[0].id, "invoices", utcnow()
        )
    assert (new_first, new_second) == (True, False)
    assert first.id == second.id
    assert world["engine"].run(first.id) == PullStatus.COMPLETE
    assert world["engine"].run(first.id) == PullStatus.COMPLETE  # not run again
    assert len(world["fake"].calls) == 3


def test_incremental_streams_get_a_weekly_full_sweep(world: dict[str, Any]) -> None:
    from datetime import timedelta

    pull(world)  # first: full
    assert pull(world).audit["mode"] == "incremental"
    del world["fake"].invoices["i4"]
    with transaction(world["services"].sessions) as session:  # a week goes by
        for row in session.query(PullOperationRow):
            row.requested -= timedelta(days=8)
    swept = pull(world)
    assert swept.audit["mode"] == "full"
    assert swept.audit["deleted"] == 1
    assert stored(world)["i4"]["metadata"]["isDeleted"] is True
    assert pull(world).audit["mode"] == "incremental"


def test_progress_moves_during_a_long_pull(world: dict[str, Any], backend: str) -> None:
    services, source = world["services"], world["fake"]
    t0 = next(iter(source.invoices.values()))["Updated"]
    for n in range(6, 61):  # 60 invoices, 2 a page: 30 pages
        source.invoices[f"i{n}"] = {
            "ID": f"i{n:02d}",
            "Customer": "Acme",
            "Total": n,
            "Updated": t0,
        }
    seen: list[int] = []
    original = source.fetch

    def watching(
        stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        if params.get("page") == "25":  # after the progress report at page 20
            with services.sessions() as session:
                running = session.query(PullOperationRow).one()
                seen.append(running.progress)
                assert running.status == PullStatus.FETCHING
        return original(stream, params, since)

    source.fetch = watching  # type: ignore[method-assign]
    done = pull(world)
    assert done.status == PullStatus.COMPLETE
    assert done.progress == 100
    assert seen == ([50] if backend == "postgresql" else [0])  # no earlier pull to compare


def test_the_audit_chains_cursors_and_digests_what_was_read(world: dict[str, Any]) -> None:
    first = pull(world)
    assert first.audit["since"] is None
    assert first.audit["next_since"] is not None
    second = pull(world)  # incremental: starts where the first said the next would
    assert second.audit["mode"] == "incremental"
    assert second.audit["since"] == first.audit["next_since"]
    assert second.audit["fetched"] == 0
    assert second.audit["content_digest"] != first.audit["content_digest"]

    world["fake"].invoices["i2"]["Total"] = 12345
    with world["services"].sessions.begin() as session:  # time for a full sweep
        session.query(PullOperationRow).update({"audit": {"mode": "incremental"}})
    third = pull(world)
    assert third.audit["mode"] == "full"
    assert third.audit["changed"] == 1
    assert third.audit["content_digest"] != first.audit["content_digest"]
    world["fake"].invoices["i2"]["Total"] = 20
    with world["services"].sessions.begin() as session:
        session.query(PullOperationRow).update({"audit": {"mode": "incremental"}})
    assert pull(world).audit["content_digest"] == first.audit["content_digest"]


def test_a_first_pull_survives_a_record_repeated_across_pages(world: dict[str, Any]) -> None:
    """Pages can shift while a platform is paged: a record seen on page 1 comes again on
    page 2, changed. The first pull (which skips lookups) must keep the later version."""
    source = world["fake"]
    original = source.fetch

    def shifting(
        stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        page = original(stream, params, since)
        if params.get("page") == "2":
            repeated = {**source.invoices["i1"], "Total": 777}
            return FetchedPage(records=[*page.records, repeated, repeated])
        return page

    source.fetch = shifting  # type: ignore[method-assign]
    done = pull(world)
    assert done.status == PullStatus.COMPLETE
    assert done.audit["created"] == 5
    assert done.audit["changed"] == 1  # i1, seen again on page 2
    assert stored(world)["i1"]["totalAmount"] == 777


def test_a_connectors_declared_limits_pace_its_pulls(world: dict[str, Any]) -> None:
    """A connector that declares 2 calls a minute gets them, and no more, across pulls
    of the same connection: the engine builds the budget from the declaration."""
    from dataclasses import replace

    from ledgerport.connectors.spec import RateLimit

    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limited = replace(_connector(world["fake"]), rate_limits=(RateLimit(2, 60),))
    world["services"].connectors._by_key["tstx"] = limited
    world["engine"] = Engine(world["services"], sleep=sleep, clock=lambda: clock[0])
    first = pull(world)  # 3 pages: the third call waits for the minute to pass
    assert first.status == PullStatus.COMPLETE
    assert (first.audit["calls"], slept) == (3, [60.0])
    second = pull(world)  # incremental, one call: the window (60 s back) has room
    assert (second.audit["calls"], slept) == (1, [60.0])
    third = pull(world)  # same connection, same budget: two calls in this minute already
    assert third.status == PullStatus.COMPLETE
    assert slept == [60.0, 60.0]
    assert third.audit["waits_seconds"] == 60.0


def test_a_deletion_reported_by_id_flags_the_record_and_keeps_its_fields(
    world: dict[str, Any],
) -> None:
    """QuickBooks' CDC says only "this id was deleted": the record we hold keeps its
    fields and is flagged, and a record we never held is not invented."""
    fake = world["fake"]
    pull(world)
    now = utcnow()
    fake.invoices["i2"] = {"ID": "i2", "Gone": True, "Updated": now}
    fake.invoices["i9"] = {"ID": "i9", "Gone": True, "Updated": now}  # never held

    result = pull(world)

    assert result.status == PullStatus.COMPLETE, result.error
    assert result.audit["deleted"] == 1
    held = stored(world)
    assert held["i2"]["metadata"]["isDeleted"] is True
    assert held["i2"]["totalAmount"] == 20  # kept from the last full record
    assert "i9" not in held
    again = pull(world)  # the same marker within the look-back: nothing flagged twice
    assert again.audit["deleted"] == 0
