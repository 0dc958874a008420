"""Xero's MS-JSON and ISO dates, read as Codat's; days and instants kept apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ledgerport.connectors.xero.dates import (
    business_date,
    financial_year_start,
    if_modified_since,
    parse_ms_date,
    parse_xero_moment,
    timestamp,
    xero_date,
)


def test_ms_json_dates_are_milliseconds_since_the_epoch_in_utc() -> None:
    assert parse_ms_date("/Date(1539993600000+0000)/") == datetime(2018, 10, 20, tzinfo=UTC)
    # The offset says where it was shown, not a shift of the instant.
    assert parse_ms_date("/Date(1539993600000+1300)/") == datetime(2018, 10, 20, tzinfo=UTC)
    assert parse_ms_date("/Date(1455827393000)/") == datetime(2016, 2, 18, 20, 29, 53, tzinfo=UTC)
    assert parse_ms_date("/Date(-86400000+0000)/") == datetime(1969, 12, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="MS-JSON"):
        parse_ms_date("2018-10-20")


@pytest.mark.parametrize("value", [None, "", "  ", "/Date(nope)/", "yesterday", 12])
def test_nonsense_is_no_date_rather_than_an_error(value: object) -> None:
    assert parse_xero_moment(value) is None
    assert timestamp(value) is None


def test_iso_forms_are_read_too() -> None:
    assert parse_xero_moment("2018-11-02T16:31:30Z") == datetime(
        2018, 11, 2, 16, 31, 30, tzinfo=UTC
    )
    assert parse_xero_moment("2018-10-20T00:00:00") == datetime(2018, 10, 20, tzinfo=UTC)
    plus = parse_xero_moment("2020-02-06T12:17:43.202-08:00")
    assert plus == datetime(2020, 2, 6, 20, 17, 43, 202000, tzinfo=UTC)


def test_business_dates_are_naive_days_and_the_date_string_wins() -> None:
    record = {"DateString": "2018-10-20T00:00:00", "Date": "/Date(1539993600000+0000)/"}
    assert business_date(record, "Date") == "2018-10-20T00:00:00"
    assert business_date({"Date": "/Date(1539993600000+0000)/"}, "Date") == "2018-10-20T00:00:00"
    # DateString is the organisation's day, even if the MS date says otherwise.
    assert (
        business_date(
            {"DateString": "2018-10-21T00:00:00", "Date": "/Date(1539993600000)/"}, "Date"
        )
        == "2018-10-21T00:00:00"
    )
    assert business_date({}, "DueDate") is None


def test_stamps_are_utc_instants_with_milliseconds_when_there_are_any() -> None:
    assert timestamp("/Date(1541176290160+0000)/") == "2018-11-02T16:31:30.160Z"
    assert timestamp("/Date(1541176290000+0000)/") == "2018-11-02T16:31:30Z"


def test_if_modified_since_is_sent_as_utc_to_the_second() -> None:
    since = datetime(2024, 6, 1, 14, 5, 9, 999, tzinfo=timezone(timedelta(hours=2)))
    assert if_modified_since(since) == "2024-06-01T12:05:09"
    assert if_modified_since(datetime(2024, 6, 1)) == "2024-06-01T00:00:00"


def test_written_dates_are_the_day_written() -> None:
    assert xero_date("2024-06-01T00:00:00") == "2024-06-01"
    assert xero_date("2024-06-01T23:30:00-05:00") == "2024-06-01"
    assert xero_date("2024-06-01") == "2024-06-01"
    assert xero_date("June") is None
    assert xero_date(None) is None


@pytest.mark.parametrize(
    ("day", "month", "today", "start"),
    [
        (31, 3, date(2026, 11, 20), "2026-04-01T00:00:00"),
        (31, 3, date(2026, 2, 1), "2025-04-01T00:00:00"),
        (31, 12, date(2026, 6, 1), "2026-01-01T00:00:00"),
        (31, 12, date(2026, 1, 1), "2026-01-01T00:00:00"),
        (29, 2, date(2026, 6, 1), "2026-03-01T00:00:00"),
        (30, 6, date(2024, 7, 1), "2024-07-01T00:00:00"),
    ],
)
def test_the_financial_year_starts_the_day_after_the_last_year_end(
    day: int, month: int, today: date, start: str
) -> None:
    assert financial_year_start(day, month, today) == start


def test_no_year_end_is_no_start() -> None:
    assert financial_year_start(None, 3, date(2026, 1, 1)) is None
    assert financial_year_start(31, 2, date(2026, 1, 1)) is None
