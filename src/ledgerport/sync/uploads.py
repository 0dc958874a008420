"""Files a company uploads, from the request to the records: one definition for the
Files API, the uploads API and the Link and portal pages.

On a file-upload connection every file is understood before anything is kept: a file
we cannot read is refused with the reason, and one refusal keeps none of the files of
the call. A spreadsheet then waits for a person to confirm (or correct) its detected
mapping; a PDF bill is ready at once. Confirming runs the import itself, so a mapping
that cannot apply is refused there, not in a pull later, and queues a pull of the
connection's suppliers and bills, which reads every ready file (``FileUploadReader``).

Bytes go to the blob store before the rows are committed; when the transaction fails,
bytes written by this call are deleted again, so nothing half-written remains.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ledgerport.connectors.file_upload.understanding import (
    FileFormat,
    FileImportError,
    ImportResult,
    ReviewItem,
    SheetMapping,
    UploadedFile,
    import_files,
    understand_file,
)
from ledgerport.connectors.spec import Connector, FileUpload, SourceFile
from ledgerport.domain import uploaded_files
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.uploads import UploadStatus
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import connections, pulls, webhook_events
from ledgerport.storage.repositories import files as repo
from ledgerport.storage.tables import ConnectionRow, UploadedFileRow

log = logging.getLogger("ledgerport.sync.uploads")


@dataclass(frozen=True)
class Incoming:
    """A file as the request brought it, already checked for size, name and type."""

    file_name: str
    content_type: str
    content: bytes


def checked(
    file_name: str | None,
    content_type: str | None,
    content: bytes,
    position: int,
    allowed: frozenset[str] | None = None,
) -> Incoming:
    """A file as a request brought it, named by its last path segment and checked for
    size and type (``allowed``: a narrower set of types): the Files API's rules, which
    the Link upload page applies too. ``content`` may hold one byte over the limit, read
    to tell."""
    name = uploaded_files.clean_name(file_name, f"file-{position}")
    uploaded_files.check_size(name, content)
    uploaded_files.check_type(name, content, allowed)
    return Incoming(name, content_type or "application/octet-stream", content)


def reads_files(connector: Connector | None) -> bool:
    return connector is not None and isinstance(connector.auth, FileUpload)


def _bad(file_name: str, error: FileImportError) -> BadRequestError:
    return BadRequestError(f"File '{file_name}' could not be read: {error}")


def _review_json(items: Sequence[ReviewItem]) -> list[dict[str, Any]]:
    return [
        {
            "source": item.source.as_json(),
            "message": item.message,
            "field": item.field,
            "candidate": item.candidate,
        }
        for item in items
    ]


def _sheets_json(mappings: Sequence[SheetMapping]) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json", by_alias=True) for m in mappings]


def _bill_summary(bill: dict[str, Any]) -> dict[str, Any]:
    """What the review page lists of a bill read from a PDF."""
    return {
        "reference": bill.get("reference"),
        "supplierName": (bill.get("supplierRef") or {}).get("supplierName"),
        "issueDate": bill.get("issueDate"),
        "totalAmount": bill.get("totalAmount"),
        "currency": bill.get("currency"),
    }


def _kept(incoming: Incoming) -> repo.NewUpload:
    """The file as any connection keeps it: its bytes, not read."""
    sha256 = hashlib.sha256(incoming.content).hexdigest()
    return repo.NewUpload(incoming.file_name, incoming.content_type, incoming.content, sha256)


def _understood(incoming: Incoming) -> repo.NewUpload:
    """The file as a file-upload connection keeps it, or a 400 saying why it cannot."""
    kept = _kept(incoming)
    try:
        understanding = understand_file(incoming.content, incoming.file_name)
        if understanding.format is FileFormat.PDF:
            result = import_files([UploadedFile(incoming.file_name, incoming.content)])
            return replace(
                kept,
                status=UploadStatus.READY,
                format=understanding.format.value,
                detected={
                    "sheets": [],
                    "skippedSheets": {},
                    "encoding": None,
                    "bills": [_bill_summary(bill) for bill in result.bills],
                },
                suppliers_found=len(result.suppliers),
                bills_found=len(result.bills),
                review=_review_json(result.review),
            )
    except FileImportError as error:
        raise _bad(incoming.file_name, error) from error
    detected = {
        "sheets": _sheets_json(understanding.sheets),
        "skippedSheets": dict(understanding.skipped_sheets),
        "encoding": understanding.encoding,
        # JSON keys are strings: a column's samples are under str(index).
        "samples": {
            sheet: {str(index): values for index, values in columns.items()}
            for sheet, columns in understanding.samples.items()
        },
    }
    return replace(
        kept,
        status=UploadStatus.AWAITING_CONFIRMATION,
        format=understanding.format.value,
        detected=detected,
    )


def receive(
    services: Services, connection: ConnectionRow, files: Sequence[Incoming], now: datetime
) -> list[UploadedFileRow]:
    """Keep ``files`` on the connection, all or none: each file's row (an earlier one
    for bytes the connection already has)."""
    connector = services.connectors.get(connection.platform_key)
    prepared = [_understood(f) if reads_files(connector) else _kept(f) for f in files]
    blobs = services.blobs
    written: list[str] = []
    try:
        with transaction(services.sessions) as session:
            already = repo.known(session, connection.id, [f.sha256 for f in prepared])
            for f in prepared:
                key = repo.blob_key(connection.company_id, connection.id, f.sha256)
                if f.sha256 not in already and key not in written:
                    blobs.put(key, f.content)
                    written.append(key)
            rows = repo.add(
                session,
                company_id=connection.company_id,
                connection_id=connection.id,
                files=prepared,
                now=now,
            )
            for row in {id(r): r for r in rows}.values():
                session.expunge(row)  # read after the commit, without a session
    except BaseException:
        for key in written:
            try:
                blobs.delete(key)
            except Exception:  # the original failure matters more than this one
                log.exception("could not remove an uploaded file's bytes after a failure")
        raise
    return rows


def load(
    session: Session, company_id: uuid.UUID, connection_id: uuid.UUID, upload_id: str
) -> UploadedFileRow:
    try:
        wanted = uuid.UUID(upload_id)
    except ValueError:
        raise NotFoundError(f"Upload {upload_id} not found.") from None
    row = repo.get(session, company_id, wanted)
    if row is None or row.connection_id != connection_id:
        raise NotFoundError(f"Upload {upload_id} not found.")
    return row


def _mappings(raw: Sequence[dict[str, Any]]) -> list[SheetMapping]:
    try:
        return [SheetMapping.model_validate(m) for m in raw]
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadRequestError(f"The mapping is not valid: {where}: {first['msg']}.") from None


def confirm(
    services: Services,
    connection: ConnectionRow,
    row: UploadedFileRow,
    sheets: Sequence[dict[str, Any]] | None,
    now: datetime,
) -> ImportResult:
    """Read the file with ``sheets`` (the detected mapping when None) and, when that
    works, make it ready with that mapping: what the import found, in the caller's
    transaction. A PDF bill has no mapping to confirm."""
    if not reads_files(services.connectors.get(connection.platform_key)):
        raise BadRequestError("Only files on a file-upload connection are read into records.")
    if row.format == FileFormat.PDF.value:
        if sheets:
            raise BadRequestError("A PDF bill has no sheets to map.")
        mappings = None
    else:
        raw = sheets if sheets is not None else (row.detected or {}).get("sheets", [])
        mappings = _mappings(raw)
        if not mappings:
            raise BadRequestError("The mapping needs at least one sheet.")
    data = repo.content(row, services.blobs)
    try:
        result = import_files([UploadedFile(row.file_name, data, mappings)])
    except FileImportError as error:
        raise _bad(row.file_name, error) from error
    row.mappings = None if mappings is None else _sheets_json(mappings)
    row.status = UploadStatus.READY.value
    row.confirmed = now
    row.suppliers_found = len(result.suppliers)
    row.bills_found = len(result.bills)
    row.review = _review_json(result.review)
    return result


def remove(
    services: Services,
    session: Session,
    connection: ConnectionRow,
    row: UploadedFileRow,
    now: datetime,
) -> list[uuid.UUID]:
    """Take a file off the connection, in the caller's transaction: the pulls to start
    once it commits (a ready file's records then go, flagged deleted, as a platform's
    deleted records do). Its bytes are removed by ``forget_file`` after the commit."""
    was_read = row.status == UploadStatus.READY.value and reads_files(
        services.connectors.get(connection.platform_key)
    )
    session.delete(row)
    session.flush()
    return queue_pulls(services, session, connection, now) if was_read else []


def forget_file(services: Services, row: UploadedFileRow) -> None:
    """Remove a deleted file's bytes, once its deletion has committed."""
    if row.blob_key is not None:
        try:
            services.blobs.delete(row.blob_key)
        except Exception:  # the deletion stands; left-over bytes are unreachable
            log.exception("could not remove the bytes of deleted upload %s", row.id)


def link(session: Session, connection: ConnectionRow, now: datetime) -> None:
    """Link a file-upload connection still waiting for its first file (its files are
    its authorization), with the event a linked connection gets."""
    if connection.status != ConnectionStatus.PENDING_AUTH.value:
        return
    connection.status = ConnectionStatus.LINKED.value
    connections.resolve_errors(connection)
    webhook_events.connection_linked(session, connection, ConnectionStatus.PENDING_AUTH.value, now)


def queue_pulls(
    services: Services, session: Session, connection: ConnectionRow, now: datetime
) -> list[uuid.UUID]:
    """Queue a pull of every data type the connection's files give (suppliers, bills)
    once it is linked: the pulls newly queued, to hand to the job queue once committed."""
    connector = services.connectors.get(connection.platform_key)
    if connector is None or connection.status != ConnectionStatus.LINKED.value:
        return []
    queued = []
    for stream in connector.reads:
        pull, created = pulls.queue(
            session, connection.company_id, connection.id, stream.data_type.value, now
        )
        if created:
            queued.append(pull.id)
    return queued


def ready_files(services: Services, connection_id: uuid.UUID) -> list[SourceFile]:
    """What the file-upload reader reads: the connection's ready files with their bytes."""
    with services.sessions() as session:
        rows = repo.for_connection(session, connection_id, UploadStatus.READY)
        return [
            SourceFile(
                id=str(row.id),
                file_name=row.file_name,
                content_type=row.content_type,
                sha256=row.sha256,
                uploaded=row.uploaded,
                content=repo.content(row, services.blobs),
                mappings=row.mappings,
            )
            for row in rows
        ]


def imported(session: Session, rows: Sequence[UploadedFileRow]) -> set[uuid.UUID]:
    """The files among ``rows`` whose records have landed: a pull of their connection's
    bills has succeeded since they were ready (one query, whatever the number of rows)."""
    ready = [r for r in rows if r.confirmed is not None and r.status == UploadStatus.READY.value]
    latest = pulls.last_successful_times(session, {r.connection_id for r in ready}, "bills")
    return {
        r.id
        for r in ready
        if r.connection_id in latest
        and r.confirmed is not None
        and latest[r.connection_id] >= r.confirmed
    }


def forget_company(services: Services, company_id: uuid.UUID) -> None:
    """Remove a deleted company's uploaded bytes (its rows went with it); called once
    the deletion has committed, so a refused deletion keeps its files."""
    _forget(services, repo.company_prefix(company_id))


def forget_connection(services: Services, company_id: uuid.UUID, connection_id: uuid.UUID) -> None:
    """Remove a deleted connection's uploaded bytes, once its deletion has committed."""
    _forget(services, repo.connection_prefix(company_id, connection_id))


def _forget(services: Services, prefix: str) -> None:
    try:
        services.blobs.delete_prefix(prefix)
    except Exception:  # the deletion stands; left-over bytes are unreachable, not shown
        log.exception("could not remove uploaded files under %s", prefix)
