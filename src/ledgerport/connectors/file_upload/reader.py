"""Uploaded files as pages the pull engine reads: one page per data type, made from
every ready file of the connection, with each record dated by the upload it came from."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ledgerport.connectors.errors import FatalError
from ledgerport.connectors.file_upload.understanding import (
    FileImportError,
    ImportResult,
    SheetMapping,
    UploadedFile,
    import_files,
)
from ledgerport.connectors.file_upload.understanding.records import SOURCE_KEY
from ledgerport.connectors.spec import (
    FetchedPage,
    ReaderContext,
    ReadStream,
    SourceAttachment,
    SourceFile,
)
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType


def _source(record: Mapping[str, Any]) -> Mapping[str, Any]:
    supplemental = record.get("supplementalData") or {}
    content = supplemental.get("content") or {}
    source = content.get(SOURCE_KEY)
    return source if isinstance(source, Mapping) else {}


def from_pdf(record: Mapping[str, Any]) -> bool:
    """Whether a bill was read from a PDF bill (whose file it then carries)."""
    return str(_source(record).get("fileName", "")).lower().endswith(".pdf")


_KEEP_SECONDS = 120.0


class _LastImport:
    """The last import of a set of files, shared by the pulls that read it (suppliers
    and bills are two pulls, often at the same moment on two worker threads): the
    second waits for the first and reuses its result instead of reading every file
    again. The key names each file by id, content and confirmed mapping, so another
    connection, a new file or a corrected mapping never sees an old result; the result
    is dropped ``_KEEP_SECONDS`` after its last use, so a worker does not hold it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[tuple[str, str, str], ...] | None = None
        self._result: ImportResult | None = None
        self._timer: threading.Timer | None = None

    def get(self, files: Sequence[SourceFile]) -> ImportResult:
        key = tuple(
            (f.id, f.sha256, json.dumps(f.mappings, sort_keys=True, default=str)) for f in files
        )
        with self._lock:
            if self._key != key or self._result is None:
                self._result = _import(files)
                self._key = key
            result = self._result
            self._forget_later()
            return result

    def _forget_later(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(_KEEP_SECONDS, self.clear)
        self._timer.daemon = True
        self._timer.start()

    def clear(self) -> None:
        with self._lock:
            self._key = self._result = None


LAST_IMPORT = _LastImport()


def _import(files: Sequence[SourceFile]) -> ImportResult:
    uploads = [
        UploadedFile(
            f.file_name,
            f.content,
            None if f.mappings is None else [SheetMapping.model_validate(m) for m in f.mappings],
        )
        for f in files
    ]
    try:
        return import_files(uploads)
    except FileImportError as error:
        raise FatalError(f"An uploaded file could not be read: {error}") from error


class FileUploadReader:
    """Reads the connection's ready files once per reader (a pull of one data type),
    through the same import the confirmation step ran, so what a person confirmed is
    what lands."""

    def __init__(self, context: ReaderContext) -> None:
        if context.files is None:
            raise FatalError("The file-upload reader needs the connection's files.")
        self._load_files = context.files
        self._files: dict[str, SourceFile] | None = None
        self._result: ImportResult | None = None
        # A bill read from a PDF, by id: the PDF it carries as its file.
        self._pdf_of: dict[str, SourceFile] = {}

    def _read(self) -> tuple[ImportResult, dict[str, SourceFile]]:
        if self._result is None or self._files is None:
            files = list(self._load_files())
            self._result = LAST_IMPORT.get(files)
            self._files = {f.sha256: f for f in files}
            self._pdf_of = {
                bill["id"]: self._files[sha]
                for bill in self._result.bills
                if from_pdf(bill) and (sha := str(_source(bill).get("sha256"))) in self._files
            }
        return self._result, self._files

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        result, files = self._read()
        if stream.data_type is DataType.SUPPLIERS:
            records = [_dated(r, files) for r in result.suppliers]
        elif stream.data_type is DataType.BILLS:
            records = [_dated(r, files) for r in result.bills]
        else:
            raise FatalError(f"Uploaded files hold no {stream.data_type.value}.")
        return FetchedPage(records)

    def attachments(self, stream: ReadStream, record_id: str) -> Sequence[SourceAttachment]:
        self._read()
        found = self._pdf_of.get(record_id) if stream.data_type is DataType.BILLS else None
        if found is None:
            return []
        return [
            SourceAttachment(
                id=found.id,
                name=found.file_name,
                content_type=found.content_type,
                content=found.content,
                date_created=found.uploaded,
                source_modified_date=found.uploaded,
            )
        ]


def _dated(record: Mapping[str, Any], files: Mapping[str, SourceFile]) -> dict[str, Any]:
    """A copy of the record with its ``sourceModifiedDate`` (the latest upload of a
    file it came from) and each source's ``uploadId`` (the file, as the uploads API
    serves it). A copy: the import it comes from may be shared by another pull."""
    source = dict(_source(record))
    if isinstance(source.get("files"), list):  # a supplier: every file it was seen in
        source["files"] = [dict(f) for f in source["files"]]
        sources: list[dict[str, Any]] = source["files"]
    else:
        sources = [source]
    for item in sources:
        found = files.get(str(item.get("sha256")))
        if found is not None:
            item["uploadId"] = found.id
    copy = dict(record)
    uploads = [files[str(item.get("sha256"))] for item in sources if item.get("sha256") in files]
    if uploads:
        copy["sourceModifiedDate"] = to_codat(max(u.uploaded for u in uploads))
    supplemental = dict(copy.get("supplementalData") or {})
    supplemental["content"] = {**(supplemental.get("content") or {}), SOURCE_KEY: source}
    copy["supplementalData"] = supplemental
    return copy
