"""Dates in the file's own convention.

``03/04/2024`` is 3 April in London and March 4th in New York; nothing in the cell says
which. So the order is decided once per file from all its date cells
(:func:`date_order`): a first part above 12 proves day-first, a second part above 12
proves month-first, dotted dates (``23.11.2026``) are day-first wherever they are written.
When nothing decides, the answer is ``None`` and a person chooses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum


class DateOrder(StrEnum):
    DAY_FIRST = "DMY"
    MONTH_FIRST = "MDY"


MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january janvier janv januar enero ene januari jän jänner",
        "feb february février fevrier févr fev februar febrero februari",
        "mar march mars märz maerz marzo mrt maart",
        "apr april avril avr abril",
        "may mai mayo mei",
        "jun june juin juni junio",
        "jul july juillet juil juli julio",
        "aug august août aout agosto augustus ago",
        "sep sept september septembre septiembre set",
        "oct october octobre oktober octubre okt",
        "nov november novembre noviembre",
        "dec december décembre decembre dezember diciembre dic dez",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+Z?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})\.?\s*(?:de\s+)?([^\W\d_]+)\.?,?\s*(?:de\s+)?(\d{4})$")
_NAMED_US = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def numeric_parts(text: str) -> tuple[int, int, str] | None:
    """The two leading parts and separator of a ``nn/nn/yyyy`` cell, for order detection."""
    match = _NUMERIC.match(text.strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(3)), match.group(2)


def date_order(cells: Iterable[str]) -> DateOrder | None:
    """The one order every numeric date of the file fits, or ``None`` when undecided.

    Cells that prove both orders (a file mixing conventions) also give ``None``."""
    day_first = month_first = False
    for cell in cells:
        parts = numeric_parts(cell)
        if parts is None:
            continue
        first, second, sep = parts
        if first > 12 or (sep == "." and second <= 12):
            day_first = True
        if second > 12:
            month_first = True
    if day_first == month_first:
        return None
    return DateOrder.DAY_FIRST if day_first else DateOrder.MONTH_FIRST


def needs_order(text: str) -> bool:
    """Whether reading this cell depends on the file's date order."""
    parts = numeric_parts(text)
    return parts is not None and parts[0] <= 12 and parts[1] <= 12 and parts[0] != parts[1]


def parse_date(value: object, order: DateOrder | None) -> date | None:
    """A cell as a date, or ``None`` when it is not one (or needs an order we lack)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _ISO.match(text):
        return _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(text):
        first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
        if order is None:
            if first > 12 or first == second:
                order = DateOrder.DAY_FIRST
            elif second > 12:
                order = DateOrder.MONTH_FIRST
            else:
                return None
        if order is DateOrder.DAY_FIRST:
            return _safe(year, second, first)
        return _safe(year, first, second)
    if match := _NAMED.match(text):
        month = MONTHS.get(match.group(2).lower())
        return _safe(int(match.group(3)), month, int(match.group(1))) if month else None
    if match := _NAMED_US.match(text):
        month = MONTHS.get(match.group(1).lower())
        return _safe(int(match.group(3)), month, int(match.group(2))) if month else None
    return None


def looks_like_date(value: object) -> bool:
    """Whether a cell is a date in some order (for column detection)."""
    if isinstance(value, date):
        return True
    if isinstance(value, str):
        if numeric_parts(value.strip()) is not None:
            return True
        return parse_date(value, None) is not None
    return False
