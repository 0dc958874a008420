"""Text cells made safe to store and to hand back to a spreadsheet.

A value such as ``=HYPERLINK("http://evil","Click")`` is harmless here but becomes a live
formula when a user exports our records to Excel or LibreOffice (CSV injection, OWASP).
Text fields keep their content but gain a leading apostrophe, which spreadsheets read as
"this is text"; amounts and dates are parsed into numbers, so they never need it.
"""

from __future__ import annotations

import unicodedata

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_MAX_TEXT = 1000


def clean_text(value: str | None) -> str | None:
    """A cell as text: trimmed, control characters gone, ``None`` when blank."""
    if value is None:
        return None
    text = value
    if not text.isprintable():
        text = "".join(ch for ch in text if ch in "\t\r\n" or unicodedata.category(ch)[0] != "C")
    text = text.strip()
    return text[:_MAX_TEXT] or None


def safe_text(value: str | None) -> str | None:
    """:func:`clean_text`, then neutralised if a spreadsheet would run it as a formula."""
    text = clean_text(value)
    if text is None:
        return None
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def is_formula(value: str) -> bool:
    return value.lstrip().startswith(FORMULA_TRIGGERS)
