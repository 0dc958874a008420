"""How the company pays its bills, as of ``today``.

* **Outstanding**: ``amountDue`` of every open bill (not void, deleted or draft; issued
  on or before today), whenever issued.
* **Days payable outstanding** = outstanding / billed in the window x days in the window
  (from its first day to today, inclusive); null when nothing was billed.
* **Paid bills** are bills issued in the window that are settled: the day their
  allocations (payments and credit notes) first covered the total. A paid bill is
  **late** when settled after its due date. Shares are by count and by amount (the
  bills' totals); **days to pay** is issue → settled, weighted by the bills' totals.
* **Overdue**: open bills due before today, aged by days past due (1-30, 31-60, 61-90,
  over 90). **Upcoming**: open bills due from today to ``upcoming_days`` ahead.
  Amounts are what is still due; lists are ordered by due date, then bill id.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerport.domain.spend.books import Books
from ledgerport.domain.spend.documents import Bill
from ledgerport.domain.spend.money import ZERO, percentage, rounded, weighted_average
from ledgerport.domain.spend.suppliers import supplier_name

AGE_BUCKETS = ((1, 30), (31, 60), (61, 90), (91, None))


def _open_bills(books: Books) -> list[Bill]:
    today = books.options.today
    return [
        b
        for b in books.bills
        if b.is_outstanding and b.issue_date is not None and b.issue_date <= today
    ]


def _item(books: Books, bill: Bill, today: date) -> dict[str, Any]:
    assert bill.amount_due is not None
    assert bill.due_date is not None
    return {
        "billId": bill.id,
        "reference": bill.reference,
        "supplierId": bill.supplier_id,
        "supplierName": supplier_name(books, bill.supplier_id) if bill.supplier_id else None,
        "issueDate": bill.issue_date.isoformat() if bill.issue_date else None,
        "dueDate": bill.due_date.isoformat(),
        "daysPastDue": (today - bill.due_date).days,
        "currency": bill.currency,
        "amountDueInCurrency": rounded(bill.amount_due_in_currency),
        "amountDue": rounded(bill.amount_due),
    }


def _listing(books: Books, bills: list[Bill]) -> dict[str, Any]:
    bills = sorted(bills, key=lambda b: (b.due_date, b.id))
    return {
        "count": len(bills),
        "amount": rounded(sum((b.amount_due or ZERO for b in bills), ZERO)),
        "bills": [_item(books, b, books.options.today) for b in bills],
    }


def behaviour_section(books: Books) -> dict[str, Any]:
    today = books.options.today
    open_bills = _open_bills(books)
    outstanding = sum((b.amount_due or ZERO for b in open_bills), ZERO)
    window_bills = books.spend_bills()
    billed = sum((b.total or ZERO for b in window_bills), ZERO)
    days = (today - books.start).days + 1
    paid = [b for b in window_bills if b.settled_on is not None and b.due_date is not None]
    late = [b for b in paid if b.is_paid_late]
    paid_amount = sum((b.total or ZERO for b in paid), ZERO)
    late_amount = sum((b.total or ZERO for b in late), ZERO)
    dated = [b for b in open_bills if b.due_date is not None]
    overdue = [b for b in dated if b.due_date is not None and b.due_date < today]
    horizon = today + timedelta(days=books.options.upcoming_days)
    upcoming = [b for b in dated if b.due_date is not None and today <= b.due_date <= horizon]
    buckets = []
    for low, high in AGE_BUCKETS:
        aged = [
            b
            for b in overdue
            if b.due_date is not None
            and low <= (today - b.due_date).days
            and (high is None or (today - b.due_date).days <= high)
        ]
        buckets.append(
            {
                "daysPastDue": f"{low}-{high}" if high else f"over {low - 1}",
                "count": len(aged),
                "amount": rounded(sum((b.amount_due or ZERO for b in aged), ZERO)),
            }
        )
    dpo: float | None = rounded(outstanding / billed * days) if billed > 0 else None
    return {
        "asOf": today.isoformat(),
        "outstandingCount": len(open_bills),
        "outstandingAmount": rounded(outstanding),
        "daysPayableOutstanding": dpo,
        "paidBillsCount": len(paid),
        "paidBillsAmount": rounded(paid_amount),
        "paidLateCount": len(late),
        "paidLateAmount": rounded(late_amount),
        "paidLatePercentageByCount": percentage(Decimal(len(late)), Decimal(len(paid))),
        "paidLatePercentageByAmount": percentage(late_amount, paid_amount),
        "averageDaysToPayWeighted": weighted_average(
            [(b.total or ZERO, b.settlement_days or 0) for b in paid]
        ),
        "overdue": {**_listing(books, overdue), "ageing": buckets},
        "upcoming": {"withinDays": books.options.upcoming_days, **_listing(books, upcoming)},
    }
