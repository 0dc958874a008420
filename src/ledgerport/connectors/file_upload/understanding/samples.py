"""A few values of each mapped column, so a person confirming a mapping sees what the
column holds rather than its header alone ("Date" of what? 03/04 or 04/03?). Taken
while the file is understood (its sheets are in memory then), and kept with the upload,
so showing them never reads the file again."""

from __future__ import annotations

from datetime import date, datetime

from ledgerport.connectors.file_upload.understanding.cells import clean_text
from ledgerport.connectors.file_upload.understanding.mapping import SheetMapping
from ledgerport.connectors.file_upload.understanding.tables import (
    Cell,
    Sheet,
    non_empty,
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


def sheet_samples(sheet: Sheet, mapping: SheetMapping, per_column: int = 3) -> dict[int, list[str]]:
    """Up to ``per_column`` non-empty values of each mapped column, from the rows below
    the header."""
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
