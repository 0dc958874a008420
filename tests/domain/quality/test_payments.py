"""Payment and bill payment checks: lines add up to the total, links offset lines."""

from __future__ import annotations

from typing import Any

import pytest

from ledgerport.domain.quality.payments import (
    BILL_PAYMENT,
    KINDS,
    PAYMENT,
    PaymentKind,
    check_payment,
)
from tests.factories import ledger as f

ALL_KINDS = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))


def _payment(kind: PaymentKind) -> dict[str, Any]:
    link_type = "Bill" if kind is BILL_PAYMENT else "Invoice"
    return f.payment("p-1", [("d-1", "70.00"), ("d-2", "30.25")], link_type=link_type)


@ALL_KINDS
def test_a_consistent_payment_passes(kind: PaymentKind) -> None:
    assert list(check_payment(_payment(kind), kind)) == []


@ALL_KINDS
def test_lines_that_do_not_add_up_to_the_total(kind: PaymentKind) -> None:
    doc = _payment(kind)
    doc["totalAmount"] = 100.0
    findings = list(check_payment(doc, kind))
    assert [x.rule for x in findings] == [kind.lines_total]
    assert "lines summed (100.25) should be the same as TotalAmount (100.00)" in findings[0].message


@ALL_KINDS
def test_links_that_do_not_offset_their_line(kind: PaymentKind) -> None:
    doc = _payment(kind)
    doc["lines"][1]["links"][0]["amount"] = -30.0
    findings = list(check_payment(doc, kind))
    assert [x.rule for x in findings] == [kind.links]
    assert "line 2 amount (30.25)" in findings[0].message


def test_a_line_may_be_split_and_converted() -> None:
    doc = f.payment("p-2", [("inv-1", "100")])
    doc["lines"][0]["links"] = [
        {"type": "Invoice", "id": "inv-1", "amount": -150},
        {"type": "CreditNote", "id": "cn-1", "amount": 50},
    ]
    assert list(check_payment(doc, PAYMENT)) == []
    doc["lines"][0]["links"] = [
        {"type": "Invoice", "id": "inv-9", "amount": -80, "currencyRate": 1.25}
    ]
    assert list(check_payment(doc, PAYMENT)) == []
    doc["lines"][0]["links"] = [
        {"type": "Invoice", "id": "inv-9", "amount": -125, "currencyRate": 1.25}
    ]
    assert list(check_payment(doc, PAYMENT)) == []


def test_payments_without_lines_or_totals_are_not_checked() -> None:
    assert list(check_payment({"id": "p", "totalAmount": 5, "lines": None}, PAYMENT)) == []
    doc = f.payment("p-3", [("inv-1", "10")], totalAmount=None)
    doc["lines"][0]["links"] = []
    assert list(check_payment(doc, PAYMENT)) == []
