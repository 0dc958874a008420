"""What one analysis reads: the company's documents (as Codat dicts) and the options,
parsed once into :class:`Books`, with the reporting window every section shares.

The window is whole calendar months: the ``months`` months ending with the month of
``today`` (the last one partial, up to and including ``today``). Spend, suppliers,
categories and the Codat analyses count documents *issued* (payments: *dated*) in it;
what is owed (outstanding, overdue, upcoming) is every open bill, whenever issued.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerport.domain.reports.amounts import Month, first_day, month_from_date
from ledgerport.domain.spend.documents import (
    Account,
    Bill,
    CreditNote,
    DirectCost,
    Payment,
    Supplier,
    day_of,
    is_deleted,
    method_types,
    parse_account,
    parse_bill,
    parse_credit_note,
    parse_direct_cost,
    parse_payment,
    parse_supplier,
)

Document = Mapping[str, Any]


class SpendOptionsError(ValueError):
    """Options no analysis can be run with."""


@dataclass(frozen=True)
class SpendOptions:
    today: date
    months: int = 12
    top_suppliers: int = 10
    # Recurring: billed in at least ``recurring_min_months`` of the last
    # ``recurring_months`` months, at a regular cadence.
    recurring_min_months: int = 6
    recurring_months: int = 12
    # Duplicates: issue dates at most this many days apart.
    duplicate_window_days: int = 3
    upcoming_days: int = 30

    def __post_init__(self) -> None:
        if not 1 <= self.months <= 120:
            raise SpendOptionsError("months must be between 1 and 120")
        if not 1 <= self.recurring_min_months <= self.recurring_months <= 120:
            raise SpendOptionsError("need 1 <= recurring_min_months <= recurring_months <= 120")
        if self.top_suppliers < 1 or self.duplicate_window_days < 0 or self.upcoming_days < 0:
            raise SpendOptionsError("top_suppliers must be positive; day counts not negative")


@dataclass(frozen=True)
class SpendInputs:
    """The pulled documents, as the data API serves them."""

    bills: Iterable[Document] = ()
    bill_payments: Iterable[Document] = ()
    suppliers: Iterable[Document] = ()
    bill_credit_notes: Iterable[Document] = ()
    accounts: Iterable[Document] = ()
    payment_methods: Iterable[Document] = ()
    direct_costs: Iterable[Document] = ()
    company_info: Document | None = None


@dataclass
class Books:
    options: SpendOptions
    base_currency: str | None
    bills: list[Bill]
    payments: list[Payment]
    credit_notes: list[CreditNote]
    direct_costs: list[DirectCost]
    suppliers: dict[str, Supplier]
    accounts: dict[str, Account]
    unconverted: Counter[str] = field(default_factory=Counter)  # currency → documents

    @property
    def last_month(self) -> Month:
        return month_from_date(self.options.today)

    @property
    def first_month(self) -> Month:
        return self.last_month - self.options.months + 1

    @property
    def start(self) -> date:
        return first_day(self.first_month)

    def in_window(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.options.today

    def spend_bills(self) -> list[Bill]:
        """Bills counted as spend in the window, in id order."""
        return [b for b in self.bills if b.is_spend and self.in_window(b.issue_date)]

    def window_payments(self) -> list[Payment]:
        """Payments that moved money in the window."""
        return [
            p
            for p in self.payments
            if p.amount is not None and p.amount != 0 and self.in_window(p.date)
        ]


def _base_currency(inputs: SpendInputs, bills: list[Document]) -> str | None:
    """The company info's base currency; else the bills' most common currency."""
    info = inputs.company_info or {}
    if isinstance(info.get("baseCurrency"), str) and info["baseCurrency"]:
        return str(info["baseCurrency"])
    counts = Counter(b["currency"] for b in bills if isinstance(b.get("currency"), str))
    return min(counts, key=lambda c: (-counts[c], c)) if counts else None


def _live(documents: Iterable[Document]) -> list[Document]:
    return sorted((d for d in documents if not is_deleted(d)), key=lambda d: str(d.get("id")))


def build_books(inputs: SpendInputs, options: SpendOptions) -> Books:
    raw_bills = sorted(inputs.bills, key=lambda d: str(d.get("id")))
    base = _base_currency(inputs, raw_bills)
    methods = method_types(_live(inputs.payment_methods))
    payments = [parse_payment(d, base, methods) for d in _live(inputs.bill_payments)]
    # What each bill's payments allocated to it, by day: the fallback for a bill that
    # carries no paymentAllocations of its own.
    links: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for payment in payments:
        for bill_id, amount in payment.bill_amounts:
            if payment.date is not None:
                links[bill_id].append((payment.date, amount))
    bills = [parse_bill(d, base, links.get(str(d.get("id")), [])) for d in raw_bills]
    books = Books(
        options=options,
        base_currency=base,
        bills=bills,
        payments=payments,
        credit_notes=[
            parse_credit_note(d, base)
            for d in _live(inputs.bill_credit_notes)
            if d.get("status") not in ("Void", "Draft")
        ],
        direct_costs=[parse_direct_cost(d, base, methods) for d in _live(inputs.direct_costs)],
        suppliers={s.id: s for s in map(parse_supplier, _live(inputs.suppliers))},
        accounts={a.id: a for a in map(parse_account, _live(inputs.accounts))},
    )
    for raw, bill in zip(raw_bills, bills, strict=True):
        if bill.total is None and not bill.is_deleted and day_of(raw.get("issueDate")):
            books.unconverted[bill.currency or "?"] += 1
    return books
