"""Invoice, credit note, bill and bill credit note checks: a consistent document
passes, and each kind of corruption is reported under its own rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ledgerport.domain.quality.documents import (
    BILL,
    BILL_CREDIT_NOTE,
    CREDIT_NOTE,
    INVOICE,
    KINDS,
    DocumentKind,
    check_document,
    open_amount,
)
from ledgerport.domain.quality.findings import Severity
from tests.factories import ledger as f

ALL_KINDS = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))


def _doc(kind: DocumentKind, **overrides: Any) -> dict[str, Any]:
    return f.document(
        kind.data_type,
        "doc-1",
        [("100.00", "20.00"), ("50.10", "10.02")],
        allocated=["30"],
        **overrides,
    )


def _rules(doc: dict[str, Any], kind: DocumentKind) -> list[str]:
    return [finding.rule.id for finding in check_document(doc, kind)]


@ALL_KINDS
def test_a_consistent_document_passes(kind: DocumentKind) -> None:
    doc = _doc(kind)
    assert doc["status"] == "PartiallyPaid"
    assert _rules(doc, kind) == []
    for status, allocated in (("Paid", ["180.12"]), (kind.open_status, [])):
        settled = f.document(kind.data_type, "d", [("150.10", "30.02")], allocated=allocated)
        assert settled["status"] == status
        assert _rules(settled, kind) == []


@ALL_KINDS
def test_lines_that_do_not_add_up(kind: DocumentKind) -> None:
    doc = _doc(kind)
    doc["lineItems"][0]["totalAmount"] = 119.99
    findings = list(check_document(doc, kind))
    assert [x.rule for x in findings] == [kind.lines_total]
    assert findings[0].rule.severity is Severity.ERROR
    assert findings[0].item_id == "doc-1"
    assert "lines summed (180.11) should be the same as TotalAmount (180.12)" in findings[0].message

    doc = _doc(kind)
    doc["lineItems"][1]["subTotal"] = 50.15
    assert _rules(doc, kind) == [kind.lines_sub_total.id]

    doc = _doc(kind)
    doc["lineItems"][1]["taxAmount"] = 10.0
    assert _rules(doc, kind) == [kind.lines_tax.id]


@ALL_KINDS
def test_lines_without_amounts_are_not_compared(kind: DocumentKind) -> None:
    doc = _doc(kind)
    doc["lineItems"][0]["totalAmount"] = None  # the platform gives totals per document
    assert _rules(doc, kind) == []
    doc["lineItems"] = []
    assert _rules(doc, kind) == []


@ALL_KINDS
def test_header_that_does_not_add_up(kind: DocumentKind) -> None:
    doc = _doc(kind, subTotal=150.00)
    # The lines no longer match the sub total either; both are reported.
    assert set(_rules(doc, kind)) == {kind.header.id, kind.lines_sub_total.id}


def test_withholding_and_additional_tax_are_allowed_for() -> None:
    doc = _doc(INVOICE, additionalTaxAmount=5, totalAmount=185.12, amountDue=155.12)
    doc["lineItems"][0]["totalAmount"] = 125.0
    doc["lineItems"][0]["taxAmount"] = 25.0
    doc["totalTaxAmount"] = 35.02
    assert _rules(doc, INVOICE) == [INVOICE.header.id]  # tax counted twice: caught
    doc = _doc(INVOICE, withholdingTax=[{"name": "CIS", "amount": 10}], amountDue=140.12)
    assert _rules(doc, INVOICE) == []


@ALL_KINDS
def test_what_is_due_must_follow_from_the_allocations(kind: DocumentKind) -> None:
    doc = _doc(kind, **{kind.outstanding_field: 100.0})
    findings = list(check_document(doc, kind))
    assert [x.rule for x in findings] == [kind.outstanding]
    assert f"{kind.outstanding_field} (100.00)" in findings[0].message
    # Unknown allocations (null) cannot be checked; an empty list means none.
    doc["paymentAllocations"] = None
    assert _rules(doc, kind) == []
    doc["paymentAllocations"] = []
    assert _rules(doc, kind) == [kind.outstanding.id]


@ALL_KINDS
@pytest.mark.parametrize(
    ("allocated", "status"),
    [(["180.12"], "PartiallyPaid"), ([], "Paid"), (["30"], "Paid"), (["30"], "open")],
)
def test_status_must_agree_with_what_is_due(
    kind: DocumentKind, allocated: list[str], status: str
) -> None:
    status = kind.open_status if status == "open" else status
    doc = f.document(kind.data_type, "d", [("150.10", "30.02")], allocated=allocated, status=status)
    findings = list(check_document(doc, kind))
    assert [x.rule for x in findings] == [kind.status]
    assert findings[0].rule.severity is Severity.WARNING
    assert "should have status" in findings[0].message


@ALL_KINDS
def test_drafts_and_voided_documents_have_no_status_rule(kind: DocumentKind) -> None:
    for status in ("Draft", "Void"):
        doc = f.document(kind.data_type, "d", [("10", "2")], allocated=["5"], status=status)
        assert _rules(doc, kind) == []


@ALL_KINDS
def test_a_voided_document_owes_nothing(kind: DocumentKind) -> None:
    doc = f.document(kind.data_type, "d", [("10", "2")], status="Void")
    doc[kind.outstanding_field] = 0
    assert _rules(doc, kind) == []
    doc["status"] = "Draft"  # a draft still shows its full amount as due
    assert _rules(doc, kind) == [kind.outstanding.id]


def test_bills_may_have_no_amount_due() -> None:
    doc = _doc(BILL, amountDue=None, status="Open")
    assert _rules(doc, BILL) == []


def test_open_amounts_for_the_aged_balances() -> None:
    assert open_amount(_doc(INVOICE), INVOICE) == (Decimal("150.12"), False)
    assert open_amount(_doc(INVOICE, status="Void"), INVOICE)[0] == 0
    assert open_amount(_doc(CREDIT_NOTE), CREDIT_NOTE)[0] == Decimal("150.12")
    assert open_amount(_doc(BILL_CREDIT_NOTE, currencyRate=1.17), BILL_CREDIT_NOTE)[1] is True
    assert open_amount(_doc(BILL, currencyRate=None), BILL)[1] is False


def test_bad_values_are_skipped_not_fatal() -> None:
    doc = _doc(INVOICE, totalAmount="n/a", amountDue=True)
    doc["lineItems"][0] = "not a line"
    assert _rules(doc, INVOICE) == []
