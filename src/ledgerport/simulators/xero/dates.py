"""Xero's date forms: MS-JSON ``/Date(1539993600000+0000)/`` for dates and timestamps,
ISO ``DateString`` fields beside them, and ``If-Modified-Since`` parsing. Pure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_iso(value: str) -> datetime:
    """A sandbox (Codat) date or timestamp as an aware UTC datetime: the sandbox writes
    naive ISO dates for documents and ``...Z`` for modification times."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def ms_date(moment: datetime) -> str:
    """``moment`` in Xero's MS-JSON form, milliseconds since the epoch in UTC."""
    millis = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    return f"/Date({millis}+0000)/"


def parse_ms_date(value: str) -> datetime:
    """The inverse of :func:`ms_date` (the offset, when present, is the zone the date
    is shown in; the milliseconds are always UTC)."""
    match = _MS_DATE.match(value)
    if match is None:
        raise ValueError(f"not an MS-JSON date: {value!r}")
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match.group(1)))


def date_string(moment: datetime) -> str:
    """Xero's ``DateString`` form: ISO without offset, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_if_modified_since(value: str) -> datetime | None:
    """The ``If-Modified-Since`` header as Xero clients send it: ISO 8601 (the spec's
    example, and what xero-python sends) or an HTTP date; None when unreadable, as
    Xero then ignores the header."""
    try:
        return parse_iso(value)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
