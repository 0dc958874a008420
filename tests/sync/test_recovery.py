"""Pulls whose worker died are settled; lost jobs are sent again; a pull is claimed by
exactly one worker. Dead workers here are real processes that have exited; live ones
are real processes still running; on PostgreSQL the advisory lock is held by a real
second connection."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from ledgerport.config import Settings
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import pulls
from ledgerport.storage.tables import PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import recovery
from tests.factories import platform


@pytest.fixture
def connection(services: Services) -> Any:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    return company.connections[0]


def queued(services: Services, connection: Any, minutes_ago: int = 0) -> uuid.UUID:
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(
            session,
            connection.company_id,
            connection.id,
            DataType.INVOICES.value,
            utcnow() - timedelta(minutes=minutes_ago),
        )
        return row.id


def claimed_by(services: Services, pull_id: uuid.UUID, worker: dict[str, Any]) -> None:
    with transaction(services.sessions) as session:
        assert pulls.claim(session, pull_id, worker, utcnow() - timedelta(minutes=2))


def recover(services: Services, later: timedelta = timedelta(0)) -> recovery.RecoveryResult:
    with transaction(services.sessions) as session:
        return recovery.recover(session, utcnow() + later)


def status(services: Services, pull_id: uuid.UUID) -> PullOperationRow:
    with services.sessions() as session:
        row = session.get(PullOperationRow, pull_id)
        assert row is not None
        return row


@pytest.fixture
def live_process() -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield {
            **recovery.worker_identity(),
            "pid": proc.pid,
            "started": recovery._start_time(proc.pid),
        }
    finally:
        proc.kill()
        proc.wait()


def dead_worker() -> dict[str, Any]:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return {**recovery.worker_identity(), "pid": proc.pid, "started": "1"}


def test_only_one_worker_claims_a_pull(services: Services, connection: Any) -> None:
    pull_id = queued(services, connection)
    with transaction(services.sessions) as session:
        assert pulls.claim(session, pull_id, {"pid": 1}, utcnow())
    with transaction(services.sessions) as session:
        assert not pulls.claim(session, pull_id, {"pid": 2}, utcnow())
    assert status(services, pull_id).status == PullStatus.FETCHING


def test_a_pull_whose_worker_died_is_marked_failed(services: Services, connection: Any) -> None:
    pull_id = queued(services, connection)
    claimed_by(services, pull_id, dead_worker())
    result = recover(services)
    assert result.failed == [pull_id]
    row = status(services, pull_id)
    assert row.status == PullStatus.INTERNAL_ERROR
    assert "stopped before it finished" in (row.error_message or "")
    assert row.audit["recovered"] is True
    # ...and the data type can be refreshed again.
    assert queued(services, connection) != pull_id


def test_a_pull_whose_worker_lives_is_left_running(
    services: Services, connection: Any, live_process: dict[str, Any], backend: str
) -> None:
    pull_id = queued(services, connection)
    claimed_by(services, pull_id, live_process)
    if backend == "postgresql":
        # There, the transaction's advisory lock is what tells: the live worker holds it.
        with services.engine.connect() as holder:
            holder.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": recovery.advisory_key(pull_id)}
            )
            assert recover(services).failed == []
            holder.rollback()  # the worker's connection is gone: the lock with it
        assert recover(services).failed == [pull_id]
        return
    assert recover(services).failed == []
    assert status(services, pull_id).status == PullStatus.FETCHING


@pytest.fixture
def sqlite_services(tmp_path: Path) -> Iterator[Services]:
    """SQLite only: where the pid is what tells (PostgreSQL has the advisory lock)."""
    url = f"sqlite:///{tmp_path / 'pids.db'}"
    upgrade(url)
    built = Services.build(
        Settings(database_url=url, data_dir=tmp_path, secret_key=SecretStr("pids"))
    )
    yield built
    built.close()


def test_a_pid_reused_by_another_process_is_not_the_worker(
    sqlite_services: Services, live_process: dict[str, Any]
) -> None:
    services = sqlite_services
    connection = platform.company(
        services, connections=(("mqjo", ConnectionStatus.LINKED),)
    ).connections[0]
    pull_id = queued(services, connection)
    claimed_by(services, pull_id, {**live_process, "started": "0"})  # same pid, other start
    assert recover(services).failed == [pull_id]


def test_a_just_claimed_pull_is_given_time(services: Services, connection: Any) -> None:
    pull_id = queued(services, connection)
    with transaction(services.sessions) as session:
        assert pulls.claim(session, pull_id, dead_worker(), utcnow())
    assert recover(services).failed == []
    assert recover(services, later=timedelta(minutes=2)).failed == [pull_id]


def test_an_unverifiable_worker_is_given_up_after_hours(sqlite_services: Services) -> None:
    services = sqlite_services
    connection = platform.company(
        services, connections=(("mqjo", ConnectionStatus.LINKED),)
    ).connections[0]
    pull_id = queued(services, connection)
    claimed_by(services, pull_id, {"host": "elsewhere", "pid": 42})
    assert recover(services).failed == []
    assert recover(services, later=recovery.ABANDON_AFTER).failed == [pull_id]


def test_old_queued_pulls_are_sent_again(services: Services, connection: Any) -> None:
    fresh = queued(services, connection)
    assert recover(services).requeue == []
    assert recover(services, later=recovery.REQUEUE_AFTER).requeue == [fresh]
