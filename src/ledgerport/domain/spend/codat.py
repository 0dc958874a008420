"""Codat's two Spend Insights analyses: one row per supplier (``SupplierAnalysis``) and
one per payment method type (``PaymentMethodAnalysis``), over the window.

Definitions shared by both (amounts in base currency, percentages 0-100):

* bills: bills counted as spend, issued in the window; **outstanding**: those with an
  ``amountDue`` above zero; **paid late**: settled after their due date (see
  ``behaviour.py``), as a percentage of the totals of the bills settled;
* payments: bill payments dated in the window that moved money;
* **payment terms**: due - issue date in days, and **settlement period**: settled -
  issue date, each averaged weighted by the bills' totals;
* a payment's method is its ``paymentMethodRef``'s type in the pulled payment methods
  (``Unknown`` without one); a bill's is the method that paid most of it, ``Unknown``
  while unpaid; a direct cost's its own ``paymentMethodRef``, usually absent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerport.domain.spend.books import Books
from ledgerport.domain.spend.documents import (
    METHOD_TYPES,
    UNKNOWN_METHOD,
    Bill,
    DirectCost,
    Payment,
)
from ledgerport.domain.spend.money import ZERO, percentage, rounded, weighted_average

_ADDRESS_TYPES = ("Unknown", "Billing", "Delivery")


def _datetime(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00" if day else None


def _most(weights: Mapping[str, Decimal]) -> str:
    """The key with the largest weight; ties go to the earlier type in Codat's enum."""
    if not weights:
        return UNKNOWN_METHOD
    return min(weights, key=lambda k: (-weights[k], _order(k)))


def _order(method: str) -> int:
    return METHOD_TYPES.index(method) if method in METHOD_TYPES else len(METHOD_TYPES)


@dataclass
class _Tally:
    bills: list[Bill] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    direct_costs: list[DirectCost] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        billed = sum((b.total or ZERO for b in self.bills), ZERO)
        outstanding = [b for b in self.bills if b.is_outstanding]
        owed = sum((b.amount_due or ZERO for b in outstanding), ZERO)
        paid = [b for b in self.bills if b.settled_on is not None]
        late = [b for b in paid if b.is_paid_late]
        paid_amount = sum((b.total or ZERO for b in paid), ZERO)
        late_amount = sum((b.total or ZERO for b in late), ZERO)
        payments = sum((p.amount or ZERO for p in self.payments), ZERO)
        return {
            "billsCount": len(self.bills),
            "billsOutstandingCount": len(outstanding),
            "billsAmount": rounded(billed),
            "billsOutstandingAmount": rounded(owed),
            "billsOutstandingPercentageByAmount": percentage(owed, billed),
            "paymentsCount": len(self.payments),
            "billsPaidLateCount": len(late),
            "paymentsAmount": rounded(payments),
            "averagePaymentAmount": rounded(payments / len(self.payments))
            if self.payments
            else 0.0,
            "billsPaidLateAmount": rounded(late_amount),
            "billsPaidLatePercentageByAmount": percentage(late_amount, paid_amount),
            "averageBillPaymentTermsWeighted": weighted_average(
                [(b.total or ZERO, b.terms_days) for b in self.bills if b.terms_days is not None]
            ),
            "averageBillSettlementPeriodWeighted": weighted_average(
                [(b.total or ZERO, b.settlement_days or 0) for b in paid]
            ),
        }

    def direct_cost_amount(self) -> Decimal:
        return sum((d.total or ZERO for d in self.direct_costs), ZERO)


def bill_methods(books: Books) -> dict[str, str]:
    """Bill id → the payment method type that paid most of it."""
    paid: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for payment in books.payments:
        if payment.amount is None or payment.amount == 0:
            continue
        for bill_id, amount in payment.bill_amounts:
            paid[bill_id][payment.method] += amount
    return {bill_id: _most(weights) for bill_id, weights in paid.items()}


def _window_direct_costs(books: Books) -> list[DirectCost]:
    return [d for d in books.direct_costs if d.total is not None and books.in_window(d.issue_date)]


def _payment_supplier(books: Books) -> dict[str, str]:
    """Bill id → supplier, for payments that name no supplier of their own."""
    return {b.id: b.supplier_id for b in books.bills if b.supplier_id}


def _supplier_of(payment: Payment, by_bill: Mapping[str, str]) -> str | None:
    if payment.supplier_id:
        return payment.supplier_id
    return next((by_bill[b] for b, _ in payment.bill_amounts if b in by_bill), None)


def _contact(document: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "phoneNumber": document.get("phone") if isinstance(document.get("phone"), str) else None,
        "taxNumber": document.get("taxNumber")
        if isinstance(document.get("taxNumber"), str)
        else None,
    }
    for key in ("contactName", "emailAddress"):
        if isinstance(document.get(key), str) and document[key]:
            row[key] = document[key]
    addresses = []
    for address in document.get("addresses") or ():
        if isinstance(address, Mapping):
            kind = address.get("type")
            item = {"type": kind if kind in _ADDRESS_TYPES else "Unknown"}
            for key in ("line1", "line2", "city", "region", "country", "postalCode"):
                value = address.get(key)
                item[key] = value if isinstance(value, str) else None
            addresses.append(item)
    row["addresses"] = addresses
    modified = document.get("modifiedDate")
    row["importedDate"] = modified if isinstance(modified, str) else None
    return row


def supplier_analysis(books: Books) -> list[dict[str, Any]]:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for supplier_id in books.suppliers:  # every pulled supplier is listed, billed or not
        tallies[supplier_id] = _Tally()
    for bill in books.spend_bills():
        if bill.supplier_id:
            tallies[bill.supplier_id].bills.append(bill)
    by_bill = _payment_supplier(books)
    for payment in books.window_payments():
        payer = _supplier_of(payment, by_bill)
        if payer:
            tallies[payer].payments.append(payment)
    for cost in _window_direct_costs(books):
        if cost.supplier_id:
            tallies[cost.supplier_id].direct_costs.append(cost)
    rows = []
    for supplier_id, tally in tallies.items():
        supplier = books.suppliers.get(supplier_id)
        name = supplier.name if supplier else None
        name = name or next((b.supplier_name for b in tally.bills if b.supplier_name), None)
        by_count = Counter(p.method for p in tally.payments)
        by_spend: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for payment in tally.payments:
            by_spend[payment.method] += payment.amount or ZERO
        terms = Counter(b.terms_days for b in tally.bills if b.terms_days is not None)
        row: dict[str, Any] = {
            "supplierId": supplier_id,
            "supplierName": name or supplier_id,
            **_contact(supplier.document if supplier else {}),
            "latestBilled": _datetime(
                max((b.issue_date for b in tally.bills if b.issue_date), default=None)
            ),
            **tally.figures(),
            "biggestCountPaymentMethod": _most({k: Decimal(v) for k, v in by_count.items()}),
            "biggestSpendPaymentMethod": _most(by_spend),
            "latestDirectCostBilled": _datetime(
                max((d.issue_date for d in tally.direct_costs if d.issue_date), default=None)
            ),
            "directCostsCount": len(tally.direct_costs),
            "directCostsAmount": rounded(tally.direct_cost_amount()),
        }
        if terms:
            row["commonPaymentTermsDays"] = min(terms, key=lambda d: (-terms[d], d))
        rows.append(row)
    rows.sort(key=lambda r: (-r["billsAmount"], r["supplierId"]))
    return rows


def payment_method_analysis(books: Books) -> list[dict[str, Any]]:
    methods = bill_methods(books)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    suppliers: dict[str, set[str]] = defaultdict(set)
    bills = books.spend_bills()
    for bill in bills:
        method = methods.get(bill.id, UNKNOWN_METHOD)
        tallies[method].bills.append(bill)
        if bill.supplier_id:
            suppliers[method].add(bill.supplier_id)
    by_bill = _payment_supplier(books)
    for payment in books.window_payments():
        tallies[payment.method].payments.append(payment)
        supplier_id = _supplier_of(payment, by_bill)
        if supplier_id:
            suppliers[payment.method].add(supplier_id)
    costs = _window_direct_costs(books)
    for cost in costs:
        tallies[cost.method].direct_costs.append(cost)
        if cost.supplier_id:
            suppliers[cost.method].add(cost.supplier_id)
    all_suppliers = set().union(*suppliers.values()) if suppliers else set()
    billed = sum((b.total or ZERO for b in bills), ZERO)
    cost_amount = sum((d.total or ZERO for d in costs), ZERO)
    rows = []
    for method, tally in tallies.items():
        figures = tally.figures()
        rows.append(
            {
                "biggestCountPaymentMethod": method,
                "suppliersCount": len(suppliers[method]),
                "percentageSuppliersByCount": percentage(
                    Decimal(len(suppliers[method])), Decimal(len(all_suppliers))
                ),
                "percentageBillsByCount": percentage(
                    Decimal(len(tally.bills)), Decimal(len(bills))
                ),
                "percentageBillsByAmount": percentage(
                    sum((b.total or ZERO for b in tally.bills), ZERO), billed
                ),
                **figures,
                "directCostsPercentageByCount": percentage(
                    Decimal(len(tally.direct_costs)), Decimal(len(costs))
                ),
                "directCostsPercentageByAmount": percentage(
                    tally.direct_cost_amount(), cost_amount
                ),
                "directCostsCount": len(tally.direct_costs),
                "directCostsAmount": rounded(tally.direct_cost_amount()),
            }
        )
    rows.sort(
        key=lambda r: (
            -r["billsAmount"],
            -r["paymentsAmount"],
            _order(r["biggestCountPaymentMethod"]),
        )
    )
    return rows
