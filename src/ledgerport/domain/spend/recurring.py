"""Recurring suppliers: billed in at least ``recurring_min_months`` of the last
``recurring_months`` calendar months (ending with the month of ``today``), at a regular
cadence.

Cadence is read from the gaps, in days, between consecutive distinct issue dates of the
supplier's bills in those months. It is *regular* when the median absolute deviation
of the gaps is at most a quarter of the median gap (a monthly bill on the 28th-31st is
regular; bills at random intervals are not). Named by the median gap: weekly (up to 10
days), fortnightly (11-20), monthly (21-45), quarterly (46-120), else "other". The next
bill is expected a calendar month (monthly) or three (quarterly) after the last, on the
same day of the month where it exists; otherwise one median gap after the last.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import date, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from ledgerport.domain.reports.amounts import month_from_date
from ledgerport.domain.spend.books import Books
from ledgerport.domain.spend.money import ZERO, rounded
from ledgerport.domain.spend.suppliers import supplier_name


def cadence_name(gap: float) -> str:
    if gap <= 10:
        return "Weekly"
    if gap <= 20:
        return "Fortnightly"
    if gap <= 45:
        return "Monthly"
    if gap <= 120:
        return "Quarterly"
    return "Other"


def next_expected(last: date, cadence: str, gap: float) -> date:
    months = {"Monthly": 1, "Quarterly": 3}.get(cadence)
    if months is None:
        return last + timedelta(days=round(gap))
    index = last.year * 12 + last.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(last.day, calendar.monthrange(year, month + 1)[1]))


def is_regular(gaps: list[int]) -> bool:
    if not gaps:
        return False
    middle = median(gaps)
    if middle <= 0:
        return False
    spread = median(abs(g - middle) for g in gaps)
    return spread <= middle / 4


def recurring_section(books: Books) -> dict[str, Any]:
    options = books.options
    last = month_from_date(options.today)
    first = last - options.recurring_months + 1
    dates: dict[str, list[date]] = {}
    amounts: dict[str, Decimal] = {}
    for bill in books.bills:
        if not bill.is_spend or not bill.supplier_id or bill.issue_date is None:
            continue
        if not first <= month_from_date(bill.issue_date) <= last or bill.issue_date > options.today:
            continue
        assert bill.total is not None
        dates.setdefault(bill.supplier_id, []).append(bill.issue_date)
        amounts[bill.supplier_id] = amounts.get(bill.supplier_id, ZERO) + bill.total
    found: list[dict[str, Any]] = []
    for supplier_id in sorted(dates):
        days = sorted(set(dates[supplier_id]))
        months = {month_from_date(d) for d in days}
        if len(months) < options.recurring_min_months:
            continue
        gaps = [(b - a).days for a, b in itertools.pairwise(days)]
        if not is_regular(gaps):
            continue
        gap = median(gaps)
        cadence = cadence_name(gap)
        count = len(dates[supplier_id])
        found.append(
            {
                "supplierId": supplier_id,
                "supplierName": supplier_name(books, supplier_id),
                "monthsBilled": len(months),
                "billsCount": count,
                "cadence": cadence,
                "medianDaysBetweenBills": float(gap),
                "averageBillAmount": rounded(amounts[supplier_id] / count),
                "averageMonthlyAmount": rounded(amounts[supplier_id] / options.recurring_months),
                "lastBilled": days[-1].isoformat(),
                "nextExpected": next_expected(days[-1], cadence, gap).isoformat(),
            }
        )
    found.sort(key=lambda r: (-r["averageMonthlyAmount"], r["supplierId"]))
    return {
        "minimumMonths": options.recurring_min_months,
        "ofMonths": options.recurring_months,
        "suppliers": found,
    }
