"""Amounts in the company's base currency, and how figures are rounded for output.

Codat's ``currencyRate`` is the number of base-currency units per unit of the document's
currency (its spec's own example: $20 at 0.781 is £15.62), so a foreign amount is
converted by *multiplying* by the document's rate. A document in the base currency (or
with no currency) needs no rate. A foreign document without a usable rate cannot be
converted: it is left out of every amount and counted in the report's ``currencies``
section, rather than added at face value in the wrong currency.

Sums are taken in ``Decimal`` and rounded only when the report is written out.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ledgerport.domain.reports.amounts import to_decimal

ZERO = Decimal(0)
_CENT = Decimal("0.01")


def to_base(amount: Decimal, currency: str | None, rate: Any, base: str | None) -> Decimal | None:
    """``amount`` in the base currency, or None when it cannot be converted."""
    if not currency or not base or currency.upper() == base.upper():
        return amount
    multiplier = to_decimal(rate)
    if multiplier is None or multiplier <= 0:
        return None
    return amount * multiplier


def rounded(value: Decimal) -> float:
    """An amount as the report shows it: to the cent, half away from zero."""
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def percentage(part: Decimal, whole: Decimal) -> float:
    """``part`` as a percentage of ``whole`` (0-100, two decimals); 0 when whole is 0,
    as Codat's examples show for a supplier with nothing to compare."""
    if whole == 0:
        return 0.0
    return rounded(part * 100 / whole)


def weighted_average(pairs: list[tuple[Decimal, int]]) -> float:
    """The average of the day counts weighted by the amounts (2 decimals; 0 if none)."""
    weight = sum((amount for amount, _ in pairs), ZERO)
    if weight == 0:
        return 0.0
    return rounded(sum((amount * days for amount, days in pairs), ZERO) / weight)
