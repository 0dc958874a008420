"""A real ``ledgerport worker`` killed with SIGKILL in the middle of a pull and of a
push, then a new worker started: the pull is marked failed (and the next refresh
completes), the data synced before is intact, and the write happened exactly once.

Everything is real but the clock: the API (in this process, its queue on Redis), two
worker processes one after the other, a fresh PostgreSQL database, and the Xero
simulator on a port, which holds the answer to the pull's second page and to the
supplier write (``hang``, ``simulators/xero/faults.py``) so the kill lands inside both,
deterministically. The recovery pass waits out a minute's grace for a just-claimed pull
and a two-minute lease on a push; instead of sleeping through them the test moves the
claim and the lease back, then asks the new worker for the scheduler's tick at once.

``tests/sync/test_worker_killed.py`` kills a worker in the same two places on both
databases with the sandbox platform and runs the recovery steps in the test process;
this one lets a restarted worker do them, against a platform over HTTP.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.domain.dates import to_codat
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.simulators.xero import create_app as create_xero
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ledgerport.simulators.xero.faults import Fault
from ledgerport.storage.db import transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import settings as sync_settings
from ledgerport.storage.tables import PullOperationRow, PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import push, recovery
from ledgerport.sync.engine import Engine
from tests import servers
from tests.factories import oauth, platform
from tests.reliability.processes import Worker, wait_for
from tests.reliability.xero_world import SIZE, XeroWorld, link, xero_settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SUPPLIER = "Killed Mid-Write Ltd"
HELD = 120.0  # seconds the simulator holds an answer: far longer than the test


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test alone."""
    if not servers.postgres_available():
        servers.skip_unreachable(servers.PG_NAME)
    if not servers.redis_available():
        servers.skip_unreachable(servers.REDIS_NAME)
    name, url = servers.create_pg_database()
    try:
        upgrade(url)
        yield url
    finally:
        servers.drop_pg_database(name)


def _only_invoices(services: Services, company_id: uuid.UUID) -> None:
    """The company syncs invoices alone (daily): the scheduler's tick queues no first
    pulls of the other 20 data types behind the ones under test."""
    setting = {
        "dataType": "invoices",
        "fetchOnFirstLink": False,
        "syncSchedule": 24,
        "syncOrder": 0,
        "syncFromUtc": None,
        "syncFromWindow": None,
        "monthsToSync": None,
        "isLocked": False,
    }
    with transaction(services.sessions) as session:
        sync_settings.save_sync_settings(session, company_id, [setting], True)


def _change_invoices(world: XeroWorld, count: int) -> set[str]:
    """Edit ``count`` sales invoices at Xero (their Reference, which moves their
    ``UpdatedDateUTC``): what a complete pull would bring. Their ids."""
    changed: set[str] = set()
    with world.client() as xero:
        found = xero.get("/Invoices", params={"where": 'Type=="ACCREC"&&Status=="AUTHORISED"'})
        for n, invoice in enumerate(found.json()["Invoices"][:count]):
            answer = xero.post(
                f"/Invoices/{invoice['InvoiceID']}",
                json={"Invoices": [{"InvoiceID": invoice["InvoiceID"], "Reference": f"R{n}"}]},
            )
            assert answer.status_code == 200, answer.text
            changed.add(invoice["InvoiceID"])
    return changed


def _move_back(services: Services, pull_id: uuid.UUID, push_id: uuid.UUID) -> None:
    """Time travel: the pull was claimed, and the push's lease taken, minutes ago."""
    long_ago: datetime = utcnow() - push.LEASE - timedelta(minutes=1)
    with transaction(services.sessions) as session:
        pull = session.get(PullOperationRow, pull_id)
        assert pull is not None
        assert pull.audit is not None
        pull.audit = {**pull.audit, "claimed": to_codat(long_ago)}
        pushed = session.get(PushOperationRow, push_id)
        assert pushed is not None
        pushed.next_attempt = long_ago


def _tick(queue: Any) -> None:
    """Enqueue the scheduler's minute tick now, as the consumer's scheduler does at
    the top of each minute (huey's ``read_periodic`` + ``enqueue``)."""
    ticks = [t for t in queue.read_periodic(datetime.now()) if t.name == "run_schedule"]
    assert len(ticks) == 1
    queue.enqueue(ticks[0])


def test_a_worker_killed_mid_pull_and_mid_push_loses_nothing_and_writes_once(
    pg_database: str, tmp_path: Path
) -> None:
    xero = create_xero("reliability", size=SIZE, files_share=0)
    queue_name = f"ledgerport-reliability-{uuid.uuid4().hex[:8]}"
    with oauth.running(xero) as (url, counted):
        settings = xero_settings(
            Settings(
                database_url=pg_database,
                data_dir=tmp_path / "data",
                secret_key=SecretStr("reliability-crash"),
                base_url="http://testserver",
                queue_url=servers.REDIS_URL,
                queue_name=queue_name,
                jobs_in_process=False,
            ),
            url,
        )
        services = Services.build(settings)
        app = create_app(services=services)  # its queue on Redis; no workers of its own
        env = {
            "LEDGERPORT_DATABASE_URL": pg_database,
            "LEDGERPORT_DATA_DIR": str(tmp_path / "data"),
            "LEDGERPORT_SECRET_KEY": "reliability-crash",
            "LEDGERPORT_QUEUE_URL": servers.REDIS_URL,
            "LEDGERPORT_QUEUE_NAME": queue_name,
            "LEDGERPORT_INTEGRATIONS": json.dumps(
                {
                    "gbol": {
                        "client_id": DEFAULT_CLIENT_ID,
                        "client_secret": DEFAULT_CLIENT_SECRET,
                        "base_url": url,
                    }
                }
            ),
        }
        workers: list[Worker] = []
        try:
            world = XeroWorld(url, counted, services, link(services, counted.state.xero))
            _only_invoices(services, world.company.id)
            first = world.pull(Engine(services))
            assert first.status == PullStatus.COMPLETE, first.error_message
            before = world.stored()
            assert len(before) > 300
            changed = _change_invoices(world, 5)
            world.due_full_sweep()  # the next pull reads every page, as the weekly sweep
            world.sim.faults.add(
                Fault("/Invoices", "hang", seconds=HELD, skip=1),  # page 2
                Fault("/Contacts", "hang", seconds=HELD, method="PUT"),  # the write
            )

            with TestClient(app) as api:
                api.headers.update(platform.basic(platform.api_key(services)))
                workers.append(Worker(env, tmp_path / "worker-1.log"))
                company, connection = world.company.id, world.connection_id
                refresh = api.post(f"/companies/{company}/data/queue/invoices")
                assert refresh.status_code == 200, refresh.text
                pull_id = uuid.UUID(refresh.json()["id"])
                pushed = api.post(
                    f"/companies/{company}/connections/{connection}/push/suppliers",
                    params={"allowSyncOnPushComplete": "false"},
                    json={"supplierName": SUPPLIER, "status": "Active"},
                )
                assert pushed.status_code == 200, pushed.text
                push_id = uuid.UUID(pushed.json()["pushOperationKey"])

                # The worker is inside both: page 1 written in the pull's open
                # transaction, page 2 asked for; the supplier written at Xero, no answer.
                wait_for(
                    lambda: len(world.sim.faults.injected) == 2 or not workers[0].alive(),
                    "the worker to reach page 2 and the write",
                )
                assert workers[0].alive(), workers[0].output()
                assert workers[0].kill() == -9
                world.sim.faults.release()

                with services.sessions() as session:
                    pull = session.get(PullOperationRow, pull_id)
                    write = session.get(PushOperationRow, push_id)
                    assert pull is not None
                    assert write is not None
                    assert pull.status == PullStatus.FETCHING  # nobody will finish it
                    assert (write.status, write.in_doubt) == ("Pending", True)
                assert world.stored() == before  # nothing of the killed pull was kept

                _move_back(services, pull_id, push_id)
                workers.append(Worker(env, tmp_path / "worker-2.log"))
                _tick(app.state.queue)

                def settled() -> dict[str, Any] | None:
                    got = api.get(f"/companies/{company}/data/history/{pull_id}").json()
                    done = api.get(f"/companies/{company}/push/{push_id}").json()
                    if got["status"] == "Fetching" or done["status"] == "Pending":
                        return None
                    return {"pull": got, "push": done}

                found = wait_for(settled, "the new worker's recovery pass")
                assert found["pull"]["status"] == PullStatus.INTERNAL_ERROR.value
                assert found["pull"]["errorMessage"] == recovery.DEAD_WORKER
                assert found["push"]["status"] == "Success", found["push"]
                assert found["push"]["data"]["supplierName"] == SUPPLIER
                assert world.stored() == before  # still the last good data

                # The data type can be refreshed again, and this time the pull completes.
                again = api.post(f"/companies/{company}/data/queue/invoices").json()
                assert again["id"] != str(pull_id)
                done = _finished_pull(api, company, again["id"])
                assert done["status"] == PullStatus.COMPLETE.value, done

            after = world.stored()
            assert after.keys() == before.keys()
            assert all(
                after[i]["sourceModifiedDate"] > before[i]["sourceModifiedDate"] for i in changed
            )
            assert {i: after[i] for i in before if i not in changed} == {
                i: doc for i, doc in before.items() if i not in changed
            }

            # Written exactly once: one write at Xero, one supplier of that name.
            writes = [
                w
                for w in world.sim.log.entries()
                if SUPPLIER in (w.entry["record"].get(k) for k in ("supplierName", "customerName"))
            ]
            assert len(writes) == 1
            assert len(_contacts_named(world, SUPPLIER)) == 1
            with services.sessions() as session:
                final = session.get(PushOperationRow, push_id)
                assert final is not None
                assert final.audit is not None
                assert final.attempts == 2  # the killed worker's, whose record died with it
                attempt = final.audit["attempts"][-1]
                assert attempt["lookedUp"] is True  # asked before writing again
                assert attempt["worker"]["pid"] == workers[1].pid
                marked = session.scalars(
                    select(PullOperationRow).where(PullOperationRow.id == pull_id)
                ).one()
                assert marked.audit["recovered"] is True
        finally:
            for worker in workers:
                worker.stop()
            counted.state.xero.faults.clear()  # let held answers go before the server stops
            app.state.queue.storage.flush_all()
            services.close()


def _contacts_named(world: XeroWorld, name: str) -> list[dict[str, Any]]:
    with world.client() as xero:
        answer = xero.get("/Contacts", params={"where": f'Name=="{name}"'})
    assert answer.status_code == 200, answer.text
    return [c for c in answer.json()["Contacts"] if c["Name"] == name]


def _finished_pull(api: TestClient, company_id: uuid.UUID, pull_id: str) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        got: dict[str, Any] = api.get(f"/companies/{company_id}/data/history/{pull_id}").json()
        return None if got["status"] in ("Initial", "Queued", "Fetching") else got

    return wait_for(finished, f"pull {pull_id} to finish")
