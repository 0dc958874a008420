"""Background jobs: in-process on the embedded SQLite queue (surviving a restart), and
in a separate `ledgerport worker` process over Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from ledgerport.config import Settings
from ledgerport.services import Services
from ledgerport.storage.tables import IdempotencyRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.jobs import make_queue, register_tasks, start_in_process
from tests import servers


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Iterator[Services]:
    built = Services.build(
        Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("jobs"))
    )
    yield built
    built.close()


def _stale_and_fresh_keys(services: Services) -> None:
    with services.sessions() as session, session.begin():
        for key, age in (("stale", timedelta(hours=3)), ("fresh", timedelta(minutes=1))):
            session.add(
                IdempotencyRow(
                    principal="p",
                    key=key,
                    method="POST",
                    path="/x",
                    request_hash="h",
                    created=utcnow() - age,
                )
            )


def _keys(services: Services) -> list[str]:
    with services.sessions() as session:
        return list(session.scalars(select(IdempotencyRow.key).order_by(IdempotencyRow.key)))


def test_in_process_worker_runs_a_job(services: Services, tmp_path: Path) -> None:
    _stale_and_fresh_keys(services)
    queue = make_queue(None, tmp_path)
    tasks = register_tasks(queue, services)
    # No periodic tasks: the 15-minute purge, due at :00/:15/:30/:45, would empty the
    # table first and this call would find nothing (a flake at those minutes).
    consumer = start_in_process(queue, workers=1, periodic=False)
    try:
        assert tasks.purge_idempotency_keys().get(blocking=True, timeout=20) == 1
    finally:
        consumer.stop(graceful=True)
    assert _keys(services) == ["fresh"]


def test_queued_jobs_survive_a_restart(services: Services, tmp_path: Path) -> None:
    _stale_and_fresh_keys(services)
    before = make_queue(None, tmp_path)
    result = register_tasks(before, services).purge_idempotency_keys()  # nobody running it
    assert before.pending_count() == 1
    before.storage.close()

    after = make_queue(None, tmp_path)  # "restarted" server, same data directory
    register_tasks(after, services)
    consumer = start_in_process(after, workers=1, periodic=False)  # (see above)
    try:
        assert after.result(result.id, blocking=True, timeout=20) == 1
    finally:
        consumer.stop(graceful=True)
    assert _keys(services) == ["fresh"]


def test_separate_worker_process_over_redis(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    if not servers.redis_available():
        servers.skip_unreachable(servers.REDIS_NAME)
    name = f"ledgerport-test-{uuid.uuid4().hex[:8]}"
    queue = make_queue(servers.REDIS_URL, tmp_path, name=name)
    tasks = register_tasks(queue, services)
    _stale_and_fresh_keys(services)
    env = {
        **os.environ,
        "LEDGERPORT_QUEUE_URL": servers.REDIS_URL,
        "LEDGERPORT_QUEUE_NAME": name,
        "LEDGERPORT_DATABASE_URL": database_url,
        "LEDGERPORT_DATA_DIR": str(tmp_path),
        "LEDGERPORT_SECRET_KEY": "jobs",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "ledgerport.cli", "worker", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert tasks.purge_idempotency_keys().get(blocking=True, timeout=30) == 1
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
        queue.storage.flush_all()
    assert worker.returncode == 0, output.decode()
    assert _keys(services) == ["fresh"]
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRow)) == 1
