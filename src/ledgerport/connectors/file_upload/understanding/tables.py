"""Spreadsheets as rows of cells: CSV (any delimiter, any of our encodings) and XLSX (every
sheet). Cells stay as the parser gives them (text, or a number or datetime from Excel), so
column detection can see what a value *is* before deciding what it means."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ledgerport.connectors.file_upload.understanding.decoding import decode_text
from ledgerport.connectors.file_upload.understanding.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
)
from ledgerport.connectors.file_upload.understanding.limits import Limits

Cell = str | Decimal | datetime | date | None


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Cell]]
    encoding: str | None = None
    delimiter: str | None = None


def _too_many_rows(limits: Limits) -> FileTooLargeError:
    return FileTooLargeError(f"The file has more than {limits.max_rows:,} rows; split it.")


def _delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the most equal, widest rows."""
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    best, best_score = ",", 0.0
    for delimiter in (",", ";", "\t", "|"):
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (width - 1) * count / len(widths)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, limits: Limits) -> Sheet:
    decoded = decode_text(data)
    delimiter = _delimiter(decoded.text[:20_000])
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter):
            if len(rows) >= limits.max_rows:
                raise _too_many_rows(limits)
            rows.append(list(row))
    except csv.Error as error:
        raise CorruptFileError(f"The CSV cannot be read: {error}.") from error
    return Sheet("csv", rows, decoded.encoding, delimiter)


def _excel_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | datetime | date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return Decimal(repr(value))
    return str(value)


def read_xlsx(data: bytes, limits: Limits) -> list[Sheet]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise CorruptFileError("The file is a ZIP archive but not an Excel workbook.")
    except zipfile.BadZipFile as error:
        raise CorruptFileError("The Excel file is damaged and cannot be opened.") from error
    if unpacked > limits.max_unpacked_bytes:
        raise FileTooLargeError("The workbook is too large once unpacked; split it.")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises whatever its XML layer met
        raise CorruptFileError("The Excel file is damaged and cannot be opened.") from error
    sheets, total = [], 0
    try:
        for sheet in book.worksheets:
            rows: list[list[Cell]] = []
            for values in sheet.iter_rows(values_only=True):
                total += 1
                if total > limits.max_rows:
                    raise _too_many_rows(limits)
                rows.append([_excel_cell(value) for value in values])
            sheets.append(Sheet(sheet.title, rows))
    except FileTooLargeError:
        raise
    except Exception as error:
        raise CorruptFileError("The Excel file is damaged and cannot be read.") from error
    finally:
        book.close()
    return sheets


def non_empty(rows: list[list[Cell]]) -> list[tuple[int, list[Cell]]]:
    """Rows with some content, with their 1-based row numbers in the file."""
    kept = []
    for number, row in enumerate(rows, start=1):
        if any(
            cell not in (None, "") and not (isinstance(cell, str) and not cell.strip())
            for cell in row
        ):
            kept.append((number, row))
    return kept


def require_rows(sheets: list[Sheet]) -> None:
    if not any(non_empty(sheet.rows) for sheet in sheets):
        raise EmptyFileError("The file has no rows.")
