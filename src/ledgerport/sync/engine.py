"""The pull engine: one data type from one connection into the records store.

Everything a connector would otherwise repeat lives here: paging (with the loop guard),
retries with backoff, the call budget and 429 pauses, incremental ``since`` with a
look-back, delete detection on full pulls, and the audit. A pull writes in one
transaction, so a failure (or a killed worker) leaves the last good data untouched and
the pull is marked with what went wrong.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

from ledgerport.connectors.errors import (
    AuthorizationLostError,
    ConnectorError,
    RateLimitedError,
    TransientError,
)
from ledgerport.connectors.paging import Page
from ledgerport.connectors.spec import (
    AttachmentReader,
    Connector,
    FetchedPage,
    ReaderContext,
    ReadStream,
    SourceAttachment,
    SourceReader,
)
from ledgerport.domain.accounting.fields import datetime_to_json
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage import bulk
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import attachments, pulls, records
from ledgerport.storage.tables import CompanyRow, ConnectionRow, PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import recovery
from ledgerport.sync.paging import PageGuard, PagingLoopError
from ledgerport.sync.ratelimit import CallBudget
from ledgerport.sync.retry import RetryPolicy
from ledgerport.sync.validation import validate
from ledgerport.sync.writelog import StoredWriteLog

log = logging.getLogger("ledgerport.sync")

# Sources change records without always moving their modified dates exactly: each
# incremental pull reaches back this far before the last successful one.
LOOKBACK = timedelta(minutes=5)
# ...and at least this often a stream is read in full, to catch what increments missed.
FULL_SWEEP = timedelta(days=7)
# A long pull says how far it has got in the worker's log this often (in pages).
PROGRESS_EVERY = 20

_T = TypeVar("_T")


@dataclass
class Audit:
    mode: str = "full"
    # The cursor the pull started from (None: a full read), and the one the next
    # incremental pull will start from (this pull's start, less the look-back).
    since: str | None = None
    next_since: str | None = None
    calls: int = 0
    retries: int = 0
    pages: int = 0
    fetched: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    # Files on the records a pull created or changed: the calls listing them (also in
    # ``calls``), the files written (new or changed) and their bytes.
    attachment_calls: int = 0
    attachments_stored: int = 0
    attachment_bytes: int = 0
    waits_seconds: float = 0.0
    # Time spent waiting on the platform's answers (the rest of a pull is ours).
    source_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    # blake2b over every fetched record's content hash, in the order read: two pulls
    # that read the same content have the same digest.
    content_digest: str | None = None
    # Data-quality findings after a successful pull (sync/validation.py).
    validation: dict[str, Any] | None = None


class PullFailedError(Exception):
    def __init__(self, status: PullStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class Engine:
    def __init__(
        self,
        services: Services,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        budgets: dict[uuid.UUID, CallBudget] | None = None,
    ) -> None:
        self.services = services
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.budgets = budgets if budgets is not None else {}

    def run(self, pull_id: uuid.UUID) -> PullStatus:
        """Run a queued pull to its end and return the status it ended with."""
        with self.services.sessions() as session:
            pull = session.get(PullOperationRow, pull_id)
            if pull is None or pull.status != PullStatus.QUEUED.value:
                return PullStatus(pull.status) if pull else PullStatus.INTERNAL_ERROR
            connection = session.get(ConnectionRow, pull.connection_id)
        connector = self.services.connectors.get(connection.platform_key) if connection else None
        data_type = DataType(pull.data_type)
        stream = connector.stream(data_type) if connector else None
        if connection is None or connector is None or stream is None or connector.reader is None:
            name = connector.name if connector else "This platform"
            return self._end(
                pull_id,
                PullStatus.NOT_SUPPORTED,
                Audit(),
                f"{name} does not support reading {data_type.value}.",
            )
        with transaction(self.services.sessions) as session:
            claimed = pulls.claim(session, pull_id, recovery.worker_identity(), utcnow())
        if not claimed:  # another worker has it (a job delivered twice)
            with self.services.sessions() as session:
                current = session.get(PullOperationRow, pull_id)
                return PullStatus(current.status) if current else PullStatus.INTERNAL_ERROR
        audit = Audit()
        try:
            with transaction(self.services.sessions) as session:
                recovery.hold_advisory_lock(session, pull_id)
                self._pull(session, pull, connection, connector, stream, audit)
        except PullFailedError as failure:
            return self._end(pull_id, failure.status, audit, str(failure))
        except Exception as exc:  # the transaction rolled back: last good data intact
            log.exception("pull %s failed", pull_id)
            return self._end(
                pull_id,
                PullStatus.INTERNAL_ERROR,
                audit,
                f"Internal error ({type(exc).__name__}); nothing was changed.",
            )
        audit.validation = validate(
            self.services.sessions,
            company_id=connection.company_id,
            connection_id=connection.id,
            data_type=data_type.value,
            today=utcnow().date(),
        )
        return self._end(pull_id, PullStatus.COMPLETE, audit, None)

    def _end(
        self, pull_id: uuid.UUID, status: PullStatus, audit: Audit, error: str | None
    ) -> PullStatus:
        with transaction(self.services.sessions) as session:
            pulls.finish(session, pull_id, status, utcnow(), error=error, audit=asdict(audit))
        return status

    def _pull(
        self,
        session: Session,
        pull: PullOperationRow,
        connection: ConnectionRow,
        connector: Connector,
        stream: ReadStream,
        audit: Audit,
    ) -> None:
        assert connector.reader is not None
        reader = connector.reader(
            ReaderContext(
                company_id=str(connection.company_id),
                connection_id=str(connection.id),
                connection_info=connection.connection_info or {},
                log=StoredWriteLog(self.services.sessions, connection.id),
            )
        )
        if connector.rate_limits:  # one budget per connection, shared by its pulls
            self.budgets.setdefault(
                connection.id, CallBudget(connector.rate_limits, clock=self.clock)
            )
        now = utcnow()
        since = self._since(session, connection, stream, now)
        audit.mode, audit.since = ("incremental", to_codat(since)) if since else ("full", None)
        if stream.incremental:
            audit.next_since = to_codat(pull.requested - LOOKBACK)
        content = hashlib.blake2b(digest_size=16)
        seen: set[str] = set()
        # How many records the last pull left: the yardstick for this one's progress,
        # and none at all means a first pull (every record written is new).
        expected = records.dataset_count(session, connection.id, stream.data_type.value)
        # Nothing held: every record written is new (no lookups). Records a push stored
        # before the type was ever pulled make it an ordinary pull.
        first_pull = not expected and not records.holds_any(
            session, connection.id, stream.data_type.value
        )
        buffer = bulk.BufferedInserts(session.connection())
        guard = PageGuard()
        params: dict[str, str] | None = stream.paginator.first()
        while params is not None:
            try:
                guard.check(params)
            except PagingLoopError as loop:
                raise PullFailedError(PullStatus.FETCH_ERROR, str(loop)) from loop
            page = self._fetch(reader, stream, params, since, connection.id, audit)
            documents = [stream.to_standard(raw) for raw in page.records]
            audit.pages += 1
            audit.fetched += len(documents)
            if audit.pages % PROGRESS_EVERY == 0:
                log.info(
                    "pull %s (%s): %d pages, %d records so far",
                    pull.id,
                    stream.data_type.value,
                    audit.pages,
                    audit.fetched,
                )
                self._report_progress(pull.id, audit.fetched, expected)
            page_ids = {str(doc["id"]) for doc in documents}
            # On a first pull nothing is stored yet: no lookups, unless the platform
            # repeats a record from an earlier page.
            known_new = first_pull and seen.isdisjoint(page_ids)
            seen.update(page_ids)
            saved = records.save_batch(
                session,
                company_id=connection.company_id,
                connection_id=connection.id,
                data_type=stream.data_type.value,
                documents=documents,
                now=now,
                known_new=known_new,
                buffer=buffer,
            )
            audit.created += saved.created
            audit.changed += saved.changed
            audit.unchanged += saved.unchanged
            for digest in saved.hashes:
                content.update(bytes.fromhex(digest))
            if stream.attachments and isinstance(reader, AttachmentReader):
                self._store_attachments(
                    session,
                    reader,
                    stream,
                    connection,
                    saved,
                    {str(doc["id"]) for doc in documents if records.is_deleted(doc)},
                    now,
                    audit,
                    buffer,
                )
            params = stream.paginator.next(
                params, Page(body=page.body, headers=page.headers, record_count=len(page.records))
            )
        buffer.flush()
        audit.content_digest = content.hexdigest()
        if since is None:
            audit.deleted = records.mark_missing_deleted(
                session,
                connection_id=connection.id,
                data_type=stream.data_type.value,
                seen=seen,
                now=now,
            )
        records.mark_dataset(
            session,
            company_id=connection.company_id,
            connection_id=connection.id,
            data_type=stream.data_type.value,
            now=now,
        )
        # lastSync on the connection and its company: what the portal shows, and what
        # the scheduler measures a platform's authorization lifetime from.
        session.execute(
            update(ConnectionRow).where(ConnectionRow.id == connection.id).values(last_sync=now)
        )
        session.execute(
            update(CompanyRow).where(CompanyRow.id == connection.company_id).values(last_sync=now)
        )

    def _report_progress(self, pull_id: uuid.UUID, fetched: int, expected: int | None) -> None:
        """Move the pull's ``progress`` while it runs, so history shows it advancing.

        Written on a second connection, outside the pull's transaction. PostgreSQL takes
        that at once; SQLite has one writer and the pull is it, so there the progress
        jumps from 0 to 100 at the end. Without a previous pull to compare with, or past
        its size, the estimate holds below 100 until the pull has really finished."""
        if self.services.engine.dialect.name != "postgresql":
            return
        estimate = 50 if not expected else min(95, fetched * 100 // expected)
        try:
            with self.services.engine.begin() as connection:
                connection.execute(
                    update(PullOperationRow)
                    .where(
                        PullOperationRow.id == pull_id,
                        PullOperationRow.status == PullStatus.FETCHING.value,
                    )
                    .values(progress=estimate)
                )
        except Exception:  # progress is a courtesy: never fail a pull over it
            log.warning("could not record progress of pull %s", pull_id, exc_info=True)

    def _since(
        self, session: Session, connection: ConnectionRow, stream: ReadStream, now: datetime
    ) -> datetime | None:
        """Where an incremental pull starts, or None for a full pull: the first pull, and
        a periodic full sweep, because not every source moves modified dates reliably
        and only a full pull can see deletions."""
        if not stream.incremental:
            return None
        data_type = stream.data_type.value
        previous = pulls.last_successful(session, connection.id, data_type)
        last_full = pulls.last_successful(session, connection.id, data_type, mode="full")
        if previous is None or last_full is None or now - last_full.requested >= FULL_SWEEP:
            return None
        return previous.requested - LOOKBACK

    def _store_attachments(
        self,
        session: Session,
        reader: AttachmentReader,
        stream: ReadStream,
        connection: ConnectionRow,
        saved: records.BatchResult,
        deleted: set[str],
        now: datetime,
        audit: Audit,
        buffer: bulk.BufferedInserts,
    ) -> None:
        """Replace the files of the records this page wrote with what the platform lists
        now. Unchanged records are not asked about (their files are assumed unchanged
        too), nor records the platform says are deleted (their last files are kept, as
        the records are). Written in the pull's transaction: a failed pull keeps the old
        files along with the old records."""
        found: dict[str, list[attachments.NewFile]] = {}
        for record_id in [*saved.created_ids, *saved.changed_ids]:
            if record_id in deleted:
                continue
            before = audit.calls
            try:
                listed = self._call(
                    functools.partial(reader.attachments, stream, record_id), connection.id, audit
                )
            finally:
                audit.attachment_calls += audit.calls - before
            found[record_id] = [stored_file(source) for source in listed]
        result = attachments.replace_many(
            session,
            company_id=connection.company_id,
            connection_id=connection.id,
            data_type=stream.data_type.value,
            files=found,
            now=now,
            new_records=saved.created_ids,  # just created: no files stored yet
            buffer=buffer,
        )
        audit.attachments_stored += result.stored
        audit.attachment_bytes += result.bytes_stored

    def _fetch(
        self,
        reader: SourceReader,
        stream: ReadStream,
        params: dict[str, str],
        since: datetime | None,
        connection_id: uuid.UUID,
        audit: Audit,
    ) -> FetchedPage:
        return self._call(
            functools.partial(reader.fetch, stream, params, since), connection_id, audit
        )

    def _call(self, call: Callable[[], _T], connection_id: uuid.UUID, audit: Audit) -> _T:
        """One call to the platform, whatever it asks for (a page, a record's files): the
        connection's call budget first, transient errors retried with backoff or the
        platform's Retry-After, and every way of failing turned into the pull's status."""
        budget = self.budgets.get(connection_id)
        started, attempt = self.clock(), 1
        while True:
            if budget is not None:
                wait = budget.reserve()
                while wait > 0:
                    audit.waits_seconds += wait
                    self.sleep(wait)
                    wait = budget.reserve()
            audit.calls += 1
            try:
                return _timed(call, audit)
            except AuthorizationLostError as lost:
                raise PullFailedError(PullStatus.AUTH_ERROR, str(lost)) from lost
            except TransientError as error:
                delay = self.policy.delay(attempt + 1)
                if isinstance(error, RateLimitedError) and error.retry_after is not None:
                    delay = error.retry_after
                    if budget is not None:
                        budget.pause(delay)
                audit.errors.append(f"{type(error).__name__}: {error}")
                if not self.policy.should_retry(attempt, self.clock() - started, delay):
                    status = (
                        PullStatus.RATE_LIMIT_ERROR
                        if isinstance(error, RateLimitedError)
                        else PullStatus.FETCH_ERROR
                    )
                    raise PullFailedError(
                        status, f"Gave up after {attempt} attempts: {error}"
                    ) from error
                audit.retries += 1
                audit.waits_seconds += delay
                self.sleep(delay)
                attempt += 1
            except ConnectorError as fatal:
                raise PullFailedError(PullStatus.FETCH_ERROR, str(fatal)) from fatal


def _timed(call: Callable[[], _T], audit: Audit) -> _T:
    """The call, its time (answer or error) counted as time spent on the platform."""
    started = time.perf_counter()
    try:
        return call()
    finally:
        audit.source_seconds += time.perf_counter() - started


def stored_file(source: SourceAttachment) -> attachments.NewFile:
    """A platform's file as Codat's ``Attachment``: ``fileSize`` is what we were given,
    not what the platform claims, so it always matches the download. Built as the
    ``Attachment`` model dumps it (a test holds the two equal), without validating a
    model per file: a pull of 100,000 invoices stores 100,000 of them."""
    document: dict[str, Any] = {
        "id": source.id,
        "name": source.name,
        "contentType": source.content_type,
        "fileSize": len(source.content),
        "includeWhenSent": source.include_when_sent,
    }
    # Omittable in Codat's schema: absent rather than null.
    if source.date_created is not None:
        document["dateCreated"] = datetime_to_json(source.date_created)
    if source.source_modified_date is not None:
        document["sourceModifiedDate"] = datetime_to_json(source.source_modified_date)
    return attachments.NewFile(document=document, content=source.content)
