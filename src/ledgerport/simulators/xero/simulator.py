"""The simulator's state: the tenant, tokens, rate limits, and the books as the
sandbox's generated business plus every write a client made through the API.

Writes go through the sandbox's own write-back engine (``connectors/sandbox/writeback``):
each accepted write is one entry of an in-memory write log, replayed over the
generated events whenever the books are built, so a written invoice posts to the
ledger, a payment settles its invoice, and the generator's later events see both.
The engine works in whole hours; the exact moment of each write is kept here, so a
written record's ``UpdatedDateUTC`` is the moment it was written and an
``If-Modified-Since`` read a minute later finds it."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ledgerport.connectors.sandbox.books import Books, books, keep, on_the_hour
from ledgerport.connectors.sandbox.simulation import simulate
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.writeback import (
    ID_PREFIX,
    WriteEvent,
    apply_entry,
    books_start,
    utc,
    write_events,
)
from ledgerport.connectors.writes import LoggedWrite, RecordChange, WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero.faults import FaultSchedule
from ledgerport.simulators.xero.index import Index, build_index
from ledgerport.simulators.xero.ratelimit import RateLimiter
from ledgerport.simulators.xero.tokens import AccessGrant, TokenStore

_NAMESPACE = uuid.UUID("5b1f0f0e-7c55-4a8e-9a57-2f6d3c0e8a11")
_HOUR = timedelta(hours=1)
_ACCOUNT_TYPES = (DataType.CHART_OF_ACCOUNTS, DataType.BANK_ACCOUNTS)


@dataclass(frozen=True)
class Tenant:
    """The one organisation the simulator serves (one seed, one company)."""

    tenant_id: str
    name: str
    created: datetime


@dataclass(frozen=True)
class StoredFile:
    """A file uploaded to a record (``PUT /{Endpoint}/{Guid}/Attachments/{FileName}``)."""

    attachment_id: str
    name: str
    mime_type: str
    content: bytes
    include_online: bool


@dataclass
class Replay:
    """What an ``Idempotency-Key`` was first answered with, and for which request."""

    fingerprint: str
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class Overlay:
    """What clients wrote, beside the write log: exact write moments by sandbox id,
    twins (a sandbox customer and supplier that are one Xero contact), files, and
    idempotent answers."""

    touched: dict[str, datetime] = field(default_factory=dict)
    twins: dict[str, str] = field(default_factory=dict)  # twin sandbox id -> primary id
    twin_of: dict[tuple[str, bool], str] = field(default_factory=dict)  # (primary, customer)
    files: dict[str, list[StoredFile]] = field(default_factory=dict)  # record GUID -> files
    replays: dict[str, Replay] = field(default_factory=dict)


class WriteLog:
    """The simulator's writes, in order (the sandbox engine's ``WriteLog``)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._entries: list[LoggedWrite] = []

    def append(self, key: str, entry: Mapping[str, Any]) -> None:
        self._entries.append(LoggedWrite(key, dict(entry), self.clock()))

    def entries(self) -> Sequence[LoggedWrite]:
        return tuple(self._entries)

    def truncate(self, length: int) -> None:
        del self._entries[length:]


@dataclass(frozen=True)
class Checkpoint:
    writes: int
    touched: dict[str, datetime]
    twins: dict[str, str]
    twin_of: dict[tuple[str, bool], str]


class XeroSimulator:
    """The simulator's state, reachable from handlers as ``request.app.state.xero``
    and from tests as ``app.state.xero``. Test hooks are plain methods:
    :meth:`expire_access_tokens`, ``tokens.issue(...)`` to skip the consent page, and
    ``faults.add(...)`` to schedule failures (``faults.py``)."""

    def __init__(
        self,
        seed: str,
        clock: Callable[[], datetime],
        size: Size,
        client_id: str,
        client_secret: str,
        limiter: RateLimiter,
    ) -> None:
        self.seed, self.clock, self.size = seed, clock, size
        self.client_id, self.client_secret = client_id, client_secret
        self.tenant = Tenant(
            tenant_id=str(uuid.uuid5(_NAMESPACE, f"tenant:{seed}")),
            name=f"Sandbox Company ({seed})",
            created=clock(),
        )
        self.tokens = TokenStore(clock)
        self.limiter = limiter
        # Misbehaviour on demand (5xx, 429, hangs, cut bodies, repeated pages): faults.py.
        self.faults = FaultSchedule()
        self.log = WriteLog(clock)
        self.overlay = Overlay()
        self._write_lock = threading.RLock()
        self._index: tuple[Books, Index] | None = None
        self._rendered: tuple[Books, dict[str, Any]] | None = None
        # The share of invoices and bills whose generated PDF is attached (1: all).
        self.files_share = 1.0

    def carries_pdf(self, document_id: str) -> bool:
        """Whether a generated invoice or bill has its PDF attached: a fixed draw per
        document, so a share below 1 models a business that attaches files to some
        documents only (every file costs a client two calls at 60 a minute)."""
        if self.files_share >= 1:
            return True
        digest = hashlib.sha256(f"{self.seed}:files:{document_id}".encode()).digest()
        return int.from_bytes(digest[:4], "big") < self.files_share * 2**32

    # -- test hooks -----------------------------------------------------------------

    def expire_access_tokens(self) -> int:
        """Expire every access token issued so far, now (to force a refresh in the
        middle of a pull); how many were live."""
        return self.tokens.expire_access_tokens()

    # -- identity -------------------------------------------------------------------

    def connection_id(self, authorization_id: str, tenant_id: str) -> str:
        """The id of the connection one consent made to one tenant (Xero's
        ``Connection.id``, what ``DELETE /connections/{id}`` takes)."""
        return str(uuid.uuid5(_NAMESPACE, f"connection:{authorization_id}:{tenant_id}"))

    def grant(self, authorization: str) -> AccessGrant | str:
        """The access grant behind an ``Authorization`` header, or why there is none
        (the ``Detail`` of Xero's 401)."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "AuthenticationUnsuccessful"
        grant = self.tokens.access(token.strip())
        if grant is None:
            return "AuthenticationUnsuccessful"
        if grant.expires_at <= self.clock():
            stamp = grant.expires_at.strftime("%m/%d/%Y %H:%M:%S")
            return f"TokenExpired: token expired at {stamp}"
        return grant

    # -- the books ------------------------------------------------------------------

    def books(self) -> Books:
        """The company as it stands at the clock, with every write made by then."""
        moment = utc(self.clock())
        events = write_events(self.log.entries(), moment, books_start(self.size))
        return books(self.seed, self.size, moment, events)

    def index(self, built: Books) -> Index:
        """The Xero GUID of every record of ``built`` (kept for the last books)."""
        if self._index is None or self._index[0] is not built:
            self._index = (built, build_index(self.tenant.tenant_id, built.company))
        return self._index[1]

    def render_cache(self, built: Books) -> dict[str, Any]:
        """Rendered records of ``built`` by GUID and stamp (kept for the last books;
        :meth:`files_changed` empties it, as files show in ``HasAttachments``)."""
        if self._rendered is None or self._rendered[0] is not built:
            self._rendered = (built, {})
        return self._rendered[1]

    def files_changed(self) -> None:
        self._rendered = None

    def stamp(self, sandbox_id: str, modified: datetime) -> datetime:
        """A record's ``UpdatedDateUTC``: its last change in the books (whole hours),
        or the exact moment a client last wrote it, if that was later."""
        written = self.overlay.touched.get(sandbox_id)
        return written if written is not None and written > modified else modified

    def write(
        self,
        data_type: DataType,
        kind: WriteKind,
        record: Mapping[str, Any],
        record_id: str | None = None,
    ) -> tuple[str, list[RecordChange]]:
        """Apply one write (a Codat-model record, as the sandbox engine takes it) at the
        clock's moment; the record's sandbox id and what changed. Raises the engine's
        ``RejectedError``, having changed nothing, when the books refuse it."""
        with self._write_lock:
            moment = utc(self.clock())
            start = books_start(self.size)
            logged = list(self.log.entries())
            prior = write_events(logged, moment, start)
            hour = on_the_hour(moment)
            company = simulate(self.seed, self.size, hour, prior)
            entry: dict[str, Any] = {
                "dataType": data_type.value,
                "kind": kind.value,
                "record": json.loads(json.dumps(dict(record), default=str)),
                "moment": moment.isoformat(),
                "id": record_id or _new_id(data_type, record, logged),
            }
            t = int((moment - start) // _HOUR)
            posted, banked = len(company.journal_entries), len(company.bank_transactions)
            changes = apply_entry(company, entry, t)
            entry["changes"] = [[c.type.value, c.data_type.value, c.record_id] for c in changes]
            key = f"xero-{len(logged) + 1}"
            self.log.append(key, entry)
            keep(Books(self.seed, self.size, hour, company), (*prior, WriteEvent(t, key, entry)))
            made = [
                *(e.id for e in company.journal_entries[posted:]),
                *(line.id for line in company.bank_transactions[banked:]),
                *(change.record_id for change in changes),
            ]
            for made_id in made:
                self.overlay.touched[made_id] = moment
            return str(entry["id"]), changes

    def checkpoint(self) -> Checkpoint:
        """Where the writes stand, to go back to if a batch is refused as a whole."""
        o = self.overlay
        return Checkpoint(len(self.log.entries()), dict(o.touched), dict(o.twins), dict(o.twin_of))

    def rollback(self, to: Checkpoint) -> None:
        """Forget every write made since ``to`` (Xero saves none of a refused batch)."""
        with self._write_lock:
            self.log.truncate(to.writes)
            o = self.overlay
            o.touched, o.twins, o.twin_of = to.touched, to.twins, to.twin_of


def _new_id(data_type: DataType, record: Mapping[str, Any], logged: list[Any]) -> str:
    """The next id of the write-back series of ``data_type`` (``inv-w0003``), or an
    account's ``acc-{code}``, counted from the log so a replay gives the same ids."""
    same = _ACCOUNT_TYPES if data_type in _ACCOUNT_TYPES else (data_type,)
    created = sum(
        1
        for w in logged
        if w.entry.get("kind") == WriteKind.CREATE.value
        and w.entry.get("dataType") in {t.value for t in same}
    )
    if data_type in _ACCOUNT_TYPES:
        code = record.get("nominalCode")
        return (
            f"acc-{code.strip()}"
            if isinstance(code, str) and code.strip()
            else f"acc-W{created + 1:04d}"
        )
    return f"{ID_PREFIX[data_type]}-w{created + 1:04d}"
