"""Checks on one invoice, credit note, bill or bill credit note at a time.

- its lines add up to its ``totalAmount``, tax and ``subTotal`` (only where every line
  carries the amount: some platforms give totals per document only);
- ``subTotal`` plus tax is ``totalAmount``;
- what is still due (``amountDue``; ``remainingCredit`` on credit notes) is
  ``totalAmount`` less the payment allocations (when the document lists its
  allocations: ``null`` means the platform did not say, ``[]`` that there are none;
  and unless it is ``Void``, when nothing is due);
- its ``status`` agrees with that: nothing due is ``Paid``, all of it ``Submitted``
  (``Open`` for a bill), some of it ``PartiallyPaid``.

Amounts agree when they round to the same cent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.domain.quality.findings import Finding, Rule, Severity
from ledgerport.domain.reports.amounts import ZERO, agree, money, to_decimal


@dataclass(frozen=True)
class DocumentKind:
    data_type: str
    label: str  # "An invoice's ..."
    tax_field: str
    outstanding_field: str
    open_status: str
    additional_tax: bool
    lines_total: Rule
    lines_tax: Rule
    lines_sub_total: Rule
    header: Rule
    outstanding: Rule
    status: Rule


def _kind(
    data_type: str,
    label: str,
    validator: str,
    prefix: str,
    *,
    tax_field: str,
    outstanding_field: str,
    open_status: str,
    additional_tax: bool,
) -> DocumentKind:
    def rule(number: str, severity: Severity, description: str) -> Rule:
        return Rule(f"{prefix}-{number}", validator, severity, description)

    return DocumentKind(
        data_type=data_type,
        label=label,
        tax_field=tax_field,
        outstanding_field=outstanding_field,
        open_status=open_status,
        additional_tax=additional_tax,
        lines_total=rule("030", Severity.ERROR, "The lines' totalAmount sum to totalAmount."),
        lines_tax=rule("031", Severity.WARNING, f"The lines' taxAmount sum to {tax_field}."),
        lines_sub_total=rule("032", Severity.WARNING, "The lines' subTotal sum to subTotal."),
        header=rule("033", Severity.WARNING, f"subTotal plus {tax_field} is totalAmount."),
        outstanding=rule(
            "040",
            Severity.ERROR,
            f"{outstanding_field} is totalAmount less the payment allocations.",
        ),
        status=rule("041", Severity.WARNING, f"status agrees with {outstanding_field}."),
    )


INVOICE = _kind(
    "invoices",
    "An invoice",
    "InvoiceValidator",
    "accounting-invoice",
    tax_field="totalTaxAmount",
    outstanding_field="amountDue",
    open_status="Submitted",
    additional_tax=True,
)
CREDIT_NOTE = _kind(
    "creditNotes",
    "A credit note",
    "CreditNoteValidator",
    "accounting-creditnote",
    tax_field="totalTaxAmount",
    outstanding_field="remainingCredit",
    open_status="Submitted",
    additional_tax=True,
)
BILL = _kind(
    "bills",
    "A bill",
    "BillValidator",
    "accounting-bill",
    tax_field="taxAmount",
    outstanding_field="amountDue",
    open_status="Open",
    additional_tax=False,
)
BILL_CREDIT_NOTE = _kind(
    "billCreditNotes",
    "A bill credit note",
    "BillCreditNoteValidator",
    "accounting-billcreditnote",
    tax_field="totalTaxAmount",
    outstanding_field="remainingCredit",
    open_status="Submitted",
    additional_tax=False,
)
KINDS: Mapping[str, DocumentKind] = {
    k.data_type: k for k in (INVOICE, CREDIT_NOTE, BILL, BILL_CREDIT_NOTE)
}

# Statuses whose amounts say nothing about payment.
_UNSETTLED = frozenset({"Draft", "Void", "Unknown"})


def _lines_sum(lines: list[Any], name: str) -> Decimal | None:
    """The lines' sum of one amount; None when a line lacks it (or is unreadable)."""
    total = ZERO
    for line in lines:
        if not isinstance(line, Mapping):
            return None
        amount = to_decimal(line.get(name))
        if amount is None:
            return None
        total += amount
    return total


def check_document(doc: Mapping[str, Any], kind: DocumentKind) -> Iterator[Finding]:
    item = str(doc.get("id"))
    total = to_decimal(doc.get("totalAmount"))
    sub_total = to_decimal(doc.get("subTotal"))
    tax = to_decimal(doc.get(kind.tax_field))
    lines = list(doc.get("lineItems") or ())
    if lines:
        for field, header, rule, words in (
            ("totalAmount", total, kind.lines_total, "summed"),
            ("taxAmount", tax, kind.lines_tax, "tax amount summed"),
            ("subTotal", sub_total, kind.lines_sub_total, "sub total amount summed"),
        ):
            summed = _lines_sum(lines, field)
            if summed is not None and header is not None and not agree(summed, header):
                name = {"totalAmount": "TotalAmount", "subTotal": "SubTotal"}.get(
                    field, kind.tax_field[0].upper() + kind.tax_field[1:]
                )
                yield rule.finding(
                    item,
                    f"{kind.label}'s lines {words} ({money(summed)}) should be the same as "
                    f"{name} ({money(header)}).",
                )
    if total is not None and sub_total is not None and tax is not None:
        extra = to_decimal(doc.get("additionalTaxAmount")) if kind.additional_tax else None
        taxes = tax + (extra or ZERO)
        expected = sub_total + taxes
        withheld = _withheld(doc)
        if not agree(expected, total) and not agree(expected - withheld, total):
            yield kind.header.finding(
                item,
                f"{kind.label}'s SubTotal ({money(sub_total)}) plus tax ({money(taxes)}) "
                f"should be the same as TotalAmount ({money(total)}).",
            )
    yield from _check_outstanding(doc, kind, item, total)


def _withheld(doc: Mapping[str, Any]) -> Decimal:
    return sum((to_decimal(w.get("amount")) or ZERO for w in doc.get("withholdingTax") or ()), ZERO)


def _allocated(doc: Mapping[str, Any]) -> Decimal | None:
    allocations = doc.get("paymentAllocations")
    if not isinstance(allocations, list):
        return None
    total = ZERO
    for allocation in allocations:
        amount = to_decimal(((allocation or {}).get("allocation") or {}).get("totalAmount"))
        if amount is None:
            return None
        total += amount
    return total


def _check_outstanding(
    doc: Mapping[str, Any], kind: DocumentKind, item: str, total: Decimal | None
) -> Iterator[Finding]:
    due = to_decimal(doc.get(kind.outstanding_field))
    if total is None or due is None:
        return
    allocated = _allocated(doc)
    # A voided document owes nothing whatever was allocated to it.
    if allocated is not None and doc.get("status") != "Void":
        expected = total - allocated
        if not agree(due, expected) and not agree(due, expected - _withheld(doc)):
            yield kind.outstanding.finding(
                item,
                f"{kind.label}'s {kind.outstanding_field} ({money(due)}) should be its "
                f"TotalAmount ({money(total)}) less its payment allocations "
                f"({money(allocated)}), {money(expected)}.",
            )
    status = doc.get("status")
    if status in _UNSETTLED or not isinstance(status, str) or agree(total, ZERO):
        return
    if agree(due, ZERO):
        wanted = "Paid"
    elif agree(abs(due), abs(total)):
        wanted = kind.open_status
    else:
        wanted = "PartiallyPaid"
    if status != wanted:
        yield kind.status.finding(
            item,
            f"{kind.label} with {kind.outstanding_field} {money(due)} of {money(total)} "
            f"should have status {wanted}, not {status}.",
        )


def open_amount(doc: Mapping[str, Any], kind: DocumentKind) -> tuple[Decimal, bool]:
    """What the document still adds to the aged receivables/payables, and whether it is
    in a currency other than the base (a ``currencyRate`` other than 1)."""
    if doc.get("status") in ("Draft", "Void") or (doc.get("metadata") or {}).get("isDeleted"):
        return ZERO, False
    due = to_decimal(doc.get(kind.outstanding_field)) or ZERO
    rate = to_decimal(doc.get("currencyRate"))
    return due, rate is not None and rate != 1 and due != 0
