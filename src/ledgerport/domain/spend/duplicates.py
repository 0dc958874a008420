"""Possible duplicate bills: two bills of the same supplier for the same total in the
same currency, issued at most ``duplicate_window_days`` apart, with different ids.
Deleted and void bills are never matched; drafts are (a duplicate is best caught before
it is approved). Each pair is listed once, earlier bill first (then by id), and pairs
are ordered by supplier, date and ids.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ledgerport.domain.spend.books import Books
from ledgerport.domain.spend.documents import VOID, Bill
from ledgerport.domain.spend.money import rounded
from ledgerport.domain.spend.suppliers import supplier_name


def _candidate(bill: Bill) -> bool:
    return (
        not bill.is_deleted
        and bill.status != VOID
        and bill.supplier_id is not None
        and bill.issue_date is not None
        and bill.total_in_currency != 0
    )


def duplicates_section(books: Books) -> dict[str, Any]:
    window = books.options.duplicate_window_days
    groups: dict[tuple[str, str, Decimal], list[Bill]] = defaultdict(list)
    for bill in books.bills:
        if _candidate(bill):
            assert bill.supplier_id is not None
            key = (bill.supplier_id, (bill.currency or "").upper(), bill.total_in_currency)
            groups[key].append(bill)
    pairs = []
    for (supplier_id, _, _), bills in groups.items():
        bills.sort(key=lambda b: (b.issue_date, b.id))
        for i, first in enumerate(bills):
            assert first.issue_date is not None
            for second in bills[i + 1 :]:
                assert second.issue_date is not None
                apart = (second.issue_date - first.issue_date).days
                if apart > window:
                    break
                pairs.append(
                    {
                        "supplierId": supplier_id,
                        "supplierName": supplier_name(books, supplier_id),
                        "billId": first.id,
                        "duplicateBillId": second.id,
                        "billReference": first.reference,
                        "duplicateBillReference": second.reference,
                        "issueDate": first.issue_date.isoformat(),
                        "duplicateIssueDate": second.issue_date.isoformat(),
                        "daysApart": apart,
                        "currency": first.currency,
                        "amount": rounded(first.total_in_currency),
                        "sameReference": first.reference is not None
                        and first.reference == second.reference,
                        "statuses": [first.status, second.status],
                    }
                )
    pairs.sort(key=lambda p: (p["supplierId"], p["issueDate"], p["billId"], p["duplicateBillId"]))
    return {"windowDays": window, "pairs": pairs}
