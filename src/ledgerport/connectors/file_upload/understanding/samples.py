"""A few values of each mapped column, so a person confirming a mapping sees what the
column holds rather than its header alone ("Date" of what? 03/04 or 04/03?).

Reading a sheet again costs what parsing it costs, so samples are offered only for
files up to ``max_bytes``; a bigger file is reviewed by its headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ledgerport.connectors.file_upload.understanding.cells import clean_text
from ledgerport.connectors.file_upload.understanding.errors import FileImportError
from ledgerport.connectors.file_upload.understanding.formats import FileFormat
from ledgerport.connectors.file_upload.understanding.limits import Limits
from ledgerport.connectors.file_upload.understanding.mapping import SheetMapping
from ledgerport.connectors.file_upload.understanding.tables import (
    Cell,
    Sheet,
    non_empty,
    read_csv,
    read_xlsx,
)

SAMPLE_MAX_BYTES = 1024 * 1024
_WIDTH = 40


def _shown(cell: Cell) -> str:
    if isinstance(cell, datetime) and cell.time() == datetime.min.time():
        return cell.date().isoformat()
    if isinstance(cell, date | datetime):
        return cell.isoformat()
    text = clean_text(str(cell)) if cell is not None else None
    if text is None:
        return ""
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _sheet_samples(sheet: Sheet, mapping: SheetMapping, per_column: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {c.index: [] for c in mapping.columns}
    for number, row in non_empty(sheet.rows):
        if number <= mapping.header_row:
            continue
        for index, values in found.items():
            if len(values) < per_column and index < len(row) and (text := _shown(row[index])):
                values.append(text)
        if all(len(v) >= per_column for v in found.values()):
            break
    return found


def column_samples(
    data: bytes,
    file_format: str | None,
    mappings: Sequence[SheetMapping],
    per_column: int = 3,
    max_bytes: int = SAMPLE_MAX_BYTES,
) -> dict[str, dict[int, list[str]]]:
    """Per sheet name, per column index, up to ``per_column`` non-empty values from the
    rows below the header; empty when the file is too big to read again cheaply, is not
    a spreadsheet, or cannot be read (the mapping step reports that, not this one)."""
    if len(data) > max_bytes or file_format not in (FileFormat.CSV.value, FileFormat.XLSX.value):
        return {}
    limits = Limits()
    try:
        sheets = (
            read_xlsx(data, limits)
            if file_format == FileFormat.XLSX.value
            else [read_csv(data, limits)]
        )
    except FileImportError:
        return {}
    by_name = {sheet.name: sheet for sheet in sheets}
    return {
        m.sheet: _sheet_samples(by_name[m.sheet], m, per_column)
        for m in mappings
        if m.sheet in by_name
    }
