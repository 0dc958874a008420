"""The sandbox platform's write API, in process: what a push does to a sandbox company.

A write is checked and applied to the books as they stand at its moment (the generated
events and the earlier logged writes), on a fresh build, so a refused write changes
nothing. An accepted one is appended to the connection's write log (one entry, see
``writeback.py``), from which every later reader and writer rebuilds the books: the log
is the platform's database. The result is the record as the next pull will return it.

Faults can be asked for in ``connectionInfo.sandboxFaults`` (see the package docstring).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ledgerport.connectors.errors import OutcomeUnknownError, RejectedError, TransientError
from ledgerport.connectors.sandbox.books import Books, keep, on_the_hour
from ledgerport.connectors.sandbox.options import create_model
from ledgerport.connectors.sandbox.simulation import simulate
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.writeback import (
    ID_PREFIX,
    SUPPORTED,
    WriteEvent,
    apply_entry,
    books_start,
    entry_moment,
    logged_books,
    utc,
    write_events,
)
from ledgerport.connectors.spec import WriterContext
from ledgerport.connectors.writes import (
    LoggedWrite,
    RecordChange,
    WriteKind,
    WriteLog,
    WriteRequest,
    WriteResult,
)
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, PushOption

FAULTS_KEY = "sandboxFaults"
FAULTS = ("reject", "unavailable", "lostResponse")
FAULT_REJECTED = "The sandbox refused this write because connectionInfo.sandboxFaults asks it to."
_ACCOUNT_TYPES = (DataType.CHART_OF_ACCOUNTS, DataType.BANK_ACCOUNTS)


def wall_clock() -> datetime:
    return datetime.now(UTC)


def parse_faults(info: Mapping[str, Any] | None) -> dict[str, str]:
    """``connectionInfo.sandboxFaults``: data type (or ``*``) -> fault. Raises
    ``ValueError`` saying what is wrong."""
    faults = (info or {}).get(FAULTS_KEY) or {}
    if not isinstance(faults, Mapping):
        raise ValueError(f"connectionInfo.{FAULTS_KEY} must be an object")
    known = {data_type.value for data_type in DataType} | {"*"}
    for key, value in faults.items():
        if key not in known:
            raise ValueError(f"connectionInfo.{FAULTS_KEY}: {key!r} is not a data type or '*'")
        if value not in FAULTS:
            raise ValueError(
                f"connectionInfo.{FAULTS_KEY}.{key} must be one of {', '.join(FAULTS)}"
                f" (got {value!r})"
            )
    return dict(faults)


class MemoryLog:
    """A write log kept in memory: the writer's own when the engine lends none (unit
    tests), shared with a reader by passing it to both contexts."""

    def __init__(self) -> None:
        self._entries: list[LoggedWrite] = []

    def append(self, key: str, entry: Mapping[str, Any]) -> None:
        self._entries.append(LoggedWrite(key, dict(entry), wall_clock()))

    def entries(self) -> Sequence[LoggedWrite]:
        return tuple(self._entries)


# Writes to one company are applied one at a time (ids are numbered from the log).
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def _lock(seed: str) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(seed, threading.Lock())


class SandboxWriter:
    """Writes to one connection's sandbox company. ``clock`` is for tests (as is
    ``context.now``); by default a write happens now."""

    def __init__(self, context: WriterContext, clock: Any = None) -> None:
        self.seed = context.connection_id
        self.info = context.connection_info
        self.log: WriteLog = context.log if context.log is not None else MemoryLog()
        self.now = context.now
        self.clock = clock or wall_clock

    def _moment(self) -> datetime:
        return utc(self.now if self.now is not None else self.clock())

    def _size(self) -> Size:
        try:
            return Size.from_connection_info(self.info)
        except ValueError as invalid:
            raise RejectedError(
                f"The sandbox connection's settings are invalid: {invalid}"
            ) from None

    def options(self, data_type: DataType, kind: WriteKind) -> PushOption:
        sandbox = logged_books(self.seed, self._size(), self.log, self._moment())
        return create_model(sandbox, data_type, kind)

    def find(self, request: WriteRequest) -> WriteResult | None:
        logged = self._logged(request.key)
        if logged is None:
            return None
        return self._result(logged.entry)

    def write(self, request: WriteRequest) -> WriteResult:
        if request.kind not in SUPPORTED.get(request.data_type, frozenset()):
            raise RejectedError(
                f"The sandbox cannot {request.kind.value} {request.data_type.value}.",
                status_code=405,
            )
        try:
            faults = parse_faults(self.info)
        except ValueError as invalid:
            raise RejectedError(str(invalid)) from None
        fault = faults.get(request.data_type.value, faults.get("*"))
        with _lock(self.seed):
            done = self._logged(request.key)
            if done is not None:  # the same write again: it happened once, say so again
                return self._result(done.entry)
            if fault == "unavailable":
                raise TransientError("The sandbox is unavailable (connectionInfo.sandboxFaults).")
            if fault == "reject":
                raise RejectedError(FAULT_REJECTED)
            result = self._apply(request)
        if fault == "lostResponse":
            raise OutcomeUnknownError(
                "The sandbox applied the write but its answer was lost"
                " (connectionInfo.sandboxFaults)."
            )
        return result

    def _logged(self, key: str) -> LoggedWrite | None:
        return next((w for w in self.log.entries() if w.key == key), None)

    def _apply(self, request: WriteRequest) -> WriteResult:
        size = self._size()
        moment = self._moment()
        logged = list(self.log.entries())
        prior = write_events(logged, moment, books_start(size))
        hour = on_the_hour(moment)
        company = simulate(self.seed, size, hour, prior)
        before = Books(self.seed, size, hour, company)
        entry = self._entry(request, logged, moment)
        if request.kind is WriteKind.UPDATE and request.expected_modified is not None:
            self._check_unchanged(before, request)
        t = int((moment - books_start(size)) // timedelta(hours=1))
        changes = apply_entry(company, entry, t)  # raises RejectedError, changing nothing
        entry["changes"] = [
            [change.type.value, change.data_type.value, change.record_id, change.attachment_id]
            for change in changes
        ]
        self.log.append(request.key, entry)
        after = Books(self.seed, size, hour, company)
        keep(after, (*prior, WriteEvent(t, request.key, entry)))
        return self._render(after, entry)

    def _entry(
        self, request: WriteRequest, logged: Sequence[LoggedWrite], moment: datetime
    ) -> dict[str, Any]:
        """The log entry: JSON only (the engine stores it as such)."""
        try:
            record = json.loads(json.dumps(dict(request.record), default=str))
        except (TypeError, ValueError):
            raise RejectedError("The record is not JSON.") from None
        entry: dict[str, Any] = {
            "dataType": request.data_type.value,
            "kind": request.kind.value,
            "record": record,
            "moment": moment.isoformat(),
        }
        if request.kind is WriteKind.CREATE:
            entry["id"] = self._new_id(request, logged)
        else:
            if not request.record_id:
                raise RejectedError("Which record? The write names no record id.")
            entry["id"] = request.record_id
        if request.requested is not None:
            entry["requested"] = utc(request.requested).isoformat()
        if request.kind is WriteKind.DELETE_ATTACHMENT:
            attachment_id = request.attachment_id or record.get("attachmentId")
            if not isinstance(attachment_id, str) or not attachment_id:
                raise RejectedError("Which file? The write names no attachment id.")
            entry["attachmentId"] = attachment_id
        if request.kind is WriteKind.UPLOAD_ATTACHMENT:
            file = request.file
            if file is None:
                raise RejectedError("No file was uploaded.")
            uploads = sum(1 for w in logged if w.entry.get("kind") == WriteKind.UPLOAD_ATTACHMENT)
            entry["attachmentId"] = f"att-w{uploads + 1:04d}"
            entry["file"] = {
                "name": file.name,
                "contentType": file.content_type,
                "content": base64.b64encode(file.content).decode("ascii"),
            }
        return entry

    @staticmethod
    def _new_id(request: WriteRequest, logged: Sequence[LoggedWrite]) -> str:
        """The id the platform gives a new record: the next of its own series, counted
        from the log, so a replay (and a rebuild) gives the same id."""
        data_type = request.data_type
        same = (data_type,) if data_type not in _ACCOUNT_TYPES else _ACCOUNT_TYPES
        created = sum(
            1
            for w in logged
            if w.entry.get("kind") == WriteKind.CREATE.value
            and w.entry.get("dataType") in {t.value for t in same}
        )
        n = created + 1
        if data_type in _ACCOUNT_TYPES:
            code = request.record.get("nominalCode")
            if isinstance(code, str) and code.strip():
                return f"acc-{code.strip()}"
            return f"acc-W{n:04d}"
        return f"{ID_PREFIX[data_type]}-w{n:04d}"

    @staticmethod
    def _check_unchanged(before: Books, request: WriteRequest) -> None:
        assert request.record_id is not None
        assert request.expected_modified is not None
        current = before.record(request.data_type, request.record_id)
        if current is None:
            return  # the update itself says there is no such record
        stamp = current.get("sourceModifiedDate")
        if not isinstance(stamp, str):
            return
        modified = utc(datetime.fromisoformat(stamp.replace("Z", "+00:00")))
        if modified > utc(request.expected_modified):
            raise RejectedError(
                f"The record {request.record_id} changed in the platform since it was last"
                f" pulled (modified {modified.isoformat()}): pull again, or set"
                " forceUpdate=true to overwrite it.",
                status_code=409,
            )

    def _result(self, entry: Mapping[str, Any]) -> WriteResult:
        """A logged write's result, rendered from the books as they stand now (or at
        the write's moment, if the clock says earlier)."""
        size = self._size()
        moment = max(self._moment(), entry_moment(entry))
        return self._render(logged_books(self.seed, size, self.log, moment), entry)

    @staticmethod
    def _render(sandbox: Books, entry: Mapping[str, Any]) -> WriteResult:
        data_type = DataType(entry["dataType"])
        record_id = str(entry["id"])
        changes = tuple(
            RecordChange(PushChangeType(kind), DataType(changed), changed_id, attachment)
            for kind, changed, changed_id, attachment in entry.get("changes", ())
        )
        if entry["kind"] == WriteKind.DELETE.value:
            return WriteResult({"id": record_id, "metadata": {"isDeleted": True}}, changes)
        record = sandbox.record(data_type, record_id)
        return WriteResult(record if record is not None else {"id": record_id}, changes)
