"""Total spend, its trend by month, and spend by expense account and category.

* **Billed** is the sum of bills' ``totalAmount`` (tax included) issued in the month;
  **credited** the bill credit notes issued in it; **net** = billed - credited.
* **Trend** is the least-squares slope of monthly net spend over the window's months
  (currency units per month): positive when spend is rising.
* **Categories**: each bill line's ``totalAmount`` goes to its ``accountRef`` and that
  account's ``fullyQualifiedCategory`` in the chart of accounts. A line with no account,
  or one not in the chart, is *Uncategorised*, and so is any difference between a bill's
  lines and its total, so the accounts always add up to the billed total.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ledgerport.domain.reports.amounts import first_day, last_day, month_from_date
from ledgerport.domain.spend.books import Books
from ledgerport.domain.spend.money import ZERO, percentage, rounded

UNCATEGORISED = "Uncategorised"
_CENT = Decimal("0.005")


def month_label(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def _slope(values: list[Decimal]) -> Decimal:
    n = len(values)
    if n < 2:
        return ZERO
    mean_x = Decimal(n - 1) / 2
    mean_y = sum(values, ZERO) / n
    num = sum(((i - mean_x) * (v - mean_y) for i, v in enumerate(values)), ZERO)
    den = sum(((i - mean_x) ** 2 for i in range(n)), ZERO)
    return num / den


def spend_section(books: Books) -> dict[str, Any]:
    months = list(range(books.first_month, books.last_month + 1))
    billed = dict.fromkeys(months, ZERO)
    credited = dict.fromkeys(months, ZERO)
    bill_counts = dict.fromkeys(months, 0)
    for bill in books.spend_bills():
        assert bill.issue_date is not None
        assert bill.total is not None
        month = month_from_date(bill.issue_date)
        billed[month] += bill.total
        bill_counts[month] += 1
    credit_count = 0
    for note in books.credit_notes:
        if note.is_counted and books.in_window(note.issue_date):
            assert note.issue_date is not None
            assert note.total is not None
            credited[month_from_date(note.issue_date)] += note.total
            credit_count += 1
    rows = []
    previous: Decimal | None = None
    for month in months:
        net = billed[month] - credited[month]
        rows.append(
            {
                "month": month_label(month),
                "fromDate": first_day(month).isoformat(),
                "toDate": min(last_day(month), books.options.today).isoformat(),
                "isPartial": last_day(month) > books.options.today,
                "billsCount": bill_counts[month],
                "billedAmount": rounded(billed[month]),
                "creditedAmount": rounded(credited[month]),
                "netAmount": rounded(net),
                "changeFromPreviousMonth": None if previous is None else rounded(net - previous),
            }
        )
        previous = net
    total_billed = sum(billed.values(), ZERO)
    total_credited = sum(credited.values(), ZERO)
    nets = [billed[m] - credited[m] for m in months]
    return {
        "billsCount": sum(bill_counts.values()),
        "creditNotesCount": credit_count,
        "billedAmount": rounded(total_billed),
        "creditedAmount": rounded(total_credited),
        "netAmount": rounded(total_billed - total_credited),
        "averageMonthlyNetAmount": rounded((total_billed - total_credited) / len(months)),
        "trendPerMonth": rounded(_slope(nets)),
        "months": rows,
    }


def categories_section(books: Books) -> dict[str, Any]:
    by_account: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    lines: dict[str | None, int] = defaultdict(int)
    total = ZERO
    for bill in books.spend_bills():
        assert bill.total is not None
        total += bill.total
        allocated = ZERO
        for line in bill.lines:
            key = line.account_id if line.account_id in books.accounts else None
            by_account[key] += line.amount
            lines[key] += 1
            allocated += line.amount
        if abs(bill.total - allocated) >= _CENT:
            by_account[None] += bill.total - allocated
    accounts: list[dict[str, Any]] = []
    by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in by_account.items():
        account = books.accounts.get(key) if key is not None else None
        category = (account.category if account else None) or UNCATEGORISED
        by_category[category] += amount
        accounts.append(
            {
                "accountId": key,
                "accountName": (account.name if account else None) or UNCATEGORISED,
                "nominalCode": account.nominal_code if account else None,
                "category": category,
                "linesCount": lines[key],
                "amount": amount,
            }
        )
    accounts.sort(key=lambda a: (-a["amount"], a["accountId"] is None, a["accountId"] or ""))
    for row in accounts:
        row["percentageOfSpend"] = percentage(row["amount"], total)
        row["amount"] = rounded(row["amount"])
    categories = [
        {
            "category": name,
            "amount": rounded(amount),
            "percentageOfSpend": percentage(amount, total),
        }
        for name, amount in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {"totalAmount": rounded(total), "byAccount": accounts, "byCategory": categories}
