"""Xero's date forms, as Codat's. Pure.

Xero writes every date twice: MS-JSON ``/Date(1539993600000+0000)/`` (milliseconds
since the epoch, UTC; the offset, when there is one, only says which zone it was shown
in) and, on documents, an ISO ``DateString`` without a zone. Business dates (an
invoice's ``Date``) are days, kept naive as Codat keeps them (``2018-10-20T00:00:00``);
stamps (``UpdatedDateUTC``) are instants in UTC (``2018-11-02T16:31:30.160Z``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ledgerport.domain.accounting.fields import datetime_to_json

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_ms_date(value: str) -> datetime:
    """An MS-JSON date as an aware UTC datetime; ``ValueError`` if it is not one."""
    match = _MS_DATE.match(value.strip())
    if match is None:
        raise ValueError(f"not an MS-JSON date: {value!r}")
    return _EPOCH + timedelta(milliseconds=int(match.group(1)))


def parse_xero_moment(value: Any) -> datetime | None:
    """Any date Xero writes (MS-JSON, ISO with or without a zone) as an aware UTC
    datetime; None for nothing or nonsense (a mapping is total: it never raises)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if text.startswith("/Date("):
            return parse_ms_date(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def business_date(record: Mapping[str, Any], key: str) -> str | None:
    """A document's day (``Date``, ``DueDate``...) as Codat's naive ``...T00:00:00``.

    The ISO ``<key>String`` is the day as the organisation saw it, so it wins; the
    MS-JSON value is midnight UTC of that same day for dates Xero stores as days."""
    for candidate in (record.get(f"{key}String"), record.get(key)):
        moment = parse_xero_moment(candidate)
        if moment is not None:
            day = moment.date()
            return datetime(day.year, day.month, day.day).isoformat()
    return None


def timestamp(value: Any) -> str | None:
    """An instant (``UpdatedDateUTC``, ``CreatedDateUTC``) as Codat's UTC ``...Z``."""
    moment = parse_xero_moment(value)
    return datetime_to_json(moment) if moment is not None else None


def if_modified_since(since: datetime) -> str:
    """The ``If-Modified-Since`` header: Xero documents a UTC timestamp in ISO 8601,
    to the second (``2009-11-12T00:00:00``). A naive ``since`` is taken as UTC."""
    moment = since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def xero_date(value: Any) -> str | None:
    """A Codat date or date-time (``2024-06-01T00:00:00``, ``2024-06-01``) as the day
    Xero takes on writes (``2024-06-01``); None if it is not one. An offset is not
    converted: a business date is the day written, wherever it was written."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def financial_year_start(end_day: Any, end_month: Any, today: date) -> str | None:
    """The first day of the financial year ``today`` falls in, given Xero's
    ``FinancialYearEndDay``/``Month``; None if they are missing or not a date."""
    if not isinstance(end_day, int) or not isinstance(end_month, int):
        return None
    for year in (today.year, today.year - 1, today.year - 2):
        try:
            end = _year_end(year, end_month, end_day)
        except ValueError:
            return None
        start = end + timedelta(days=1)
        if start <= today:
            return datetime(start.year, start.month, start.day).isoformat()
    return None


def _year_end(year: int, month: int, day: int) -> date:
    # 29 February ends a year only in leap years; Xero stores the day as given.
    if month == 2 and day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)
