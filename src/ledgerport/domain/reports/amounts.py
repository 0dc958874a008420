"""Amounts and months as the reports and the quality checks read them from documents.

Documents come from JSON, where money is a float; sums are taken in ``Decimal`` so a
section is exactly the sum of its lines, and only the finished report goes back to float.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
# Two amounts "agree" when they round to the same cent.
CENT = Decimal("0.005")

# A month as one integer (year * 12 + month - 1): month arithmetic is then plain
# addition, and months sort and compare as numbers.
Month = int


def to_decimal(value: Any) -> Decimal | None:
    """A JSON amount as a Decimal; ``None`` for a missing or non-numeric value."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        # str() of a float is its shortest round-tripping form: 0.1 stays 0.1.
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def agree(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) < CENT


def money(value: Decimal) -> str:
    """An amount as a message shows it: two decimals, like Codat's own messages."""
    return f"{value:.2f}"


def month_of(value: Any) -> Month | None:
    """The month of an ISO 8601 date or date-time string (``2024-06-01T00:00:00Z``)."""
    if not isinstance(value, str) or len(value) < 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:7]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        return None
    return int(year) * 12 + int(month) - 1


def month_from_date(value: date) -> Month:
    return value.year * 12 + value.month - 1


def first_day(month: Month) -> date:
    return date(month // 12, month % 12 + 1, 1)


def last_day(month: Month) -> date:
    year, number = month // 12, month % 12 + 1
    return date(year, number, calendar.monthrange(year, number)[1])


def report_date(day: date) -> str:
    """A report date as Codat's examples write it: midnight, no zone."""
    return f"{day.isoformat()}T00:00:00"
