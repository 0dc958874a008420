"""How a connector writes: the declaration (which data types, which kinds of write), the
request the engine hands a writer, and what the writer answers. Typed values, no I/O.

The engine owns everything around a write, once for every connector: the push
operation, checking the record against the connector's create model, retries with
backoff, the deadline, and settling a write whose answer was lost. A writer only
checks what the platform itself would refuse and performs the write, raising the errors
in ``connectors.errors``:

- ``RejectedError``: the platform said no (a business rule, an unknown reference):
  the operation fails with the platform's message; nothing was written.
- ``TransientError`` (or ``RateLimitedError``): the platform could not be asked (down,
  throttled) and nothing was sent: safe to send again later.
- ``OutcomeUnknownError``: the request went out and no answer came back: the write may
  or may not have happened. The engine never resends blindly: it first calls
  :meth:`SourceWriter.find` with the same request, whose ``key`` the writer attached to
  the write (QuickBooks' ``requestid``, a reference field, the sandbox's own log).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, PushOption


class WriteKind(StrEnum):
    """What a push does; the values are Codat's webhook ``type`` for writes (deleting
    an attachment has none there: it is reported as a ``Delete``)."""

    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"
    UPLOAD_ATTACHMENT = "UploadAttachment"
    DELETE_ATTACHMENT = "DeleteAttachment"


@dataclass(frozen=True)
class WriteStream:
    """One data type a connector writes, and the kinds of write it supports."""

    data_type: DataType
    kinds: frozenset[WriteKind]


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class WriteRequest:
    """One write, as the engine hands it to a writer."""

    data_type: DataType
    kind: WriteKind
    # Unique per push operation and the same on every attempt of it: the writer attaches
    # it to the write so that :meth:`SourceWriter.find` can tell whether it happened.
    key: str
    # The record in the standard model (create, update); empty for delete and uploads.
    record: Mapping[str, Any]
    # The record written to (update, delete, attachment upload); None for create.
    record_id: str | None = None
    # For an update without ``forceUpdate``: the ``sourceModifiedDate`` of the record as
    # we last pulled it. The writer refuses the update if the platform's copy changed
    # since (someone edited it at the source); None skips the check.
    expected_modified: datetime | None = None
    # When the client asked for the write (the sandbox dates what it books by it).
    requested: datetime | None = None
    file: UploadedFile | None = None
    # The file a DeleteAttachment removes from ``record_id``.
    attachment_id: str | None = None


@dataclass(frozen=True)
class RecordChange:
    type: PushChangeType
    data_type: DataType
    record_id: str
    attachment_id: str | None = None


@dataclass(frozen=True)
class WriteResult:
    """What the platform holds after the write: the record in the standard model, with
    the id the platform assigned, and every record the write created or changed (a
    payment changes the invoices it pays)."""

    record: Mapping[str, Any]
    changes: tuple[RecordChange, ...] = ()


@dataclass(frozen=True)
class LoggedWrite:
    key: str
    entry: Mapping[str, Any]
    logged: datetime


class WriteLog(Protocol):
    """The durable memory of a platform that runs inside ledgerport (the sandbox): the
    engine keeps it per connection and commits each entry at once, on its own, as a
    remote platform's database would. Readers and writers of real platforms ignore it."""

    def append(self, key: str, entry: Mapping[str, Any]) -> None: ...

    def entries(self) -> Sequence[LoggedWrite]: ...


class SourceWriter(Protocol):
    """A connection's way of writing to its platform. Built per operation from the
    connection's context; it talks to the platform and never to our database."""

    def options(self, data_type: DataType, kind: WriteKind) -> PushOption:
        """The create model for this data type on this company: what ``write`` accepts."""
        ...

    def write(self, request: WriteRequest) -> WriteResult: ...

    def find(self, request: WriteRequest) -> WriteResult | None:
        """The result of ``request`` if the platform has it (looked up by its ``key``),
        else None: how a write whose answer was lost is settled."""
        ...
