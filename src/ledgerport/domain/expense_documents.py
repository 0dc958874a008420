"""Sync for Expenses beyond card spend, without I/O: the two other transaction kinds and
the accounting record each becomes.

- An *adjustment* (``POST .../adjustment-transactions``: a write-off, a foreign exchange
  difference) is a manual *journal entry*: each line debits (positive amount) or
  credits (negative) one account, and the lines add up to zero.
- A *reimbursable expense* (``POST/PUT .../reimbursable-expense-transactions``: an
  employee's claim) is a *bill* from the employee, who exists as a supplier: the company
  owes the employee until it pays the bill.

Money is exact (``Decimal``), as in :mod:`ledgerport.domain.expenses`, whose
:class:`~ledgerport.domain.expenses.References` the checks read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.domain.expenses import (
    References,
    adjustment_account,
    json_number,
    reimbursable_account,
)
from ledgerport.domain.push import parse_date

ADJUSTMENT = "Adjustment"
REIMBURSABLE = "Reimbursable"


@dataclass(frozen=True)
class Tracking:
    """A line's analysis: tracking categories, and the customer it is billed on to."""

    category_ids: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()  # trackingRefs of dataType customers
    supplier_ids: tuple[str, ...] = ()  # trackingRefs of dataType suppliers (adjustments)
    invoice_to: str | None = None  # invoiceTo.id: the customer it is rebilled to


def _tracking_problems(where: str, tracking: Tracking, refs: References) -> list[str]:
    found: list[str] = []
    if refs.tracking_categories is not None:
        for category in tracking.category_ids:
            if category not in refs.tracking_categories:
                found.append(f"{where}: tracking category {category} does not exist.")
    if refs.customers is not None:
        customers = (*tracking.customer_ids, *filter(None, (tracking.invoice_to,)))
        for customer in customers:
            if customer not in refs.customers:
                found.append(f"{where}: customer {customer} does not exist.")
    if refs.suppliers is not None:
        for supplier in tracking.supplier_ids:
            if supplier not in refs.suppliers:
                found.append(f"{where}: supplier {supplier} does not exist.")
    return found


def _account_problem(
    where: str, account_id: str | None, refs: References, suits: Any, what: str
) -> str | None:
    if account_id is None:
        return f"{where}.accountRef is required."
    if refs.accounts is None:
        return None  # never pulled: left to the platform
    account = refs.accounts.get(account_id)
    if account is None:
        return f"{where}: account {account_id} does not exist."
    if not suits(account, refs.platform):
        return (
            f"{where}: account {account_id} ({account.get('type')}) is not valid for "
            f"{what}; see validFor in mappingOptions."
        )
    return None


# -- adjustments ---------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustmentLine:
    amount: Decimal  # positive: a debit; negative: a credit
    account_id: str | None
    description: str | None
    tracking: Tracking = Tracking()


@dataclass(frozen=True)
class Adjustment:
    id: str
    date: str
    currency: str
    currency_rate: Decimal | None
    reference: str | None
    lines: tuple[AdjustmentLine, ...]


def adjustment_problems(adjustment: Adjustment, refs: References) -> list[str]:
    """Why the adjustment cannot be written, one message per problem; empty: it can."""
    found: list[str] = []
    if len(adjustment.lines) < 2:
        found.append("An adjustment needs at least two lines: a debit and a credit.")
    total = sum((line.amount for line in adjustment.lines), Decimal(0))
    if total != 0:
        found.append(
            f"The lines add up to {total}, not 0: debits (positive amounts) must equal "
            "credits (negative amounts)."
        )
    if adjustment.lines and not any(line.amount for line in adjustment.lines):
        found.append("An adjustment needs amounts: every line is 0.")
    for n, line in enumerate(adjustment.lines):
        where = f"lines[{n}]"
        problem = _account_problem(
            where, line.account_id, refs, adjustment_account, "adjustment transactions"
        )
        if problem:
            found.append(problem)
        found.extend(_tracking_problems(where, line.tracking, refs))
    return found


def adjustment_record(adjustment: Adjustment) -> dict[str, Any]:
    """The journal entry that records the adjustment, posted on its date."""
    lines = []
    for line in adjustment.lines:
        item: dict[str, Any] = {
            "description": line.description,
            "netAmount": json_number(line.amount),
            "currency": adjustment.currency,
            "accountRef": {"id": line.account_id},
        }
        refs = [
            *({"id": i, "dataType": "trackingCategories"} for i in line.tracking.category_ids),
            *({"id": i, "dataType": "customers"} for i in line.tracking.customer_ids),
            *({"id": i, "dataType": "suppliers"} for i in line.tracking.supplier_ids),
        ]
        if line.tracking.invoice_to:
            refs.append({"id": line.tracking.invoice_to, "dataType": "customers"})
        if refs:
            item["tracking"] = {"recordRefs": refs}
        lines.append(item)
    return {
        "description": adjustment.reference or "Expense adjustment",
        "postedOn": adjustment.date,
        "journalLines": lines,
    }


# -- reimbursable expenses ----------------------------------------------------------------


@dataclass(frozen=True)
class ClaimLine:
    net_amount: Decimal
    tax_amount: Decimal
    account_id: str | None
    tax_rate_id: str | None
    description: str | None
    tracking: Tracking = Tracking()


@dataclass(frozen=True)
class Reimbursable:
    """An employee's expense claim."""

    id: str
    employee_id: str  # contactRef.id: the employee, a supplier in the platform
    reference: str | None
    issue_date: str
    due_date: str
    currency: str
    currency_rate: Decimal | None
    notes: str | None
    lines: tuple[ClaimLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.net_amount + line.tax_amount for line in self.lines), Decimal(0))


def reimbursable_problems(claim: Reimbursable, refs: References) -> list[str]:
    """Why the claim cannot be written, one message per problem; empty: it can."""
    found: list[str] = []
    if not claim.lines:
        found.append("A reimbursable expense needs at least one line.")
    elif claim.total <= 0:
        found.append(f"The claim's total ({claim.total}) must be greater than zero.")
    if refs.suppliers is not None and claim.employee_id not in refs.suppliers:
        found.append(
            f"Supplier {claim.employee_id} does not exist: the employee must exist as a "
            "supplier in the accounting platform."
        )
    issued, due = parse_date(claim.issue_date), parse_date(claim.due_date)
    if issued is not None and due is not None and due < issued:
        found.append("dueDate is before issueDate.")
    for n, line in enumerate(claim.lines):
        where = f"lines[{n}]"
        problem = _account_problem(
            where, line.account_id, refs, reimbursable_account, "reimbursable expenses"
        )
        if problem:
            found.append(problem)
        if (
            line.tax_rate_id is not None
            and refs.tax_rates is not None
            and line.tax_rate_id not in refs.tax_rates
        ):
            found.append(f"{where}: tax rate {line.tax_rate_id} does not exist.")
        found.extend(_tracking_problems(where, line.tracking, refs))
    return found


def bill_record(claim: Reimbursable) -> dict[str, Any]:
    """The bill from the employee that records the claim, approved (``Open``): owed to
    the employee until paid."""
    items = []
    for line in claim.lines:
        item: dict[str, Any] = {
            "description": line.description,
            "unitAmount": json_number(line.net_amount),
            "quantity": 1,
            "subTotal": json_number(line.net_amount),
            "taxAmount": json_number(line.tax_amount),
            "totalAmount": json_number(line.net_amount + line.tax_amount),
            "accountRef": {"id": line.account_id} if line.account_id else None,
            "taxRateRef": {"id": line.tax_rate_id} if line.tax_rate_id else None,
        }
        if line.tracking.category_ids:
            item["trackingCategoryRefs"] = [{"id": i} for i in line.tracking.category_ids]
        customer = line.tracking.invoice_to or next(iter(line.tracking.customer_ids), None)
        if customer is not None:  # the cost is billed on to this customer
            item["tracking"] = {
                "customerRef": {"id": customer},
                "isBilledTo": "Customer",
                "isRebilledTo": "Customer",
            }
        items.append(item)
    sub_total = sum((line.net_amount for line in claim.lines), Decimal(0))
    tax = sum((line.tax_amount for line in claim.lines), Decimal(0))
    rate = json_number(claim.currency_rate) if claim.currency_rate is not None else None
    return {
        "reference": claim.reference,
        "supplierRef": {"id": claim.employee_id},
        "issueDate": claim.issue_date,
        "dueDate": claim.due_date,
        "currency": claim.currency,
        "currencyRate": rate,
        "status": "Open",
        "note": claim.notes,
        "lineItems": items,
        "subTotal": json_number(sub_total),
        "taxAmount": json_number(tax),
        "totalAmount": json_number(sub_total + tax),
    }
