"""Uploaded files as pages the pull engine reads: one page per data type, made from
every ready file of the connection, with each record dated by the upload it came from."""

from __future__ import annotations

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

    def _read(self) -> tuple[ImportResult, dict[str, SourceFile]]:
        if self._result is None or self._files is None:
            files = list(self._load_files())
            uploads = [
                UploadedFile(
                    f.file_name,
                    f.content,
                    None
                    if f.mappings is None
                    else [SheetMapping.model_validate(m) for m in f.mappings],
                )
                for f in files
            ]
            try:
                self._result = import_files(uploads)
            except FileImportError as error:
                raise FatalError(f"An uploaded file could not be read: {error}") from error
            self._files = {f.sha256: f for f in files}
        return self._result, self._files

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        result, files = self._read()
        if stream.data_type is DataType.SUPPLIERS:
            records = [_dated(r, _supplier_files(r), files) for r in result.suppliers]
        elif stream.data_type is DataType.BILLS:
            records = [_dated(r, [_source(r)], files) for r in result.bills]
        else:
            raise FatalError(f"Uploaded files hold no {stream.data_type.value}.")
        return FetchedPage(records)

    def attachments(self, stream: ReadStream, record_id: str) -> Sequence[SourceAttachment]:
        result, files = self._read()
        bill = next((b for b in result.bills if b["id"] == record_id), None)
        if stream.data_type is not DataType.BILLS or bill is None or not from_pdf(bill):
            return []
        found = files.get(str(_source(bill).get("sha256")))
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


def _supplier_files(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    files = _source(record).get("files")
    return list(files) if isinstance(files, list) else []


def _dated(
    record: dict[str, Any], sources: Sequence[Mapping[str, Any]], files: Mapping[str, SourceFile]
) -> dict[str, Any]:
    """The record with its ``sourceModifiedDate`` (the latest upload of a file it came
    from) and each source's ``uploadId`` (the file, as the uploads API serves it)."""
    uploads = [files[s["sha256"]] for s in sources if s.get("sha256") in files]
    if uploads:
        record["sourceModifiedDate"] = to_codat(max(u.uploaded for u in uploads))
    for source in sources:
        found = files.get(str(source.get("sha256")))
        if found is not None and isinstance(source, dict):
            source["uploadId"] = found.id
    return record
