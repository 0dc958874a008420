"""QBO's time forms, pure: ``MetaData`` stamps in Pacific time with their offset
(``2026-11-03T01:02:03-08:00``, as Intuit's examples show), the ``time`` of every answer
with milliseconds, ``TxnDate`` as ``YYYY-MM-DD``, and reading the date-times clients
send in queries and in CDC's ``changedSince``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")


def stamp(moment: datetime) -> str:
    """A ``MetaData`` time: to the second, in Pacific time, with its offset."""
    local = moment.astimezone(PACIFIC).replace(microsecond=0)
    return local.isoformat()


def response_time(moment: datetime) -> str:
    """The ``time`` every answer carries: Pacific time with milliseconds."""
    local = moment.astimezone(PACIFIC)
    text = local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}"
    return text + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]


def txn_date(value: str | date | datetime) -> str:
    """A document date as ``YYYY-MM-DD`` (the sandbox writes ``2026-11-19T00:00:00``)."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return value[:10]


def parse_codat(value: str) -> datetime:
    """A sandbox (Codat) timestamp, ``...Z`` or naive UTC, as an aware datetime."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_moment(value: str) -> datetime:
    """A date-time a client sent: with an offset (``...-08:00`` or ``Z``), naive (read as
    Pacific time, the zone QBO answers in: python-quickbooks sends CDC's
    ``changedSince`` naive), or a bare date (midnight Pacific). Raises ValueError."""
    text = value.strip()
    if not text:
        raise ValueError("empty date-time")
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=PACIFIC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=PACIFIC) if moment.tzinfo is None else moment
