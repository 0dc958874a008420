"""Top suppliers and how concentrated spend is among them.

A supplier's spend is what it billed in the window (bills' ``totalAmount``, base
currency); credit notes are shown beside it but do not reorder the ranking. Shares are
percentages of all billed spend. Concentration: the share of the top 1, 5 and 10
suppliers, and the Herfindahl-Hirschman index, the sum of every supplier's squared
percentage share (0-10,000: 10,000 is one supplier; below 1,500 is usually read as
unconcentrated, above 2,500 as highly concentrated). Ties are broken by supplier id.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ledgerport.domain.spend.books import Books
from ledgerport.domain.spend.money import ZERO, percentage, rounded

NO_SUPPLIER = ""  # bills with no supplierRef are grouped under an empty id


def billed_by_supplier(books: Books) -> dict[str, tuple[Decimal, int]]:
    """Supplier id → (billed amount, bill count) in the window."""
    totals: dict[str, tuple[Decimal, int]] = {}
    for bill in books.spend_bills():
        assert bill.total is not None
        key = bill.supplier_id or NO_SUPPLIER
        amount, count = totals.get(key, (ZERO, 0))
        totals[key] = (amount + bill.total, count + 1)
    return totals


def supplier_name(books: Books, supplier_id: str) -> str | None:
    supplier = books.suppliers.get(supplier_id)
    if supplier is not None and supplier.name:
        return supplier.name
    for bill in books.bills:
        if bill.supplier_id == supplier_id and bill.supplier_name:
            return bill.supplier_name
    return None


def ranking(books: Books) -> list[tuple[str, Decimal, int]]:
    totals = billed_by_supplier(books)
    return sorted(
        ((s, amount, count) for s, (amount, count) in totals.items()),
        key=lambda row: (-row[1], row[0]),
    )


def suppliers_section(books: Books) -> dict[str, Any]:
    ranked = ranking(books)
    total = sum((amount for _, amount, _ in ranked), ZERO)
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for note in books.credit_notes:
        if note.is_counted and books.in_window(note.issue_date):
            assert note.total is not None
            credited[note.supplier_id or NO_SUPPLIER] += note.total
    top = [
        {
            "rank": position,
            "supplierId": supplier_id or None,
            "supplierName": supplier_name(books, supplier_id) if supplier_id else None,
            "billsCount": count,
            "billedAmount": rounded(amount),
            "creditedAmount": rounded(credited[supplier_id]),
            "netAmount": rounded(amount - credited[supplier_id]),
            "percentageOfSpend": percentage(amount, total),
        }
        for position, (supplier_id, amount, count) in enumerate(
            ranked[: books.options.top_suppliers], start=1
        )
    ]
    positive = [amount for _, amount, _ in ranked if amount > 0]

    def top_share(n: int) -> float:
        return percentage(sum(positive[:n], ZERO), total)

    hhi = sum(((amount * 100 / total) ** 2 for amount in positive), ZERO) if total > 0 else ZERO
    return {
        "suppliersCount": len(positive),
        "totalBilledAmount": rounded(total),
        "top": top,
        "concentration": {
            "top1Percentage": top_share(1),
            "top5Percentage": top_share(5),
            "top10Percentage": top_share(10),
            "herfindahlHirschmanIndex": rounded(hhi),
        },
    }
