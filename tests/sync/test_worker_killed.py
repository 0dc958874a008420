"""A real ``ledgerport worker`` process, killed with SIGKILL in the middle of a pull:
the last good data is untouched, and the recovery pass marks the pull failed so the
data type can be refreshed again; and in the middle of a push: it is written once.

The worker runs over Redis against the test's database (SQLite or PostgreSQL), pulling
a sandbox company grown to 40,000 invoices after a first, small, successful pull; it
is killed once its log shows pages written inside the pull's open transaction.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from pydantic import SecretStr
from sqlalchemy import select as sql_select
from sqlalchemy import update

from ledgerport.config import Settings
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pulls, records
from ledgerport.storage.tables import (
    ConnectionRow,
    DatasetRow,
    PullOperationRow,
    PushOperationRow,
    WriteLogRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.sync import push, recovery
from ledgerport.sync.engine import Engine
from ledgerport.sync.jobs import make_queue, register_tasks
from ledgerport.sync.push import PushRunner
from tests import servers
from tests.factories import platform

SMALL = {"sandbox": {"invoices": 300, "customers": 20, "bills": 50, "suppliers": 10}}
LARGE = {"sandbox": {"invoices": 40_000, "customers": 400, "bills": 50, "suppliers": 10}}


def snapshot(services: Services, company_id: uuid.UUID) -> dict[str, Any]:
    with services.sessions() as session:
        texts, total = records.page_text(
            session, records.scope(company_id, "invoices"), offset=0, limit=100_000
        )
        counts = {row.connection_id: row.record_count for row in session.query(DatasetRow).all()}
    documents = {doc["id"]: doc for doc in map(orjson.loads, texts)}
    return {"total": total, "documents": documents, "counts": counts}


def test_a_worker_killed_mid_pull_leaves_the_last_good_data(
    database_url: str, tmp_path: Path
) -> None:
    if not servers.redis_available():
        servers.skip_unreachable(servers.REDIS_NAME)
    services = Services.build(
        Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("kill"))
    )
    try:
        company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
        connection_id = company.connections[0].id
        with transaction(services.sessions) as session:
            session.execute(
                update(ConnectionRow)
                .where(ConnectionRow.id == connection_id)
                .values(connection_info=SMALL)
            )
            first, _ = pulls.queue(
                session, company.id, connection_id, DataType.INVOICES.value, utcnow()
            )
        assert Engine(services).run(first.id) == PullStatus.COMPLETE
        before = snapshot(services, company.id)
        assert before["total"] > 0

        # The business grows, and the next pull is a full one (last full sweep long ago).
        with transaction(services.sessions) as session:
            session.execute(
                update(ConnectionRow)
                .where(ConnectionRow.id == connection_id)
                .values(connection_info=LARGE)
            )
            session.execute(
                update(PullOperationRow)
                .where(PullOperationRow.id == first.id)
                .values(requested=utcnow() - timedelta(days=8))
            )
            doomed, _ = pulls.queue(
                session, company.id, connection_id, DataType.INVOICES.value, utcnow()
            )

        name = f"ledgerport-test-{uuid.uuid4().hex[:8]}"
        queue = make_queue(servers.REDIS_URL, tmp_path, name=name)
        tasks = register_tasks(queue, services)
        env = {
            **os.environ,
            "LEDGERPORT_QUEUE_URL": servers.REDIS_URL,
            "LEDGERPORT_QUEUE_NAME": name,
            "LEDGERPORT_DATABASE_URL": database_url,
            "LEDGERPORT_DATA_DIR": str(tmp_path),
            "LEDGERPORT_SECRET_KEY": "kill",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "ledgerport.cli", "worker", "--workers", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        log: list[str] = []
        try:
            tasks.run_pull(str(doomed.id))
            assert worker.stdout is not None
            deadline = time.monotonic() + 120
            marker = f"pull {doomed.id} (invoices): 40 pages"
            while not any(marker in line for line in log):
                assert time.monotonic() < deadline, "".join(log)
                assert worker.poll() is None, "".join(log)
                ready, _, _ = select.select([worker.stdout], [], [], 1)
                if ready:
                    log.append(worker.stdout.readline().decode())
            # 4,000 invoices written inside the pull's still-open transaction: kill it.
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(30)
            if worker.stdout is not None:
                worker.stdout.close()
            queue.storage.flush_all()
        assert worker.returncode == -signal.SIGKILL

        with services.sessions() as session:
            stuck = session.get(PullOperationRow, doomed.id)
            assert stuck is not None
            assert stuck.status == PullStatus.FETCHING  # nobody will finish it...
        assert snapshot(services, company.id) == before  # ...and nothing of it was kept

        with transaction(services.sessions) as session:
            result = recovery.recover(session, utcnow() + recovery.GRACE)
        assert result.failed == [doomed.id]
        with services.sessions() as session:
            failed = session.get(PullOperationRow, doomed.id)
            assert failed is not None
            assert failed.status == PullStatus.INTERNAL_ERROR
            assert failed.completed is not None
        with transaction(services.sessions) as session:
            _, created = pulls.queue(
                session, company.id, connection_id, DataType.INVOICES.value, utcnow()
            )
        assert created  # the data type can be refreshed again
        assert snapshot(services, company.id) == before
    finally:
        services.close()


def test_a_worker_killed_mid_push_never_writes_twice(database_url: str, tmp_path: Path) -> None:
    """SIGKILL a real worker while it is writing a supplier to a big sandbox company (the
    write is marked in doubt, the platform is still deciding it): once the lease runs
    out, the sweep sends the push again, the next attempt looks the write up before
    anything else, and the supplier exists exactly once."""
    if not servers.redis_available():
        servers.skip_unreachable(servers.REDIS_NAME)
    services = Services.build(
        Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("kill"))
    )
    try:
        company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
        connection_id = company.connections[0].id
        with transaction(services.sessions) as session:
            session.execute(
                update(ConnectionRow)
                .where(ConnectionRow.id == connection_id)
                .values(connection_info=LARGE)  # seconds to rebuild: time to kill
            )
        op = push.submit(
            services,
            None,
            company_id=company.id,
            connection_id=connection_id,
            data_type=DataType.SUPPLIERS,
            kind=WriteKind.CREATE,
            record={"supplierName": "Killed Mid-Write Ltd", "status": "Active"},
        )
        assert op.status == "Pending"

        name = f"ledgerport-test-{uuid.uuid4().hex[:8]}"
        queue = make_queue(servers.REDIS_URL, tmp_path, name=name)
        tasks = register_tasks(queue, services)
        worker = subprocess.Popen(
            [sys.executable, "-m", "ledgerport.cli", "worker", "--workers", "1"],
            env={
                **os.environ,
                "LEDGERPORT_QUEUE_URL": servers.REDIS_URL,
                "LEDGERPORT_QUEUE_NAME": name,
                "LEDGERPORT_DATABASE_URL": database_url,
                "LEDGERPORT_DATA_DIR": str(tmp_path),
                "LEDGERPORT_SECRET_KEY": "kill",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            tasks.run_push(str(op.id))
            deadline = time.monotonic() + 120
            while True:  # claimed and in doubt: the worker is inside the write
                assert time.monotonic() < deadline, "the worker never took the push"
                assert worker.poll() is None
                with services.sessions() as session:
                    row = session.get(PushOperationRow, op.id)
                    assert row is not None
                    if row.in_doubt:
                        break
                time.sleep(0.05)
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(30)
            queue.storage.flush_all()
        assert worker.returncode == -signal.SIGKILL

        later = utcnow() + push.LEASE + timedelta(minutes=1)
        runner = PushRunner(services, clock=lambda: later)
        with services.sessions() as session:
            stuck = session.get(PushOperationRow, op.id)
            assert stuck is not None
            assert (stuck.status, stuck.in_doubt, stuck.attempts) == ("Pending", True, 1)
        assert runner.sweep(utcnow()) == []  # the dead worker's lease still holds it
        assert runner.sweep(later) == [op.id]  # the lease ran out: send it again
        assert runner.run(op.id).status.value == "Success"
        with services.sessions() as session:
            done = session.get(PushOperationRow, op.id)
            assert done is not None
            attempt = done.audit["attempts"][-1]
            assert attempt["lookedUp"] is True  # looked up before writing again
            logged = session.scalars(
                sql_select(WriteLogRow).where(WriteLogRow.connection_id == connection_id)
            ).all()
        assert [row.key for row in logged] == [str(op.id)]  # written exactly once
    finally:
        services.close()
