"""Amounts as people type them: ``£1,234.56``, ``1.234,56 €``, ``(99.00)``, ``-12``,
``1 234,56``, ``1'234.50``, ``EUR 10``.

Whether ``,`` is the decimal mark is decided once per column (:func:`decimal_comma`),
because ``1,234`` alone cannot say; the parser then reads every cell the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "CHF": "CHF", "kr": "SEK"}
ISO_CODES = frozenset(
    [
        "GBP",
        "EUR",
        "USD",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "JPY",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "INR",
        "ZAR",
        "SGD",
        "HKD",
        "MXN",
        "BRL",
        "CNY",
    ]
)
_CURRENCY = re.compile(r"[£€$¥₹]|\b(?:[A-Z]{3}|kr)\b")
_NUMBER = re.compile(r"^\d[\d.,' \u00a0\u202f]*$|^[.,]\d+$")


def currency_of(text: str) -> str | None:
    """The ISO code an amount cell names (``£`` → GBP), if any."""
    for match in _CURRENCY.findall(text):
        code: str = SYMBOLS.get(match, match)
        if code in ISO_CODES:
            return code
    return None


def _strip(text: str) -> tuple[str, bool] | None:
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = _CURRENCY.sub("", s).strip()
    if s.startswith(("-", "\u2212")):
        negative, s = not negative, s[1:].strip()
    elif s.endswith("-"):
        negative, s = not negative, s[:-1].strip()
    if s.startswith("+"):
        s = s[1:].strip()
    s = _CURRENCY.sub("", s).strip()
    if not s or not _NUMBER.match(s):
        return None
    return s, negative


def decimal_comma(cells: Iterable[str]) -> bool:
    """Whether a column writes ``,`` as its decimal mark: some cell ends in ``,`` and one
    or two digits, or has ``,`` after its last ``.`` (``1.234,56``)."""
    for cell in cells:
        stripped = _strip(cell)
        if stripped is None:
            continue
        s = stripped[0]
        if "," in s and "." in s:
            return s.rfind(",") > s.rfind(".")
        if s.count(".") > 1:
            return True
        if re.search(r",\d{1,2}$", s) or re.search(r",\d{4,}$", s):
            return True
    return False


def parse_amount(text: str, *, comma_decimal: bool = False) -> Decimal | None:
    """The amount a cell holds, or ``None`` when it is not an amount."""
    stripped = _strip(text)
    if stripped is None:
        return None
    s, negative = stripped
    for sep in (" ", "\u00a0", "\u202f", "'"):
        s = s.replace(sep, "")
    s = s.replace(".", "").replace(",", ".") if comma_decimal else s.replace(",", "")
    if s.count(".") > 1:
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return -value if negative else value
