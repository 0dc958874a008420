"""Which periods a report covers, from Codat's ``periodLength``, ``periodsToCompare`` and
``startMonth``.

Reports run backwards from ``startMonth``: the first report is the period that *ends*
with that month, each next one the ``periodLength`` months before it. So the default
start (the most recent month with data) is always in the first report, whatever the
period length, and no period reaches into months that have not happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ledgerport.domain.reports.amounts import Month, first_day, last_day, month_from_date

MAX_PERIOD_LENGTH = 12
# Ten years of monthly columns: enough for any comparison, and a bound on the work one
# request can ask for.
MAX_PERIODS_TO_COMPARE = 120


class ReportRequestError(ValueError):
    """A report parameter out of range or unreadable (the API's 400)."""


@dataclass(frozen=True)
class Period:
    first: Month
    last: Month

    @property
    def from_date(self) -> date:
        return first_day(self.first)

    @property
    def to_date(self) -> date:
        return last_day(self.last)

    def __contains__(self, month: object) -> bool:
        return isinstance(month, int) and self.first <= month <= self.last


@dataclass(frozen=True)
class ReportRequest:
    period_length: int
    periods_to_compare: int
    start_month: Month | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.period_length <= MAX_PERIOD_LENGTH:
            raise ReportRequestError(
                f"periodLength must be between 1 and {MAX_PERIOD_LENGTH} months "
                f"(got {self.period_length})."
            )
        if not 1 <= self.periods_to_compare <= MAX_PERIODS_TO_COMPARE:
            raise ReportRequestError(
                f"periodsToCompare must be between 1 and {MAX_PERIODS_TO_COMPARE} "
                f"(got {self.periods_to_compare})."
            )

    def periods(self, default_start: Month) -> list[Period]:
        """The reported periods, newest first (the order of Codat's ``reports``)."""
        end = self.start_month if self.start_month is not None else default_start
        length = self.period_length
        return [
            Period(first=end - i * length - (length - 1), last=end - i * length)
            for i in range(self.periods_to_compare)
        ]


def parse_start_month(text: str) -> Month:
    """``startMonth`` as Codat's DateTime (``2023-02-01T00:00:00``, with or without a
    zone) or just a date or ``YYYY-MM``; only its month counts."""
    value = text.strip()
    try:
        if len(value) == 7:
            return month_from_date(date.fromisoformat(value + "-01"))
        if len(value) == 10:
            return month_from_date(date.fromisoformat(value))
        return month_from_date(datetime.fromisoformat(value.replace("Z", "+00:00")).date())
    except ValueError:
        raise ReportRequestError(
            f"startMonth '{text}' is not a date; use ISO 8601, e.g. 2023-02-01T00:00:00."
        ) from None
