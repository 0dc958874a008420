"""Checks on one payment or bill payment: its lines add up to its ``totalAmount``, and
each line's links account for the line (Codat's convention: the line's ``amount`` plus
its links' amounts is zero, e.g. a 70.00 line paying an invoice links it with -70.00).

A link in another currency carries a ``currencyRate``; platforms disagree on which way
the rate points, so a line passes if its links offset it either way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.domain.quality.findings import Finding, Rule, Severity
from ledgerport.domain.reports.amounts import ZERO, agree, money, to_decimal


@dataclass(frozen=True)
class PaymentKind:
    data_type: str
    label: str
    lines_total: Rule
    links: Rule


def _kind(data_type: str, label: str, validator: str, prefix: str) -> PaymentKind:
    return PaymentKind(
        data_type,
        label,
        Rule(f"{prefix}-030", validator, Severity.ERROR, "The lines' amounts sum to totalAmount."),
        Rule(
            f"{prefix}-031",
            validator,
            Severity.ERROR,
            "Each line's amount plus its links' amounts is zero.",
        ),
    )


PAYMENT = _kind("payments", "A payment", "PaymentValidator", "accounting-payment")
BILL_PAYMENT = _kind(
    "billPayments", "A bill payment", "BillPaymentValidator", "accounting-billpayment"
)
KINDS: Mapping[str, PaymentKind] = {k.data_type: k for k in (PAYMENT, BILL_PAYMENT)}


def _link_totals(links: list[Mapping[str, Any]]) -> list[Decimal] | None:
    """The links' sum as given, multiplied by their rates, and divided by them."""
    plain = times = divided = ZERO
    for link in links:
        amount = to_decimal(link.get("amount"))
        if amount is None:
            return None
        rate = to_decimal(link.get("currencyRate"))
        if rate is None or rate == 0:
            rate = Decimal(1)
        plain += amount
        times += amount * rate
        divided += amount / rate
    return [plain, times, divided]


def check_payment(doc: Mapping[str, Any], kind: PaymentKind) -> Iterator[Finding]:
    item = str(doc.get("id"))
    lines = [line for line in doc.get("lines") or () if isinstance(line, Mapping)]
    total = to_decimal(doc.get("totalAmount"))
    amounts = [to_decimal(line.get("amount")) for line in lines]
    if lines and total is not None and all(a is not None for a in amounts):
        summed = sum((a for a in amounts if a is not None), ZERO)
        if not agree(summed, total):
            yield kind.lines_total.finding(
                item,
                f"{kind.label}'s lines summed ({money(summed)}) should be the same as "
                f"TotalAmount ({money(total)}).",
            )
    for number, (line, amount) in enumerate(zip(lines, amounts, strict=True), start=1):
        links = [link for link in line.get("links") or () if isinstance(link, Mapping)]
        totals = _link_totals(links) if links else None
        if amount is None or totals is None:
            continue
        if not any(agree(amount + linked, ZERO) for linked in totals):
            yield kind.links.finding(
                item,
                f"{kind.label}'s line {number} amount ({money(amount)}) is not offset by its "
                f"links ({money(totals[0])}): the two should sum to zero.",
            )
