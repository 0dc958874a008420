"""The two steps of an upload: understand a file (a mapping to show and correct), then
import files with their (corrected) mappings into Codat suppliers and bills.

Either step raises a :class:`~.errors.FileImportError` and returns nothing, or returns a
whole answer; rows and pages it could not read confidently are in ``review``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ledgerport.connectors.file_upload.understanding.drafts import (
    BillDraft,
    ReviewItem,
    SupplierDraft,
)
from ledgerport.connectors.file_upload.understanding.errors import (
    InvalidMappingError,
    UnrecognizedColumnsError,
)
from ledgerport.connectors.file_upload.understanding.formats import FileFormat, file_format
from ledgerport.connectors.file_upload.understanding.limits import Limits
from ledgerport.connectors.file_upload.understanding.mapping import SheetMapping, detect_mapping
from ledgerport.connectors.file_upload.understanding.pdf_bills import read_pdf_bill
from ledgerport.connectors.file_upload.understanding.records import bill_records, supplier_record
from ledgerport.connectors.file_upload.understanding.rows import read_rows
from ledgerport.connectors.file_upload.understanding.samples import sheet_samples
from ledgerport.connectors.file_upload.understanding.suppliers import (
    DEFAULT_THRESHOLD,
    group_suppliers,
)
from ledgerport.connectors.file_upload.understanding.tables import (
    Sheet,
    read_csv,
    read_xlsx,
    require_rows,
)


@dataclass(frozen=True)
class FileUnderstanding:
    """What a file is and how its sheets would be read; a PDF has no sheets."""

    file_name: str
    sha256: str
    format: FileFormat
    sheets: list[SheetMapping]
    skipped_sheets: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    # Per sheet, per column index, a few of its values (see ``samples.py``).
    samples: dict[str, dict[int, list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadedFile:
    file_name: str
    data: bytes
    mappings: Sequence[SheetMapping] | None = None  # None: use the detected ones


@dataclass(frozen=True)
class ImportResult:
    suppliers: list[dict[str, Any]]
    bills: list[dict[str, Any]]
    review: list[ReviewItem]


def _sheets(data: bytes, fmt: FileFormat, limits: Limits) -> list[Sheet]:
    sheets = read_xlsx(data, limits) if fmt is FileFormat.XLSX else [read_csv(data, limits)]
    require_rows(sheets)
    return sheets


def understand_file(data: bytes, file_name: str, limits: Limits | None = None) -> FileUnderstanding:
    """The detected mapping of every sheet that holds bills or suppliers."""
    limits = limits or Limits()
    fmt = file_format(data, file_name, limits)
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt is FileFormat.PDF:
        return FileUnderstanding(file_name, sha256, fmt, [])
    sheets = _sheets(data, fmt, limits)
    mappings, skipped = [], {}
    for sheet in sheets:
        try:
            mappings.append(detect_mapping(sheet))
        except UnrecognizedColumnsError as error:
            skipped[sheet.name] = str(error)
    if not mappings:
        raise UnrecognizedColumnsError(next(iter(skipped.values())))
    by_name = {sheet.name: sheet for sheet in sheets}
    samples = {m.sheet: sheet_samples(by_name[m.sheet], m) for m in mappings}
    return FileUnderstanding(file_name, sha256, fmt, mappings, skipped, sheets[0].encoding, samples)


def _read(
    upload: UploadedFile, limits: Limits
) -> tuple[list[SupplierDraft], list[BillDraft], list[ReviewItem]]:
    fmt = file_format(upload.data, upload.file_name, limits)
    sha256 = hashlib.sha256(upload.data).hexdigest()
    if fmt is FileFormat.PDF:
        pdf = read_pdf_bill(upload.data, upload.file_name, sha256, limits)
        return pdf.suppliers, pdf.bills, pdf.review
    sheets = {sheet.name: sheet for sheet in _sheets(upload.data, fmt, limits)}
    if upload.mappings is None:
        mappings = understand_file(upload.data, upload.file_name, limits).sheets
    else:
        mappings = list(upload.mappings)
    suppliers, bills, review = [], [], []
    for mapping in mappings:
        if mapping.sheet not in sheets:
            raise InvalidMappingError(f"{upload.file_name} has no sheet {mapping.sheet!r}.")
        drafts = read_rows(sheets[mapping.sheet], mapping, upload.file_name, sha256)
        suppliers += drafts.suppliers
        bills += drafts.bills
        review += drafts.review
    return suppliers, bills, review


def import_files(
    files: Sequence[UploadedFile],
    limits: Limits | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> ImportResult:
    """Suppliers (one per business across all files) and bills from every file."""
    limits = limits or Limits()
    suppliers: list[SupplierDraft] = []
    bills: list[BillDraft] = []
    review: list[ReviewItem] = []
    for upload in files:
        more_suppliers, more_bills, more_review = _read(upload, limits)
        suppliers += more_suppliers
        bills += more_bills
        review += more_review
    groups, ids = group_suppliers(suppliers, threshold)
    return ImportResult(
        suppliers=[supplier_record(group) for group in groups],
        bills=bill_records(bills, ids),
        review=review,
    )


def import_file(
    data: bytes,
    file_name: str,
    mappings: Sequence[SheetMapping] | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    return import_files([UploadedFile(file_name, data, mappings)], limits)
