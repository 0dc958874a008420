"""Webhook delivery on the job queue (huey), registered next to the sync jobs by
whatever builds the queue (``app.py``, ``cli.py``): sync cannot import webhooks.

- ``deliver_webhooks`` sends what is due. It is queued when a transaction that
  recorded deliveries commits (a session listener), runs every minute anyway (so
  nothing waits on a lost job or a restart), and queues itself again for the next
  retry due within the minute (Codat's first retry is after 5 s).
- ``purge_webhook_log`` forgets finished deliveries after ``LOG_RETENTION``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from huey import crontab
from huey.api import Huey, TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import events
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.types import utcnow
from ledgerport.webhooks.delivery import Dispatcher

log = logging.getLogger("ledgerport.webhooks")

LOG_RETENTION = timedelta(days=30)
_SOON = timedelta(seconds=60)
_DEBOUNCE_SECONDS = 0.2  # commits closer together than this share one queued run


@dataclass(frozen=True)
class WebhookTasks:
    deliver: TaskWrapper
    purge: TaskWrapper
    kick: Any  # () -> None: queue a delivery run (debounced)


def register(huey: Huey, services: Services) -> WebhookTasks:
    dispatcher = Dispatcher(services)
    last_kick = [0.0]

    def deliver_webhooks() -> int:
        """Send the webhooks that are due; queue the next run for a retry due soon."""
        sent = dispatcher.deliver_due()
        upcoming = dispatcher.next_due()
        if upcoming is not None:
            wait = (upcoming - utcnow()).total_seconds()
            if wait < _SOON.total_seconds():
                deliver.schedule(delay=max(wait, 0.5))
        return sent

    deliver = huey.task(name="deliver_webhooks")(deliver_webhooks)
    huey.periodic_task(crontab(minute="*"), name="deliver_webhooks_periodic")(deliver_webhooks)

    def purge_webhook_log() -> int:
        """Forget deliveries finished more than 30 days ago."""
        with transaction(services.sessions) as session:
            return repo.purge(session, utcnow() - LOG_RETENTION)

    purge = huey.task(name="purge_webhook_log")(purge_webhook_log)
    huey.periodic_task(crontab(minute="17", hour="3"), name="purge_webhook_log_periodic")(
        purge_webhook_log
    )

    def kick() -> None:
        now = time.monotonic()
        if now - last_kick[0] >= _DEBOUNCE_SECONDS:
            last_kick[0] = now
            deliver()

    _listen(services, kick)
    return WebhookTasks(deliver=deliver, purge=purge, kick=kick)


def _listen(services: Services, kick: Any) -> None:
    """Queue a delivery run after each commit that recorded deliveries (see
    ``events.SESSION_FLAG``), once per sessionmaker."""
    sessions = services.sessions
    if getattr(sessions, "_ledgerport_webhooks", False):
        return

    def after_commit(session: Session) -> None:
        if session.info.pop(events.SESSION_FLAG, False):
            try:
                kick()
            except Exception:  # the queue is unreachable: the minute's run delivers
                log.warning("could not queue webhook delivery", exc_info=True)

    event.listen(sessions, "after_commit", after_commit)
    sessions._ledgerport_webhooks = True  # type: ignore[attr-defined]
