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
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any, TypeVar

import orjson
from sqlalchemy import update
from sqlalchemy.orm import Session

from ledgerport.connectors.errors import (
    AccessTokenRejectedError,
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
    NoAuth,
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
from ledgerport.storage.repositories import attachments, connections, pulls, records
from ledgerport.storage.tables import CompanyRow, ConnectionRow, PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import recovery, uploads
from ledgerport.sync.grants import GrantKeeper
from ledgerport.sync.paging import PageGuard, PagingLoopError
from ledgerport.sync.ratelimit import Call, CallBudget
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
# A pull starts with a token good for at least this long, so most pulls never refresh
# mid-way (Xero's tokens last 30 minutes, QuickBooks' an hour).
PULL_TOKEN_MARGIN = timedelta(minutes=10)

_T = TypeVar("_T")


@dataclass
class Audit:
    mode: str = "full"
    # The cursor the pull started from (None: a full read), and the one the next
    # incremental pull will start from (this pull's start, less the look-back).
    since: str | None = None
    next_since: str | None = None
    calls: int = 0
    # Requests the platform received (a reader may make several for one call: a page
    # and a lookup, a file's listing and its download); what its limits count.
    requests: int = 0
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
    def __init__(self, status: PullStatus, message: str, *, deauthorize: bool = False) -> None:
        super().__init__(message)
        self.status = status
        # The platform refused the grant itself: the connection becomes Deauthorized.
        self.deauthorize = deauthorize


class _RefreshBetweenTransactions(Exception):
    """The token must be refreshed while the pull's transaction holds SQLite's only
    write lock: the transaction unwinds, the grant is refreshed and committed, and the
    write phase runs again from the pages already fetched."""

    def __init__(self, stale: str) -> None:
        super().__init__("the access token needs refreshing")
        self.stale = stale


@dataclass
class _Auth:
    """A pull's grant: its keeper, and whether a refresh can be committed right now."""

    keeper: GrantKeeper
    # True while the pull's write transaction holds SQLite's write lock.
    locked: bool = False
    refreshes: int = 0


class _Spool:
    """Pages fetched before the write transaction starts, kept in a temporary file.

    On SQLite a write transaction excludes every other writer in every process, so a
    pull from a rate-limited platform (minutes at 60 calls a minute) must not hold it
    while it waits on the network: pages are fetched first, with tokens refreshed and
    committed as needed, and then written in one short transaction."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.pages = 0
        # The files of the records the write will create or change, fetched beforehand
        # too (by record id): asking for them mid-transaction would hold the lock while
        # the budget makes us wait.
        self.files: dict[str, Sequence[SourceAttachment]] = {}

    def add(self, params: dict[str, str], page: FetchedPage) -> None:
        line = orjson.dumps(
            {
                "params": params,
                "records": list(page.records),
                "body": page.body,
                "headers": dict(page.headers),
            },
            default=str,
        )
        self._file.write(len(line).to_bytes(8, "big") + line)
        self.pages += 1

    def __iter__(self) -> Iterator[tuple[dict[str, str], FetchedPage]]:
        self._file.seek(0)
        for _ in range(self.pages):
            size = int.from_bytes(self._file.read(8), "big")
            item = orjson.loads(self._file.read(size))
            yield (
                item["params"],
                FetchedPage(records=item["records"], body=item["body"], headers=item["headers"]),
            )

    def close(self) -> None:
        self._file.close()


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
        self._slots: dict[uuid.UUID, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()

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
        spool: _Spool | None = None
        try:
            auth = self._auth(connector, connection)
            reader = connector.reader(self._context(connector, connection, auth, audit))
            try:
                now = utcnow()
                with self.services.sessions() as session:
                    since = self._since(session, connection, stream, now)
                audit.mode, audit.since = (
                    ("incremental", to_codat(since)) if since else ("full", None)
                )
                if stream.incremental:
                    audit.next_since = to_codat(pull.requested - LOOKBACK)
                if self._fetch_first(connector):
                    spool = self._prefetch(reader, stream, since, connection, audit, auth)
                for _ in range(3):  # a refresh needed mid-write: at most twice again
                    try:
                        with transaction(self.services.sessions) as session:
                            recovery.hold_advisory_lock(session, pull_id)
                            if auth is not None:
                                auth.locked = spool is not None
                            self._pull(
                                session,
                                pull,
                                connection,
                                stream,
                                audit,
                                reader,
                                since,
                                now,
                                spool,
                                auth,
                            )
                        break
                    except _RefreshBetweenTransactions as needed:
                        assert auth is not None
                        auth.locked = False
                        self._refresh(auth, needed.stale)
                        audit.created = audit.changed = audit.unchanged = 0
                        audit.pages = audit.fetched = 0
                        audit.attachments_stored = audit.attachment_bytes = 0
                else:
                    raise PullFailedError(
                        PullStatus.AUTH_ERROR, "The access token kept being refused."
                    )
            finally:
                close = getattr(reader, "close", None)
                if callable(close):
                    close()
        except PullFailedError as failure:
            if failure.deauthorize:
                self._deauthorize(connection.id, connector.name, str(failure))
            return self._end(pull_id, failure.status, audit, str(failure))
        except Exception as exc:  # the transaction rolled back: last good data intact
            log.exception("pull %s failed", pull_id)
            return self._end(
                pull_id,
                PullStatus.INTERNAL_ERROR,
                audit,
                f"Internal error ({type(exc).__name__}); nothing was changed.",
            )
        finally:
            if spool is not None:
                spool.close()
        audit.validation = validate(
            self.services.sessions,
            company_id=connection.company_id,
            connection_id=connection.id,
            data_type=data_type.value,
            today=utcnow().date(),
        )
        return self._end(pull_id, PullStatus.COMPLETE, audit, None)

    def _fetch_first(self, connector: Connector) -> bool:
        """Whether pages are fetched before the write transaction (see ``_Spool``): on
        SQLite, for platforms across the network. The sandbox answers in microseconds
        and is read while writing."""
        return self.services.engine.dialect.name == "sqlite" and not isinstance(
            connector.auth, NoAuth
        )

    def _auth(self, connector: Connector, connection: ConnectionRow) -> _Auth | None:
        try:
            keeper = GrantKeeper.for_connection(self.services, connector, connection.id)
            if keeper is None:
                return None
            auth = _Auth(keeper)
            if keeper.expiring(PULL_TOKEN_MARGIN):  # refresh now rather than mid-pull
                self._refresh(auth, None)
            return auth
        except AuthorizationLostError as lost:
            raise PullFailedError(PullStatus.AUTH_ERROR, str(lost)) from lost

    @contextmanager
    def _throttled(self, connection_id: uuid.UUID, audit: Audit) -> Iterator[None]:
        """One request to the platform: the connection's budget first (waiting as long
        as it says), a concurrency slot, and the request counted until it ends."""
        budget = self.budgets.get(connection_id)
        counted: Call | None = None
        if budget is not None:
            wait, counted = budget.reserve_call()
            while wait > 0:
                audit.waits_seconds += wait
                self.sleep(wait)
                wait, counted = budget.reserve_call()
        audit.requests += 1
        with self._slot(connection_id), _finished(budget, counted):
            yield

    def throttle_for(
        self, connector: Connector, connection_id: uuid.UUID, audit: Audit | None = None
    ) -> Callable[[], AbstractContextManager[None]]:
        """The connection's throttle (see ``ReaderContext.throttle``): one budget and
        one set of concurrency slots per connection, shared by every pull and push this
        process makes to it."""
        if connector.rate_limits:
            with self._slots_lock:
                self.budgets.setdefault(
                    connection_id, CallBudget(connector.rate_limits, clock=self.clock)
                )
        if connector.max_concurrent:
            with self._slots_lock:
                self._slots.setdefault(
                    connection_id, threading.BoundedSemaphore(connector.max_concurrent)
                )
        return functools.partial(self._throttled, connection_id, audit or Audit())

    def _context(
        self,
        connector: Connector,
        connection: ConnectionRow,
        auth: _Auth | None,
        audit: Audit,
    ) -> ReaderContext:
        throttle = self.throttle_for(connector, connection.id, audit)
        return ReaderContext(
            company_id=str(connection.company_id),
            connection_id=str(connection.id),
            connection_info=connection.connection_info or {},
            log=StoredWriteLog(self.services.sessions, connection.id),
            base_url=auth.keeper.api_base_url if auth else "",
            access_token=auth.keeper.access_token if auth else None,
            throttle=throttle,
            files=functools.partial(uploads.ready_files, self.services, connection.id),
        )

    def _refresh(self, auth: _Auth, stale: str | None) -> None:
        """Refresh the grant now, or (inside SQLite's write lock) between transactions."""
        current = stale if stale is not None else auth.keeper.access_token()
        if auth.locked:
            raise _RefreshBetweenTransactions(current)
        try:
            auth.keeper.refresh(current)
        except AuthorizationLostError as lost:  # the keeper deauthorized the connection
            raise PullFailedError(PullStatus.AUTH_ERROR, str(lost)) from lost
        except TransientError as down:
            raise PullFailedError(
                PullStatus.AUTH_ERROR, f"The access token could not be renewed: {down}"
            ) from down
        auth.refreshes += 1

    def _deauthorize(self, connection_id: uuid.UUID, platform: str, message: str) -> None:
        with transaction(self.services.sessions) as session:
            connection = session.get(ConnectionRow, connection_id)
            if connection is not None:
                connections.deauthorize(
                    session,
                    connection,
                    f"{platform} refused this connection's authorization: {message}",
                    utcnow(),
                )

    def _end(
        self, pull_id: uuid.UUID, status: PullStatus, audit: Audit, error: str | None
    ) -> PullStatus:
        with transaction(self.services.sessions) as session:
            pulls.finish(session, pull_id, status, utcnow(), error=error, audit=asdict(audit))
        return status

    def _prefetch(
        self,
        reader: SourceReader,
        stream: ReadStream,
        since: datetime | None,
        connection: ConnectionRow,
        audit: Audit,
        auth: _Auth | None,
    ) -> _Spool:
        spool = _Spool()
        try:
            for params, page in self._live_pages(reader, stream, since, connection, audit, auth):
                spool.add(params, page)
                if stream.attachments and isinstance(reader, AttachmentReader):
                    self._prefetch_files(reader, stream, connection, page, audit, auth, spool)
        except BaseException:
            spool.close()
            raise
        return spool

    def _prefetch_files(
        self,
        reader: AttachmentReader,
        stream: ReadStream,
        connection: ConnectionRow,
        page: FetchedPage,
        audit: Audit,
        auth: _Auth | None,
        spool: _Spool,
    ) -> None:
        """The files of this page's records that the write will create or change (their
        content differs from what we hold), as ``_store_attachments`` would ask."""
        documents = [stream.to_standard(raw) for raw in page.records]
        with self.services.sessions() as session:
            held = records.stored_hashes(
                session,
                connection.id,
                stream.data_type.value,
                [str(doc["id"]) for doc in documents],
            )
        for doc, raw in zip(documents, page.records, strict=True):
            record_id = str(doc["id"])
            if records.is_deleted(doc) or held.get(record_id) == records.content_hash(doc):
                continue
            if stream.has_attachments is not None and not stream.has_attachments(raw):
                spool.files[record_id] = []
                continue
            before = audit.calls
            try:
                spool.files[record_id] = self._call(
                    functools.partial(reader.attachments, stream, record_id),
                    connection.id,
                    audit,
                    auth,
                )
            finally:
                audit.attachment_calls += audit.calls - before

    def _live_pages(
        self,
        reader: SourceReader,
        stream: ReadStream,
        since: datetime | None,
        connection: ConnectionRow,
        audit: Audit,
        auth: _Auth | None,
    ) -> Iterator[tuple[dict[str, str], FetchedPage]]:
        guard = PageGuard()
        params: dict[str, str] | None = stream.paginator.first()
        while params is not None:
            try:
                guard.check(params)
            except PagingLoopError as loop:
                raise PullFailedError(PullStatus.FETCH_ERROR, str(loop)) from loop
            page = self._fetch(reader, stream, params, since, connection.id, audit, auth)
            try:
                guard.check_answer(params, page.records)
            except PagingLoopError as loop:
                raise PullFailedError(PullStatus.FETCH_ERROR, str(loop)) from loop
            yield params, page
            params = stream.paginator.next(
                params, Page(body=page.body, headers=page.headers, record_count=len(page.records))
            )

    def _pull(
        self,
        session: Session,
        pull: PullOperationRow,
        connection: ConnectionRow,
        stream: ReadStream,
        audit: Audit,
        reader: SourceReader,
        since: datetime | None,
        now: datetime,
        spool: _Spool | None,
        auth: _Auth | None,
    ) -> None:
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
        pages = (
            iter(spool)
            if spool is not None
            else self._live_pages(reader, stream, since, connection, audit, auth)
        )
        for _params, page in pages:
            documents = [stream.to_standard(raw) for raw in page.records]
            audit.pages += 1
            audit.fetched += len(documents)
            # A platform that reports a deletion by id alone (QuickBooks' CDC): the
            # record we hold is flagged deleted and keeps its fields, as Codat keeps it.
            markers = [str(doc["id"]) for doc in documents if _deletion_marker(doc)]
            if markers:
                seen.update(markers)
                audit.deleted += records.flag_deleted(
                    session,
                    connection_id=connection.id,
                    data_type=stream.data_type.value,
                    record_ids=markers,
                    now=now,
                )
                kept = [
                    (doc, raw)
                    for doc, raw in zip(documents, page.records, strict=True)
                    if not _deletion_marker(doc)
                ]
                documents = [doc for doc, _ in kept]
                page = FetchedPage([raw for _, raw in kept], page.body, page.headers)
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
                with_files = None
                if stream.has_attachments is not None:
                    with_files = {
                        str(doc["id"])
                        for doc, raw in zip(documents, page.records, strict=True)
                        if stream.has_attachments(raw)
                    }
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
                    auth,
                    with_files,
                    spool.files if spool is not None else None,
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
        auth: _Auth | None = None,
        with_files: set[str] | None = None,
        fetched: dict[str, Sequence[SourceAttachment]] | None = None,
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
            if with_files is not None and record_id not in with_files:
                found[record_id] = []  # the platform says it has none: no call
                continue
            if fetched is not None and record_id in fetched:  # before the transaction
                found[record_id] = [stored_file(source) for source in fetched[record_id]]
                continue
            before = audit.calls
            try:
                listed = self._call(
                    functools.partial(reader.attachments, stream, record_id),
                    connection.id,
                    audit,
                    auth,
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
        auth: _Auth | None = None,
    ) -> FetchedPage:
        return self._call(
            functools.partial(reader.fetch, stream, params, since), connection_id, audit, auth
        )

    @contextmanager
    def _slot(self, connection_id: uuid.UUID) -> Iterator[None]:
        """One of the connection's concurrent-call slots (Xero allows 5 in flight)."""
        slots = self._slots.get(connection_id)
        if slots is None:
            yield
            return
        with slots:
            yield

    def _call(
        self,
        call: Callable[[], _T],
        connection_id: uuid.UUID,
        audit: Audit,
        auth: _Auth | None = None,
    ) -> _T:
        """One call to the platform, whatever it asks for (a page, a record's files): a
        fresh access token, the connection's call budget, transient errors retried with
        backoff or the platform's Retry-After, a refused token refreshed once, and every
        way of failing turned into the pull's status."""
        budget = self.budgets.get(connection_id)
        started, attempt = self.clock(), 1
        refreshed = False
        while True:
            if auth is not None and auth.keeper.expiring():
                self._refresh(auth, None)
            audit.calls += 1
            try:
                return _timed(call, audit)
            except AccessTokenRejectedError as rejected:
                if auth is None or refreshed:
                    # A token fresh from the platform refused too: the grant is gone.
                    raise PullFailedError(
                        PullStatus.AUTH_ERROR, str(rejected), deauthorize=auth is not None
                    ) from rejected
                audit.errors.append(f"{type(rejected).__name__}: {rejected}")
                self._refresh(auth, auth.keeper.access_token())
                refreshed = True
            except AuthorizationLostError as lost:
                raise PullFailedError(
                    PullStatus.AUTH_ERROR, str(lost), deauthorize=auth is not None
                ) from lost
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


_MARKER_KEYS = frozenset({"id", "metadata", "sourceModifiedDate", "modifiedDate"})


def _deletion_marker(document: dict[str, Any]) -> bool:
    """A document that only says "deleted": its id and a deleted flag, nothing else."""
    return records.is_deleted(document) and document.keys() <= _MARKER_KEYS


@contextmanager
def _finished(budget: CallBudget | None, counted: Call | None) -> Iterator[None]:
    """Tell the budget when the call ended, answer or not (see ``sync/ratelimit``)."""
    try:
        yield
    finally:
        if budget is not None and counted is not None:
            budget.finish(counted)


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
