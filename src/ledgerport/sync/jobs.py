"""Background jobs on huey.

Why huey: it is maintained, small and pure Python, and it is the one mainstream queue
with a SQLite backend, so the embedded default (`make run`) needs no extra service and
queued jobs survive a restart in ``data/queue.db``; the same tasks run unchanged over
Redis with separate ``ledgerport worker`` processes when ``LEDGERPORT_QUEUE_URL`` is a
``redis://`` URL. (dramatiq and procrastinate each need a server; RQ needs Redis.)

Tasks close over the running ``Services``, so they are registered per queue instance by
:func:`register_tasks` rather than by module-level decorators bound to a global.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer

from ledgerport.errors import LedgerportError
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import idempotency
from ledgerport.storage.types import utcnow
from ledgerport.sync import recovery, reports, scheduler
from ledgerport.sync.engine import Engine
from ledgerport.sync.push import PushRunner


class QueueConfigurationError(LedgerportError):
    """``LEDGERPORT_QUEUE_URL`` names a queue we cannot use."""


def make_queue(queue_url: str | None, data_dir: Path, name: str = "ledgerport") -> Huey:
    """The queue the settings ask for: SQLite in the data directory by default."""
    if not queue_url:
        data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(data_dir / "queue.db"), utc=True)
    if queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=queue_url, utc=True)
    raise QueueConfigurationError(
        f"LEDGERPORT_QUEUE_URL must be a redis:// URL (or unset for the embedded SQLite "
        f"queue); got {queue_url.split(':', 1)[0]}://..."
    )


@dataclass(frozen=True)
class Tasks:
    """The registered tasks; calling one (``tasks.run_pull(str(pull_id))``) enqueues it."""

    purge_idempotency_keys: TaskWrapper
    run_pull: TaskWrapper
    run_push: TaskWrapper
    run_report: TaskWrapper


def register_tasks(huey: Huey, services: Services) -> Tasks:
    ttl = timedelta(minutes=services.settings.idempotency_ttl_minutes)

    def purge_idempotency_keys() -> int:
        """Forget Idempotency-Key responses older than the replay window."""
        with transaction(services.sessions) as session:
            return idempotency.purge_expired(session, utcnow() - ttl)

    purge = huey.task(name="purge_idempotency_keys")(purge_idempotency_keys)
    huey.periodic_task(crontab(minute="*/15"), name="purge_idempotency_keys_periodic")(
        purge_idempotency_keys
    )
    # One engine per process, so call budgets are shared by every pull it runs.
    engine = Engine(services)

    def run_pull(pull_id: str) -> str:
        """Run one queued pull operation to its end."""
        return engine.run(uuid.UUID(pull_id)).value

    pull_task = huey.task(name="run_pull")(run_pull)
    pusher = PushRunner(
        services, queue_pull=lambda pull_id: pull_task(pull_id), throttle=engine.throttle_for
    )

    def run_push(push_id: str) -> str:
        """One attempt at a push operation; schedules the next one when the platform
        could not be reached."""
        outcome = pusher.run(uuid.UUID(push_id))
        if outcome.retry_in is not None:
            push_task.schedule((push_id,), delay=outcome.retry_in)
        return outcome.status.value

    push_task = huey.task(name="run_push")(run_push)

    @huey.periodic_task(crontab(minute="*"), name="run_schedule")  # type: ignore[untyped-decorator]
    def run_schedule() -> int:
        """Every minute: settle pulls whose worker died, send lost jobs again, queue
        due pulls, deauthorize stale connections, time out or resend pushes."""
        with transaction(services.sessions) as session:
            recovered = recovery.recover(session, utcnow())
        with transaction(services.sessions) as session:
            result = scheduler.run(session, services, utcnow())
        for pull_id in [*recovered.requeue, *result.queued]:
            pull_task(str(pull_id))
        for push_id in pusher.sweep():  # time out, or send again, unsettled pushes
            push_task(str(push_id))
        return len(result.queued)

    def run_report(report_id: str) -> str:
        """Generate one requested report (spend analysis) and store it."""
        return reports.run(services, uuid.UUID(report_id))

    report_task = huey.task(name="run_report")(run_report)

    return Tasks(
        purge_idempotency_keys=purge,
        run_pull=pull_task,
        run_push=push_task,
        run_report=report_task,
    )


class InProcessConsumer(Consumer):  # type: ignore[misc]
    """A consumer running inside the API server's process, on threads.

    The server owns the process's signals (uvicorn's graceful shutdown), so unlike the
    standalone consumer this one installs no signal handlers; the app's lifespan stops it.
    """

    def _set_signal_handlers(self) -> None:
        return None


def start_in_process(huey: Huey, workers: int = 2, *, periodic: bool = True) -> InProcessConsumer:
    consumer = InProcessConsumer(
        huey,
        workers=workers,
        worker_type="thread",
        periodic=periodic,
        max_delay=2.0,
        shutdown_timeout=10,
    )
    consumer.start()
    return consumer


def run_worker(huey: Huey, workers: int) -> Any:
    """Run a standalone consumer until SIGINT/SIGTERM (``ledgerport worker``)."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    return consumer.run()
