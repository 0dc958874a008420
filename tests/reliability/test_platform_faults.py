"""A platform on a bad day, over real HTTP: the Xero simulator answers 500s, 429s with
``Retry-After``, hangs past the client's timeout, cuts bodies short and serves a page
twice (``simulators/xero/faults.py``), and a real pull of its invoices must retry within
bounds, end in bounded time, record an honest status and keep the last good data; a
real push of a supplier must be made once, wait as told, or time out at its deadline.

Each test counts the requests the simulator received and times the pull with the
engine's real clock and sleep (only the backoff is shortened: ``POLICY``). The same
behaviour against a scripted in-memory platform is in ``tests/sync/test_engine.py``
(retries, Retry-After and the call budget, giving up, a repeated cursor), the
paginators' loop guard in ``tests/connectors/test_paging.py``, and every push outcome
with a scripted writer in ``tests/sync/test_push.py``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from ledgerport.config import Settings
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.domain.push import PushStatus
from ledgerport.simulators.xero.faults import Fault
from ledgerport.storage.tables import PullOperationRow, PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import push
from ledgerport.sync.engine import Engine
from ledgerport.sync.push import PushRunner
from ledgerport.sync.retry import RetryPolicy
from tests.reliability.xero_world import XeroWorld, xero_world

# Four attempts a call, backoff capped at 0.2 s: at most 0.6 s of waiting per call.
POLICY = RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.2, max_elapsed=30)
PAGES = 4  # the company's 354 sales invoices, 100 a page
INVOICES = "/Invoices"

# The platform's behaviour is what is tested: the database behind the engine is SQLite,
# but for the repeated page, whose harm (records flagged deleted) is in the write path.
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
BOTH = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def world(settings: Settings) -> Iterator[XeroWorld]:
    with xero_world(settings) as built:
        yield built


def engine(world: XeroWorld) -> Engine:
    return Engine(world.services, policy=POLICY)


def timed_pull(world: XeroWorld) -> tuple[float, PullOperationRow]:
    started = time.monotonic()
    done = world.pull(engine(world))
    return time.monotonic() - started, done


@SQLITE
def test_the_company_pulls_cleanly_without_faults(world: XeroWorld) -> None:
    """The yardstick for the others: four pages, one call each, every invoice."""
    done = world.pull(engine(world))
    assert done.status == PullStatus.COMPLETE, done.error_message
    assert (done.audit["pages"], done.audit["retries"]) == (PAGES, 0)
    assert world.calls(INVOICES) == PAGES
    assert len(world.stored()) > 200


@SQLITE
def test_500s_are_retried_and_the_pull_completes(world: XeroWorld) -> None:
    world.sim.faults.add(Fault(INVOICES, "error", count=2, skip=1))  # page 2, twice
    done = world.pull(engine(world))
    assert done.status == PullStatus.COMPLETE, done.error_message
    assert done.audit["retries"] == 2
    assert world.calls(INVOICES) == PAGES + 2
    assert any("Xero failed (500)" in e for e in done.audit["errors"])
    assert world.sim.faults.injected == {"error GET /Invoices": 2}


@SQLITE
def test_a_platform_that_keeps_failing_ends_in_an_honest_error(world: XeroWorld) -> None:
    world.pull(engine(world))
    before, calls = world.stored(), world.calls(INVOICES)
    world.sim.faults.add(Fault(INVOICES, "error", status=503, count=1_000))
    seconds, done = timed_pull(world)
    assert done.status == PullStatus.FETCH_ERROR
    assert (done.error_message or "").startswith("Gave up after 4 attempts: Xero failed (503)")
    assert world.calls(INVOICES) == calls + 4
    assert seconds < 5
    assert done.completed is not None
    assert world.stored() == before  # the last good data, untouched


@SQLITE
def test_429_waits_retry_after_then_completes(world: XeroWorld) -> None:
    world.sim.faults.add(Fault(INVOICES, "429", seconds=1))
    seconds, done = timed_pull(world)
    assert done.status == PullStatus.COMPLETE, done.error_message
    assert done.audit["retries"] == 1
    assert done.audit["waits_seconds"] >= 1.0
    assert 1.0 <= seconds < 5
    assert world.calls(INVOICES) == PAGES + 1


@SQLITE
def test_a_retry_after_beyond_the_budget_gives_up_at_once(world: XeroWorld) -> None:
    """Retry-After: 3600 does not put a worker to sleep for an hour: the wait does not
    fit in the call's time budget, so the pull ends now, as rate limited."""
    world.sim.faults.add(Fault(INVOICES, "429", seconds=3600, count=10))
    seconds, done = timed_pull(world)
    assert done.status == PullStatus.RATE_LIMIT_ERROR
    assert "Gave up after 1 attempts" in (done.error_message or "")
    assert "rate limiting" in (done.error_message or "")
    assert world.calls(INVOICES) == 1
    assert seconds < 5


@SQLITE
def test_truncated_json_is_retried_and_then_given_up(world: XeroWorld) -> None:
    world.sim.faults.add(Fault(INVOICES, "truncate", count=2))
    done = world.pull(engine(world))
    assert done.status == PullStatus.COMPLETE, done.error_message
    assert done.audit["retries"] == 2
    assert any("something other than JSON" in e for e in done.audit["errors"])

    world.sim.faults.add(Fault(INVOICES, "truncate", count=1_000))
    seconds, failed = timed_pull(world)
    assert failed.status == PullStatus.FETCH_ERROR
    assert failed.error_message == (
        "Gave up after 4 attempts: Xero answered GET /Invoices with something other than JSON."
    )
    assert seconds < 5


@SQLITE
def test_a_hung_page_times_out_and_is_asked_again(settings: Settings) -> None:
    # 1.5 s: ample for a page of this company even on a loaded machine, so the only
    # timeout is the hang's.
    with xero_world(settings, client_timeout=1.5) as world:
        world.sim.faults.add(Fault(INVOICES, "hang", seconds=30, skip=1))  # page 2, once
        seconds, done = timed_pull(world)
        assert done.status == PullStatus.COMPLETE, done.error_message
        assert done.audit["retries"] == 1, done.audit["errors"]
        assert any("did not answer: ReadTimeout" in e for e in done.audit["errors"])
        assert world.calls(INVOICES) == PAGES + 1
        assert 1.5 <= seconds < 10  # not the 30 s the answer was held


@SQLITE
def test_a_platform_that_never_answers_is_given_up_in_bounded_time(settings: Settings) -> None:
    with xero_world(settings, client_timeout=0.5) as world:
        world.sim.faults.add(Fault(INVOICES, "hang", seconds=30, count=1_000))
        seconds, failed = timed_pull(world)
        assert failed.status == PullStatus.FETCH_ERROR
        assert failed.error_message == (
            "Gave up after 4 attempts: Xero did not answer: ReadTimeout"
        )
        assert world.calls(INVOICES) == 4
        # Four timeouts of 0.5 s and at most 0.6 s of backoff, not four 30 s waits.
        assert 2.0 <= seconds < 8


@BOTH
def test_a_page_served_twice_fails_the_pull_instead_of_losing_records(
    world: XeroWorld,
) -> None:
    """Page 2 answered with page 1's body: reading on would skip page 2's invoices (and,
    on a full pull, flag them deleted). The pull fails honestly, keeps the last good
    data, and the next pull reads everything."""
    first = world.pull(engine(world))
    before = world.stored()
    assert len(before) > 200
    world.due_full_sweep()
    world.sim.faults.add(Fault(INVOICES, "repeat", skip=1))  # the second request
    calls = world.calls(INVOICES)
    failed = world.pull(engine(world))
    assert failed.audit["mode"] == "full"
    assert failed.status == PullStatus.FETCH_ERROR, failed.audit
    assert "same records as the previous page" in (failed.error_message or "")
    assert world.calls(INVOICES) == calls + 2  # no retry: it stopped at the repeat
    assert world.stored() == before  # nothing flagged deleted, nothing lost

    again = world.pull(engine(world))
    assert (again.status, again.audit["mode"]) == (PullStatus.COMPLETE, "full")
    assert again.audit["pages"] == first.audit["pages"] == PAGES
    assert world.stored() == before


@SQLITE
def test_a_platform_that_ignores_the_page_number_is_stopped(world: XeroWorld) -> None:
    """Every page answered with the first one (as a platform, or proxy, that drops the
    query string would): not 100,000 pages until the cap, but a failure at page 2."""
    world.sim.faults.add(Fault(INVOICES, "repeat", count=1_000))
    seconds, done = timed_pull(world)
    assert done.status == PullStatus.FETCH_ERROR
    assert "Loop detected" in (done.error_message or "")
    assert world.calls(INVOICES) == 2
    assert seconds < 5


# -- writes -------------------------------------------------------------------------

SUPPLIER = "Flaky Platform Supplies Ltd"


def submit_supplier(world: XeroWorld) -> uuid.UUID:
    op = push.submit(
        world.services,
        None,
        company_id=world.company.id,
        connection_id=world.connection_id,
        data_type=DataType.SUPPLIERS,
        kind=WriteKind.CREATE,
        record={"supplierName": SUPPLIER, "status": "Active"},
        timeout_minutes=5,
        sync_on_complete=False,
    )
    assert op.status == "Pending"
    op_id: uuid.UUID = op.id
    return op_id


def writes_of_supplier(world: XeroWorld) -> int:
    """Writes of the supplier the simulator applied (its contacts are customers)."""
    return sum(
        SUPPLIER in (w.entry["record"].get(k) for k in ("supplierName", "customerName"))
        for w in world.sim.log.entries()
    )


def attempts(world: XeroWorld, op_id: uuid.UUID) -> list[dict[str, object]]:
    with world.services.sessions() as session:
        row = session.get(PushOperationRow, op_id)
        assert row is not None
        found: list[dict[str, object]] = row.audit["attempts"]
        return found


@SQLITE
def test_a_write_whose_answer_never_comes_is_looked_up_and_made_once(
    settings: Settings,
) -> None:
    """The supplier is written at Xero, the answer held past the client's timeout: the
    same request with the same Idempotency-Key gets Xero's first answer back."""
    with xero_world(settings, client_timeout=0.5) as world:
        world.sim.faults.add(Fault("/Contacts", "hang", seconds=10, method="PUT"))
        op_id = submit_supplier(world)
        outcome = PushRunner(world.services).run(op_id)
        assert outcome.status == PushStatus.SUCCESS
        assert world.calls("/Contacts", "PUT") == 2
        assert writes_of_supplier(world) == 1
        (attempt,) = attempts(world, op_id)
        assert "ReadTimeout" in str(attempt["outcomeUnknown"])
        assert attempt["lookedUp"] is True


@SQLITE
def test_a_write_answered_500_is_looked_up_then_made_once(world: XeroWorld) -> None:
    world.sim.faults.add(Fault("/Contacts", "error", method="PUT"))
    op_id = submit_supplier(world)
    assert PushRunner(world.services).run(op_id).status == PushStatus.SUCCESS
    assert world.calls("/Contacts", "PUT") == 2
    assert writes_of_supplier(world) == 1


@SQLITE
def test_a_write_refused_with_429_waits_as_long_as_xero_asks(world: XeroWorld) -> None:
    world.sim.faults.add(Fault("/Contacts", "429", seconds=40, method="PUT"))
    op_id = submit_supplier(world)
    outcome = PushRunner(world.services).run(op_id)
    assert (outcome.status, outcome.retry_in) == (PushStatus.PENDING, 40)
    assert writes_of_supplier(world) == 0
    with world.services.sessions() as session:
        row = session.get(PushOperationRow, op_id)
        assert row is not None
        assert "rate limiting" in (row.error_message or "")


@SQLITE
def test_a_platform_that_never_takes_the_write_times_it_out(world: XeroWorld) -> None:
    """500 on every write: tried again on the backoff schedule (time travels to each
    next attempt) until the operation's 5 minutes are up, then TimedOut, with the
    last problem; a bounded number of requests, and nothing written."""
    world.sim.faults.add(Fault("/Contacts", "error", method="PUT", count=1_000))
    op_id = submit_supplier(world)
    now = [utcnow()]
    runner = PushRunner(world.services, clock=lambda: now[0])
    outcomes = [runner.run(op_id)]
    while outcomes[-1].status == PushStatus.PENDING:
        assert len(outcomes) < 20, "the write is never given up"
        assert outcomes[-1].retry_in is not None
        now[0] += timedelta(seconds=outcomes[-1].retry_in)
        outcomes.append(runner.run(op_id))
    assert outcomes[-1].status == PushStatus.TIMED_OUT
    assert 3 <= len(outcomes) <= 8  # 5 min of backoff (5, 15, 30, 60, 120 s, jittered)
    assert world.calls("/Contacts", "PUT") == len(outcomes) + 1  # the first also looked
    assert writes_of_supplier(world) == 0
    with world.services.sessions() as session:
        row = session.get(PushOperationRow, op_id)
        assert row is not None
        assert row.status_code == 504
        assert "last problem: Xero failed (500)" in (row.error_message or "")
