"""The push engine: one write to one connection, tracked as a push operation.

Everything a connector would otherwise repeat lives here, once:

- the record is checked against the connector's create model before anything is sent,
  and a record that does not conform fails with field-level messages, writing nothing;
- each attempt is claimed by one worker (a conditional update with a lease), so a job
  delivered twice never writes twice;
- an attempt is marked *in doubt* before the writer is called and cleared when its
  outcome is known; an attempt that starts in doubt (the last one died or lost its
  answer) first asks the writer to ``find`` the write by its key, and sends again only
  when the platform says it does not have it;
- a platform that cannot be reached is tried again later with backoff, until the
  operation's ``timeoutInMinutes`` passes: then it is ``TimedOut``;
- a platform's refusal fails the operation with the platform's status and message.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ledgerport.connectors.errors import (
    AccessTokenRejectedError,
    AuthorizationLostError,
    ConnectorError,
    OutcomeUnknownError,
    RateLimitedError,
    RejectedError,
    TransientError,
    WriteConflictError,
)
from ledgerport.connectors.spec import Connector, SourceAttachment, WriterContext
from ledgerport.connectors.writes import (
    UploadedFile,
    WriteKind,
    WriteRequest,
    WriteResult,
)
from ledgerport.domain.accounting.fields import datetime_to_json
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.push import PushOption, PushStatus, validate
from ledgerport.errors import BadRequestError, NotFoundError, ValidationItem
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import (
    attachments,
    connections,
    pulls,
    pushes,
    records,
    webhook_events,
)
from ledgerport.storage.tables import CompanyRow, ConnectionRow, PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import recovery
from ledgerport.sync.engine import stored_file
from ledgerport.sync.grants import GrantKeeper
from ledgerport.sync.writelog import StoredWriteLog

log = logging.getLogger("ledgerport.sync.push")

DEFAULT_TIMEOUT_MINUTES = 60
MAX_TIMEOUT_MINUTES = 7 * 24 * 60
# How long one attempt may hold an operation; past it another worker may take it (the
# first one died). Longer than any single platform call is allowed to take.
LEASE = timedelta(minutes=2)
# Waits between attempts when the platform cannot be reached: quick at first, then
# patient; the operation's deadline ends it.
SWEEP_GRACE = timedelta(seconds=30)
# Writes to one company's books decided on a state another write has just changed are
# decided again at once (see WriteConflictError), this many times at most.
CONFLICT_RETRIES = 5
BACKOFF = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)

Enqueue = Callable[[str], object]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Outcome:
    status: PushStatus
    retry_in: float | None = None  # seconds until the next attempt, when still pending


def _parse_connection_ids(
    session: Session, company_id: uuid.UUID, connection_id: uuid.UUID
) -> ConnectionRow:
    if session.get(CompanyRow, company_id) is None:
        raise NotFoundError(f"Company {company_id} not found.")
    connection = session.get(ConnectionRow, connection_id)
    if connection is None or connection.company_id != company_id:
        raise NotFoundError(f"Data connection {connection_id} not found.")
    return connection


def _writable(
    services: Services, connection: ConnectionRow, data_type: DataType, kind: WriteKind
) -> Connector:
    connector = services.connectors.get(connection.platform_key)
    if connector is None:
        raise BadRequestError(
            f"Platform {connection.platform_key} is not available on this server."
        )
    if connection.status != ConnectionStatus.LINKED.value:
        raise BadRequestError(
            f"Data connection {connection.id} is {connection.status}, not Linked: "
            "it cannot be written to until the company links it."
        )
    if not connector.can_write(data_type, kind):
        action = {
            WriteKind.CREATE: "creating",
            WriteKind.UPDATE: "updating",
            WriteKind.DELETE: "deleting",
            WriteKind.UPLOAD_ATTACHMENT: "uploading attachments to",
            WriteKind.DELETE_ATTACHMENT: "deleting attachments of",
        }[kind]
        raise BadRequestError(f"{connector.name} does not support {action} {data_type.value}.")
    return connector


_T = TypeVar("_T")


Throttle = Callable[[], AbstractContextManager[None]]


def _context(
    services: Services,
    connection: ConnectionRow,
    keeper: GrantKeeper | None = None,
    throttle: Throttle | None = None,
) -> WriterContext:
    return WriterContext(
        company_id=str(connection.company_id),
        connection_id=str(connection.id),
        connection_info=connection.connection_info or {},
        log=StoredWriteLog(services.sessions, connection.id),
        base_url=keeper.api_base_url if keeper else "",
        access_token=keeper.access_token if keeper else None,
        throttle=throttle,
    )


def _keeper(
    services: Services, connector: Connector, connection: ConnectionRow
) -> GrantKeeper | None:
    """The connection's grant for a write, fresh for the next minute at least; raises
    ``AuthorizationLostError`` (the connection then is Deauthorized) or
    ``TransientError`` (the token endpoint could not be asked)."""
    keeper = GrantKeeper.for_connection(services, connector, connection.id)
    if keeper is not None and keeper.expiring():
        keeper.refresh()
    return keeper


def _authorized(keeper: GrantKeeper | None, call: Callable[[], _T]) -> _T:
    """The call, and once more with a refreshed token if the platform refused the one
    it was sent (401 means nothing was processed, so sending again is safe)."""
    try:
        return call()
    except AccessTokenRejectedError:
        if keeper is None:
            raise
        keeper.refresh(keeper.access_token())
    try:
        return call()
    except AccessTokenRejectedError as again:
        raise AuthorizationLostError(
            f"a freshly renewed token was refused too ({again})"
        ) from again


def _target(
    services: Services,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: DataType,
    kind: WriteKind,
) -> tuple[ConnectionRow, Connector]:
    """The connection written to and its connector, once both can take this write."""
    with services.sessions() as session:
        connection = _parse_connection_ids(session, company_id, connection_id)
        session.expunge(connection)
    return connection, _writable(services, connection, data_type, kind)


def _model(
    services: Services,
    connection: ConnectionRow,
    connector: Connector,
    data_type: DataType,
    kind: WriteKind,
) -> PushOption:
    assert connector.writer is not None  # checked by _writable
    writer_for = connector.writer
    try:
        keeper = _keeper(services, connector, connection)
        writer = writer_for(_context(services, connection, keeper))
        return _authorized(keeper, lambda: writer.options(data_type, kind))
    except ConnectorError as error:
        raise BadRequestError(
            f"{connector.name} could not describe {data_type.value}: {error}"
        ) from error


def create_model(
    services: Services,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: DataType,
    kind: WriteKind = WriteKind.CREATE,
) -> PushOption:
    """What the connector accepts for this data type on this connection: the model
    :func:`submit` checks every record against."""
    connection, connector = _target(services, company_id, connection_id, data_type, kind)
    return _model(services, connection, connector, data_type, kind)


def submit(
    services: Services,
    enqueue: Enqueue | None,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: DataType,
    kind: WriteKind,
    record: Mapping[str, Any] | None = None,
    record_id: str | None = None,
    force_update: bool = False,
    timeout_minutes: int | None = None,
    file: UploadedFile | None = None,
    origin: str = "push",
    run_now: bool = False,
    queue_pull: Enqueue | None = None,
    sync_on_complete: bool = True,
) -> PushOperationRow:
    """Create one push operation and start it (see the module docstring). A record that
    does not conform to the create model is stored as a Failed operation, with one
    validation error per field, and returned: nothing is sent to the platform."""
    if timeout_minutes is not None and not 1 <= timeout_minutes <= MAX_TIMEOUT_MINUTES:
        raise BadRequestError(f"timeoutInMinutes must be from 1 to {MAX_TIMEOUT_MINUTES}.")
    connection, connector = _target(services, company_id, connection_id, data_type, kind)
    body = dict(record or {})
    if kind is not WriteKind.CREATE and not record_id:
        raise BadRequestError(f"A {kind.value.lower()} needs the id of the record.")
    if kind is WriteKind.UPLOAD_ATTACHMENT and file is None:
        raise BadRequestError("An attachment upload needs a file.")
    if kind is WriteKind.DELETE_ATTACHMENT and not body.get("attachmentId"):
        raise BadRequestError("Deleting an attachment needs its id.")
    problems: list[ValidationItem] = []
    if kind in (WriteKind.CREATE, WriteKind.UPDATE):
        problems = validate(body, _model(services, connection, connector, data_type, kind))
    now = utcnow()
    row = PushOperationRow(
        id=uuid.uuid4(),
        company_id=company_id,
        connection_id=connection_id,
        data_type=data_type.value,
        kind=kind.value,
        status=PushStatus.PENDING.value,
        status_code=202,
        requested=now,
        timeout_minutes=timeout_minutes or DEFAULT_TIMEOUT_MINUTES,
        data=body,
        record_id=record_id,
        force_update=force_update,
        validation={"errors": [], "warnings": []},
        changes=[],
        file_name=file.name if file else None,
        file_type=file.content_type if file else None,
        file_content=file.content if file else None,
        attempts=0,
        in_doubt=False,
        audit={"attempts": [], "syncOnComplete": sync_on_complete},
        origin=origin,
    )
    if problems:
        row.status, row.status_code, row.completed = PushStatus.FAILED.value, 400, now
        row.error_message = (
            f"The {data_type.value} record failed validation ({len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''}); nothing was sent to {connector.name}."
        )
        row.validation = {"errors": [_item(p) for p in problems], "warnings": []}
        row.file_content = None
    with transaction(services.sessions) as session:
        session.add(row)
        if problems:  # refused before anything was sent: the write is over
            webhook_events.push_finished(session, row, now)
    if problems:
        return _reload(services, row.id)
    runner = PushRunner(services, queue_pull=queue_pull)
    if run_now:
        runner.run(row.id, background=False)
    elif enqueue is not None:
        enqueue(str(row.id))
    return _reload(services, row.id)


def _reload(services: Services, push_id: uuid.UUID) -> PushOperationRow:
    with services.sessions() as session:
        row = session.get(PushOperationRow, push_id)
        assert row is not None
        session.expunge(row)
        return row


def _item(problem: ValidationItem) -> dict[str, Any]:
    return {
        "itemId": problem.item_id,
        "message": problem.message,
        "validatorName": problem.validator_name,
    }


class PushRunner:
    """Runs attempts of push operations. One per process (``sync/jobs.py``)."""

    def __init__(
        self,
        services: Services,
        *,
        queue_pull: Enqueue | None = None,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        throttle: Callable[[Connector, uuid.UUID], Throttle] | None = None,
    ) -> None:
        self.services = services
        self.queue_pull = queue_pull
        self.clock = clock
        self.rng = rng or random.Random()
        # The worker's pull engine's throttles: writes spend the same call budget as
        # reads of the same connection (the platform counts them together).
        self.throttle = throttle

    def run(self, push_id: uuid.UUID, *, background: bool = True) -> Outcome:
        """One attempt at a pending operation. ``background``: a platform that cannot be
        reached is tried again later (the outcome says when); otherwise (a synchronous
        API) the operation fails at once rather than being left pending."""
        now = self.clock()
        with transaction(self.services.sessions) as session:
            row = session.get(PushOperationRow, push_id)
            if row is None:
                return Outcome(PushStatus.FAILED)
            if row.status != PushStatus.PENDING.value:
                return Outcome(PushStatus(row.status))
            deadline = row.requested + timedelta(minutes=row.timeout_minutes)
            if not pushes.claim(session, push_id, now, now + LEASE):
                session.refresh(row)
                if row.status != PushStatus.PENDING.value:
                    return Outcome(PushStatus(row.status))
                # Another worker holds it, or its next attempt is already scheduled:
                # theirs to finish (the scheduler's sweep catches one that is lost).
                return Outcome(PushStatus.PENDING)
            session.refresh(row)
            was_in_doubt = row.in_doubt
            row.in_doubt = True  # from here until we know, the write may have happened
            session.flush()
            session.expunge(row)
        with self.services.sessions() as session:
            connection = session.get(ConnectionRow, row.connection_id)
            if connection is not None:
                session.expunge(connection)
        connector = self.services.connectors.get(connection.platform_key) if connection else None
        if connection is None or connector is None or connector.writer is None:
            return self._fail(
                row, 400, "The connection's platform can no longer be written to.", now
            )
        attempt: dict[str, Any] = {"at": to_codat(now), "worker": recovery.worker_identity()}
        request = self._request(row)
        late = now >= deadline
        keeper: GrantKeeper | None = None
        try:
            keeper = _keeper(self.services, connector, connection)
            for _ in range(CONFLICT_RETRIES):
                try:
                    result = self._attempt(
                        connector, connection, request, was_in_doubt, late, attempt, keeper
                    )
                    break
                except WriteConflictError:
                    attempt["conflicts"] = attempt.get("conflicts", 0) + 1
            else:
                raise TransientError("the company's books kept changing under this write")
            if result is None:  # past the deadline nothing more is sent
                return self._fail(
                    row,
                    504,
                    f"The write did not complete within {row.timeout_minutes} minute(s).",
                    now,
                    attempt,
                    status=PushStatus.TIMED_OUT,
                )
        except RejectedError as refused:
            attempt["rejected"] = refused.message
            return self._fail(
                row, refused.status_code, refused.message, now, attempt, refused.fields
            )
        except AuthorizationLostError as lost_auth:
            attempt["error"] = str(lost_auth)
            self._deauthorize(connection.id, connector.name, str(lost_auth))
            return self._fail(
                row,
                401,
                f"{connector.name} no longer authorizes this connection: {lost_auth}",
                now,
                attempt,
            )
        except OutcomeUnknownError as unknown:
            # find() said the platform does not have it: nothing happened, so sending
            # again later is safe; and the next attempt will look it up first anyway.
            return self._later(
                row, connector, str(unknown), now, deadline, attempt, background, in_doubt=True
            )
        except RateLimitedError as limited:
            return self._later(
                row,
                connector,
                str(limited),
                now,
                deadline,
                attempt,
                background,
                wait=limited.retry_after,
            )
        except TransientError as transient:
            return self._later(row, connector, str(transient), now, deadline, attempt, background)
        except ConnectorError as error:
            attempt["error"] = str(error)
            return self._fail(row, 500, f"{connector.name} failed the write: {error}", now, attempt)
        except Exception as exc:  # a bug: we cannot tell whether it was written
            log.exception("push %s: attempt failed", row.id)
            return self._later(
                row,
                connector,
                f"Internal error ({type(exc).__name__})",
                now,
                deadline,
                attempt,
                background,
                in_doubt=True,
            )
        return self._succeed(row, connector, result, now, attempt)

    def _attempt(
        self,
        connector: Connector,
        connection: ConnectionRow,
        request: WriteRequest,
        was_in_doubt: bool,
        late: bool,
        attempt: dict[str, Any],
        keeper: GrantKeeper | None = None,
    ) -> WriteResult | None:
        """Look the write up if the last attempt may have made it, else send it (not
        past the deadline: then None); a lost answer is settled by looking it up."""
        assert connector.writer is not None
        throttle = self.throttle(connector, connection.id) if self.throttle else None
        writer = connector.writer(_context(self.services, connection, keeper, throttle))
        if was_in_doubt:
            attempt["lookedUp"] = True
            found = _authorized(keeper, lambda: writer.find(request))
            if found is not None:
                return found
        if late:
            return None
        try:
            return _authorized(keeper, lambda: writer.write(request))
        except OutcomeUnknownError as lost:
            attempt["outcomeUnknown"] = str(lost)
            attempt["lookedUp"] = True
            found = _authorized(keeper, lambda: writer.find(request))
            if found is None:
                raise
            return found

    def _deauthorize(self, connection_id: uuid.UUID, platform: str, message: str) -> None:
        """The platform refused the grant itself (not just one token): Deauthorized,
        unless the keeper already did it when a refresh was refused."""
        with transaction(self.services.sessions) as session:
            connection = session.get(ConnectionRow, connection_id)
            if connection is not None and connection.status == ConnectionStatus.LINKED.value:
                connections.deauthorize(
                    session,
                    connection,
                    f"{platform} refused this connection's authorization: {message}",
                    self.clock(),
                )

    def _request(self, row: PushOperationRow) -> WriteRequest:
        data_type = DataType(row.data_type)
        kind = WriteKind(row.kind)
        expected: datetime | None = None
        if kind is WriteKind.UPDATE and not row.force_update and row.record_id:
            expected = self._last_pulled_modified(row, data_type)
        file = None
        if row.file_content is not None:
            file = UploadedFile(
                name=row.file_name or "attachment",
                content_type=row.file_type or "application/octet-stream",
                content=row.file_content,
            )
        return WriteRequest(
            data_type=data_type,
            kind=kind,
            key=str(row.id),
            record=row.data or {},
            record_id=row.record_id,
            expected_modified=expected,
            requested=row.requested,
            file=file,
            attachment_id=(row.data or {}).get("attachmentId")
            if kind is WriteKind.DELETE_ATTACHMENT
            else None,
        )

    def _last_pulled_modified(self, row: PushOperationRow, data_type: DataType) -> datetime | None:
        with self.services.sessions() as session:
            text = records.one_text(
                session, row.company_id, data_type.value, row.record_id or "", row.connection_id
            )
        if text is None:
            return None
        value = json.loads(text).get("sourceModifiedDate")
        if not isinstance(value, str):
            return None
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None

    # -- endings ------------------------------------------------------------------------

    def _succeed(
        self,
        row: PushOperationRow,
        connector: Connector,
        result: WriteResult,
        now: datetime,
        attempt: dict[str, Any],
    ) -> Outcome:
        attempt["result"] = "Success"
        changes: list[dict[str, Any]] = [
            {
                "type": change.type.value,
                "recordRef": {"id": change.record_id, "dataType": change.data_type.value},
                **({"attachmentId": change.attachment_id} if change.attachment_id else {}),
            }
            for change in result.changes
        ]
        with transaction(self.services.sessions) as session:
            current = session.get(PushOperationRow, row.id)
            assert current is not None
            current.status, current.status_code = PushStatus.SUCCESS.value, 200
            current.completed = self.clock()
            current.data = _jsonable(result.record)
            current.changes = changes
            current.in_doubt, current.next_attempt = False, None
            current.file_content = None
            current.error_message = None
            current.audit = _with_attempt(current.audit, attempt)
            uploaded = self._store_result(session, row, result, now)
            if uploaded is not None:  # an upload's data is the file as stored
                current.data = uploaded
            webhook_events.push_finished(session, current, current.completed or now)
            queued: list[uuid.UUID] = []
            wanted = (current.audit or {}).get("syncOnComplete", True)
            if self.queue_pull is not None and wanted:
                # Codat's allowSyncOnPushComplete: what the write changed is pulled
                # again, so the data API shows it with everything the platform derived.
                for data_type in sorted({c.data_type.value for c in result.changes}):
                    if connector.stream(DataType(data_type)) is None:
                        continue
                    pull, created = pulls.queue(
                        session, row.company_id, row.connection_id, data_type, now
                    )
                    if created:
                        queued.append(pull.id)
        for pull_id in queued:
            assert self.queue_pull is not None
            self.queue_pull(str(pull_id))
        return Outcome(PushStatus.SUCCESS)

    def _store_result(
        self, session: Session, row: PushOperationRow, result: WriteResult, now: datetime
    ) -> dict[str, Any] | None:
        """What the write did, stored with the operation's success (one transaction):
        the record written, a deleted one flagged, an uploaded file; so reads show it
        at once rather than after the next pull. Returns an upload's file document."""
        kind, data_type = WriteKind(row.kind), row.data_type
        record_id = str(result.record.get("id") or row.record_id or "")
        if kind in (WriteKind.CREATE, WriteKind.UPDATE) and record_id:
            records.store_written(
                session,
                company_id=row.company_id,
                connection_id=row.connection_id,
                data_type=data_type,
                document=_jsonable(result.record),
                now=now,
            )
        elif kind is WriteKind.DELETE and row.record_id:
            records.flag_deleted(
                session,
                connection_id=row.connection_id,
                data_type=data_type,
                record_ids=[row.record_id],
                now=now,
            )
        elif kind is WriteKind.DELETE_ATTACHMENT and row.record_id:
            attachments.remove(
                session,
                connection_id=row.connection_id,
                data_type=data_type,
                record_id=row.record_id,
                attachment_id=str((row.data or {}).get("attachmentId")),
            )
        elif kind is WriteKind.UPLOAD_ATTACHMENT and row.file_content is not None:
            attachment_id = next((c.attachment_id for c in result.changes if c.attachment_id), None)
            parent_stored = row.record_id is not None and attachments.parent_exists(
                session, row.company_id, data_type, row.record_id, row.connection_id
            )
            file = stored_file(
                SourceAttachment(
                    id=attachment_id or f"upload-{row.id}",
                    name=row.file_name or "attachment",
                    content_type=row.file_type or "application/octet-stream",
                    content=row.file_content,
                    date_created=now,
                    source_modified_date=now,
                )
            )
            # Only on a record we hold: a record never pulled gets its files (this
            # one included) with its first pull, which assumes it has none yet.
            if attachment_id and parent_stored and row.record_id is not None:
                attachments.add(
                    session,
                    company_id=row.company_id,
                    connection_id=row.connection_id,
                    data_type=data_type,
                    record_id=row.record_id,
                    file=file,
                    now=now,
                )
            return dict(file.document)
        return None

    def _fail(
        self,
        row: PushOperationRow,
        status_code: int,
        message: str,
        now: datetime,
        attempt: dict[str, Any] | None = None,
        fields: tuple[tuple[str, str], ...] = (),
        status: PushStatus = PushStatus.FAILED,
    ) -> Outcome:
        with transaction(self.services.sessions) as session:
            current = session.get(PushOperationRow, row.id)
            assert current is not None
            current.status, current.status_code = status.value, status_code
            current.completed = self.clock()
            current.error_message = message
            current.in_doubt, current.next_attempt = False, None
            current.file_content = None
            if fields:
                current.validation = {
                    "errors": [
                        {"itemId": path, "message": text, "validatorName": "Platform"}
                        for path, text in fields
                    ],
                    "warnings": [],
                }
            if attempt is not None:
                current.audit = _with_attempt(current.audit, attempt)
            webhook_events.push_finished(session, current, current.completed or now)
        return Outcome(status)

    def _later(
        self,
        row: PushOperationRow,
        connector: Connector,
        reason: str,
        now: datetime,
        deadline: datetime,
        attempt: dict[str, Any],
        background: bool,
        *,
        wait: float | None = None,
        in_doubt: bool = False,
    ) -> Outcome:
        """The platform could not be asked (or its answer was lost and it does not have
        the write): try again later, within the deadline."""
        attempt["error"] = reason
        if not background:
            return self._fail(row, 503, f"{connector.name} is unavailable: {reason}", now, attempt)
        step = BACKOFF[min(max(row.attempts - 1, 0), len(BACKOFF) - 1)]
        delay = max(wait or 0.0, self.rng.uniform(step / 2, step))
        retry_at = now + timedelta(seconds=delay)
        if retry_at >= deadline:
            return self._fail(
                row,
                504,
                f"{connector.name} did not take the write within {row.timeout_minutes} "
                f"minute(s); last problem: {reason}",
                now,
                attempt,
                status=PushStatus.TIMED_OUT,
            )
        with transaction(self.services.sessions) as session:
            current = session.get(PushOperationRow, row.id)
            assert current is not None
            current.in_doubt = in_doubt
            current.next_attempt = retry_at
            current.error_message = f"Will try again: {reason}"
            current.audit = _with_attempt(current.audit, attempt)
        return Outcome(PushStatus.PENDING, retry_in=delay)

    # -- the scheduler's sweep ------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> list[uuid.UUID]:
        """Settle pending operations: those past their deadline and not in doubt become
        ``TimedOut``; those due again (a lost job, a dead worker's lease) are returned
        to be sent to a worker."""
        now = now or self.clock()
        due: list[uuid.UUID] = []
        with transaction(self.services.sessions) as session:
            # A grace period, so a job still waiting in the queue is not sent twice.
            for row in pushes.due(session, now - SWEEP_GRACE):
                deadline = row.requested + timedelta(minutes=row.timeout_minutes)
                if now >= deadline and not row.in_doubt:
                    row.status, row.status_code = PushStatus.TIMED_OUT.value, 504
                    row.completed = now
                    row.error_message = (
                        f"The write did not complete within {row.timeout_minutes} minute(s)"
                        + (f"; last problem: {row.error_message}" if row.error_message else ".")
                    )
                    row.file_content = None
                    webhook_events.push_finished(session, row, now)
                else:
                    due.append(row.id)
        return due


def _with_attempt(audit: Mapping[str, Any] | None, attempt: Mapping[str, Any]) -> dict[str, Any]:
    current = dict(audit or {})
    current["attempts"] = [*current.get("attempts", []), dict(attempt)][-20:]
    return current


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return datetime_to_json(value)
    return value


def representation(row: PushOperationRow) -> dict[str, Any]:
    """Codat's ``PushOperation`` (the ``Create...Response`` shape: with ``data``)."""
    body: dict[str, Any] = {
        "pushOperationKey": str(row.id),
        "companyId": str(row.company_id),
        "dataConnectionKey": str(row.connection_id),
        "dataType": row.data_type,
        "requestedOnUtc": to_codat(row.requested),
        "completedOnUtc": to_codat(row.completed),
        "timeoutInMinutes": row.timeout_minutes,
        "status": row.status,
        "statusCode": row.status_code,
        "errorMessage": row.error_message,
        "validation": {
            "errors": list((row.validation or {}).get("errors", [])),
            "warnings": list((row.validation or {}).get("warnings", [])),
        },
        "changes": list(row.changes or []),
        "data": row.data,
    }
    return body
