"""Which parser a file needs, from its first bytes (the name is only a hint: users rename
files, and a ``.csv`` from some banks is really an XLSX)."""

from __future__ import annotations

from enum import StrEnum

from ledgerport.connectors.file_upload.understanding.errors import (
    EmptyFileError,
    FileTooLargeError,
    UnsupportedFileError,
)
from ledgerport.connectors.file_upload.understanding.limits import Limits


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


def file_format(data: bytes, file_name: str, limits: Limits) -> FileFormat:
    if len(data) > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {len(data):,} bytes; the limit is {limits.max_bytes:,}."
        )
    if not data.strip():
        raise EmptyFileError("The file is empty.")
    if data.startswith(b"%PDF-"):
        return FileFormat.PDF
    if data.startswith(b"PK\x03\x04"):
        return FileFormat.XLSX
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFileError(
            "Old Excel (.xls) files are not read; save the sheet as .xlsx or CSV."
        )
    if file_name.lower().endswith((".xlsx", ".xlsm", ".pdf")):
        raise UnsupportedFileError(f"{file_name} is not a valid {file_name.rsplit('.', 1)[1]}.")
    return FileFormat.CSV
