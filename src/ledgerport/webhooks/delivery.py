"""Sending webhooks: each due delivery is claimed, signed and POSTed, and the answer
decides what happens next.

- **Success** is a 2xx within the timeout (15 s, as Svix); anything else, a redirect
  included, is a failure.
- **Retries** follow Codat's schedule (``domain.webhooks.RETRY_SCHEDULE``: 5 s, 5 min,
  30 min, 2 h, 5 h, 10 h, 10 h, each jittered by up to 10%); after the eighth attempt
  fails the delivery is ``Failed``.
- **Order per company**: a consumer gets a company's events in the order they were
  recorded. A delivery waits while an earlier one of the same consumer and company is
  pending (a retry included); once that one is delivered or has failed for good, the
  next goes. Other companies' events are not held up.
- **A failing consumer is probed**: while every attempt to it fails, its oldest waiting
  delivery is tried once more whenever it has not been tried for ``PROBE_EVERY`` (5
  minutes). A probe that fails leaves that delivery's schedule as it was (it is logged,
  marked ``probe``); one that succeeds delivers it. Without probes, a company's later
  events would wait behind its first failed one until that one's next retry, hours
  away.
- **A consumer that answers again** (a probe or any delivery) has every delivery
  waiting for a retry made due at once, so a receiver back from an outage gets its
  backlog within ``PROBE_EVERY`` plus a minute, in order.
- **Automatic disabling** (Svix's rule): when every attempt to a consumer has failed for
  5 days, it is disabled and its waiting deliveries end ``Failed``; enable it again
  from the portal and replay what it missed.

Each attempt is claimed with a lease (so two workers never send the same delivery at
once, and one a dead worker held is sent again after the lease), sent with no database
transaction open (SQLite has one writer), and recorded in ``webhook_attempts``.
Delivery is at least once: a receiver dedupes on ``webhook-id`` (the event id).
"""

from __future__ import annotations

import ipaddress
import logging
import random
import socket
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.orm import Session

from ledgerport import __version__
from ledgerport.domain import webhooks as rules
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import events
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.tables import (
    EventRow,
    WebhookAttemptRow,
    WebhookConsumerRow,
    WebhookDeliveryRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.webhooks import consumers, payloads, signing

log = logging.getLogger("ledgerport.webhooks")

Clock = Callable[[], datetime]

TIMEOUT_SECONDS = 15.0  # Svix's: answer within 15 s
LEASE = timedelta(seconds=TIMEOUT_SECONDS * 4)
RESPONSE_EXCERPT = 1000  # characters of the receiver's answer kept per attempt
_READ_LIMIT = 4 * RESPONSE_EXCERPT  # bytes read at most from an answer
CLAIM_BATCH = 20
PROBE_EVERY = timedelta(minutes=5)
PROBE = "probe"


@dataclass(frozen=True)
class Outcome:
    """What one attempt found."""

    status_code: int | None
    response: str | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Claimed:
    seq: int
    delivery_id: uuid.UUID
    message_id: str
    url: str
    secret: str
    body: bytes
    trigger: str


class Dispatcher:
    """Sends due deliveries. One per process; safe to run in several at once."""

    def __init__(
        self,
        services: Services,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.services = services
        self.clock = clock
        self.rng = rng or random.Random()
        self._client = client

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=TIMEOUT_SECONDS,
                follow_redirects=False,
                headers={"User-Agent": f"ledgerport-webhooks/{__version__}"},
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def deliver_due(self, limit: int = 500) -> int:
        """Send what is due now (in order per consumer and company), up to ``limit``
        attempts, then probe failing consumers (and, if one answered, send what was
        waiting for it); returns how many attempts were made."""
        made = self._deliver(limit)
        probes, answered = self._probe()
        if answered:
            made += self._deliver(limit)
        return made + probes

    def _deliver(self, limit: int) -> int:
        made = 0
        while made < limit:
            now = self.clock()
            with transaction(self.services.sessions) as session:
                claimed = self._claim(session, now, min(CLAIM_BATCH, limit - made))
            if not claimed:
                break
            for item in claimed:
                self._send(item)
                made += 1
        return made

    def _probe(self) -> tuple[int, bool]:
        """Try each failing consumer that has been quiet for ``PROBE_EVERY`` once: how
        many were tried, and whether one answered."""
        now = self.clock()
        with transaction(self.services.sessions) as session:
            rows = repo.claim_probes(session, now - PROBE_EVERY, now, now + LEASE)
            probes = [self._claimed(session, row, PROBE) for row in rows]
        answered = [self._send(item) for item in probes]
        return len(probes), any(answered)

    def next_due(self) -> datetime | None:
        with self.services.sessions() as session:
            return repo.next_due(session)

    # -- one attempt ------------------------------------------------------------------------

    def _claim(self, session: Session, now: datetime, limit: int) -> list[_Claimed]:
        rows = repo.claim_due(session, now, now + LEASE, limit)
        return [
            self._claimed(
                session, row, "replay" if row.replay_of is not None and not row.attempts else ""
            )
            for row in rows
        ]

    def _claimed(self, session: Session, row: WebhookDeliveryRow, trigger: str) -> _Claimed:
        event = session.get(EventRow, row.event_id)
        consumer = session.get(WebhookConsumerRow, row.consumer_id)
        assert event is not None
        assert consumer is not None
        if event.envelope is None:  # rendered once: retries and replays send the same
            event.envelope = payloads.envelope(self.services, event)
        return _Claimed(
            seq=row.seq,
            delivery_id=row.id,
            message_id=str(event.id),
            url=consumer.url,
            secret=consumers.secret(self.services, consumer),
            body=event.envelope.encode(),
            trigger=trigger or "scheduled",
        )

    def _send(self, item: _Claimed) -> bool:
        """One attempt; whether the receiver took it."""
        if not self._still_wanted(item.seq):
            return False
        started = self.clock()
        outcome = self._post(item, started)
        with transaction(self.services.sessions) as session:
            self._settle(session, item, outcome, started)
        return outcome.ok

    def _still_wanted(self, seq: int) -> bool:
        """Claimed in a batch, it may have been ended since (an earlier delivery of the
        batch disabled the consumer) or its consumer deleted."""
        with self.services.sessions() as session:
            row = session.get(WebhookDeliveryRow, seq)
            if row is None or row.status != repo.PENDING:
                return False
            consumer = session.get(WebhookConsumerRow, row.consumer_id)
            return consumer is not None and not consumer.disabled

    def _post(self, item: _Claimed, now: datetime) -> Outcome:
        if not self.services.settings.webhook_allow_http_private:
            refused = internal_destination(item.url)
            if refused is not None:
                return Outcome(None, None, refused, 0)
        headers = signing.headers(item.secret, item.message_id, int(now.timestamp()), item.body)
        headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        status: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            with self.client.stream("POST", item.url, content=item.body, headers=headers) as answer:
                status = answer.status_code
                excerpt = _excerpt(answer)
            if not 200 <= status < 300:
                error = f"The receiver answered {status}" + (
                    " (a redirect: webhooks do not follow them)" if 300 <= status < 400 else ""
                )
        except httpx.TimeoutException:
            error = f"No answer within {TIMEOUT_SECONDS:g} seconds."
        except httpx.HTTPError as failed:
            error = f"{type(failed).__name__}: {str(failed)[:300]}"
        return Outcome(status, excerpt, error, int((time.perf_counter() - began) * 1000))

    def _settle(self, session: Session, item: _Claimed, outcome: Outcome, at: datetime) -> None:
        row = session.get(WebhookDeliveryRow, item.seq)
        if row is None:  # the consumer was deleted meanwhile
            return
        consumer = session.get(WebhookConsumerRow, row.consumer_id)
        assert consumer is not None
        now = self.clock()
        repo.add_attempt(
            session,
            WebhookAttemptRow(
                delivery_seq=row.seq,
                attempted=at,
                status_code=outcome.status_code,
                response=outcome.response,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
                trigger=item.trigger,
            ),
        )
        row.lease_until = None
        if item.trigger == PROBE and not outcome.ok:  # still down: its schedule stands
            consumer.last_failure = now
            self._disable_if_failing(session, consumer, now)
            return
        row.attempts += 1
        if row.status != repo.PENDING:  # ended while it was being sent (consumer disabled)
            return
        row.last_status_code = outcome.status_code
        row.last_error = outcome.error
        if outcome.ok:
            row.status, row.completed, row.next_attempt = repo.DELIVERED, now, None
            consumer.last_success, consumer.failing_since = now, None
            session.flush()
            repo.hurry(session, consumer.id, now)
            return
        consumer.last_failure = now
        consumer.failing_since = consumer.failing_since or at
        delay = rules.retry_delay(row.attempts, self.rng)
        if delay is None:
            row.status, row.completed, row.next_attempt = repo.FAILED, now, None
        else:
            row.next_attempt = at + delay
        self._disable_if_failing(session, consumer, now)

    def _disable_if_failing(
        self, session: Session, consumer: WebhookConsumerRow, now: datetime
    ) -> None:
        if not consumer.disabled and rules.should_disable(consumer.failing_since, now):
            log.warning(
                "webhook consumer %s disabled: every attempt failed for 5 days", consumer.id
            )
            session.flush()
            consumers.set_disabled(session, consumer, True, now, consumers.FAILING)


def internal_destination(url: str) -> str | None:
    """Why ``url`` may not be called (its host resolves to a loopback, private or other
    internal address), or None. Checked at each delivery, since a public name can be
    pointed at an internal address after the consumer was accepted. (A name that changes
    between this look-up and the connection is not caught.)"""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        found = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None  # the request itself fails, and says why
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if rules.is_internal_address(ip):
            return (
                f"Not sent: {host} resolves to an internal address ({ip}); set "
                "LEDGERPORT_WEBHOOK_ALLOW_HTTP_PRIVATE=true to deliver on your own network."
            )
    return None


def _excerpt(answer: httpx.Response) -> str:
    """The start of the receiver's answer, never more than a few KB read."""
    read = bytearray()
    for chunk in answer.iter_bytes():
        read += chunk
        if len(read) >= _READ_LIMIT:
            break
    return read.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT]


# -- replay -----------------------------------------------------------------------------------


class ReplayError(Exception):
    """The delivery cannot be replayed now (its consumer is disabled)."""


def replay(session: Session, row: WebhookDeliveryRow, now: datetime) -> WebhookDeliveryRow:
    """Send a delivery's event again: one still pending is made due now (an early
    retry); one delivered or failed gets a new delivery of the same event (same
    ``webhook-id``, same body), delivered in turn after what the company has pending."""
    consumer = session.get(WebhookConsumerRow, row.consumer_id)
    if consumer is None or consumer.disabled:
        raise ReplayError("The consumer is disabled: enable it before replaying.")
    if row.status == repo.PENDING:
        row.next_attempt = now
        session.flush()
        session.info[events.SESSION_FLAG] = True
        return row
    again = repo.new_delivery(
        row.consumer_id, row.event_id, row.company_id, row.event_type, now, replay_of=row.id
    )
    session.add(again)
    session.flush()
    session.info[events.SESSION_FLAG] = True  # send it once this commits
    return again
