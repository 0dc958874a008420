"""The detected meaning of a sheet's columns, as data a person can confirm or correct.

Detection reads the header names first (:mod:`vocabulary`) and then the values: a header
is believed only as far as its values agree (a "Date" column of amounts loses its
confidence), and a column whose header says nothing is named by its values alone, at a
lower confidence. Each meaning goes to one column, the most confident.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ledgerport.connectors.file_upload.understanding.amounts import (
    ISO_CODES,
    currency_of,
    decimal_comma,
    parse_amount,
)
from ledgerport.connectors.file_upload.understanding.dates import (
    DateOrder,
    date_order,
    looks_like_date,
    needs_order,
)
from ledgerport.connectors.file_upload.understanding.errors import UnrecognizedColumnsError
from ledgerport.connectors.file_upload.understanding.tables import Cell, Sheet, non_empty
from ledgerport.connectors.file_upload.understanding.vocabulary import (
    Meaning,
    header_meaning,
    status_of,
)

_HEADER_SCAN = 25
_SAMPLE = 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
DATES = (Meaning.ISSUE_DATE, Meaning.DUE_DATE)
AMOUNTS = (Meaning.TOTAL_AMOUNT, Meaning.SUB_TOTAL, Meaning.TAX_AMOUNT, Meaning.AMOUNT_DUE)
BILL_MEANINGS = frozenset({*DATES, *AMOUNTS, Meaning.BILL_NUMBER, Meaning.STATUS})


# Served and accepted in the API's camelCase (``headerRow``, ``dateOrder``...); the
# Python names work too.
_CAMEL = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ColumnMapping(BaseModel):
    model_config = _CAMEL

    index: int = Field(ge=0)
    header: str
    meaning: Meaning
    confidence: float = Field(ge=0, le=1)
    reason: str = ""


class SheetMapping(BaseModel):
    """One sheet's mapping. ``header_row`` is 1-based as spreadsheets number rows;
    ``date_order`` ``None`` means the dates did not say and someone must choose."""

    model_config = _CAMEL

    sheet: str
    header_row: int = Field(ge=1)
    columns: list[ColumnMapping]
    date_order: DateOrder | None = None
    date_order_reason: str = ""
    decimal_comma: bool = False
    default_currency: str | None = None

    def column(self, meaning: Meaning) -> int | None:
        for column in self.columns:
            if column.meaning is meaning:
                return column.index
        return None

    @property
    def holds_bills(self) -> bool:
        has = {c.meaning for c in self.columns}
        return Meaning.ISSUE_DATE in has and bool(has & {Meaning.TOTAL_AMOUNT, Meaning.SUB_TOTAL})

    @property
    def holds_suppliers(self) -> bool:
        return self.column(Meaning.SUPPLIER_NAME) is not None


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.strip() if isinstance(cell, str) else str(cell)


def _header_row(rows: list[tuple[int, list[Cell]]]) -> tuple[int, list[Cell]]:
    best: tuple[int, int, list[Cell]] | None = None
    for number, row in rows[:_HEADER_SCAN]:
        found = {
            hit[0]
            for cell in row
            if isinstance(cell, str) and (hit := header_meaning(cell)) is not None
        }
        if len(found) >= 2 and (best is None or len(found) > best[0]):
            best = (len(found), number, row)
    if best is None:
        raise UnrecognizedColumnsError(
            "No row of the file names at least two columns we know (such as supplier, "
            "invoice number, date, amount); add a header row or map the columns by hand."
        )
    return best[1], best[2]


def _profile(values: Sequence[Cell]) -> dict[str, float]:
    texts = [_text(v) for v in values]
    n = max(len(values), 1)
    amounts = sum(
        1
        for v, t in zip(values, texts, strict=True)
        if isinstance(v, Decimal) or parse_amount(t, comma_decimal=True) is not None
    )
    return {
        "date": sum(1 for v in values if looks_like_date(v)) / n,
        "amount": amounts / n,
        "currency": sum(1 for t in texts if t.upper() in ISO_CODES) / n,
        "status": sum(1 for t in texts if status_of(t) is not None) / n,
        "email": sum(1 for t in texts if _EMAIL.match(t)) / n,
        "text": sum(1 for t in texts if re.search(r"[^\W\d_]{3}", t)) / n,
    }


def _agreement(meaning: Meaning, profile: dict[str, float]) -> float:
    if meaning in DATES:
        return profile["date"]
    if meaning in AMOUNTS:
        return profile["amount"]
    if meaning is Meaning.CURRENCY:
        return profile["currency"]
    if meaning is Meaning.EMAIL:
        return profile["email"]
    if meaning is Meaning.STATUS:
        return max(profile["status"], 0.5)
    if meaning is Meaning.SUPPLIER_NAME:
        return profile["text"]
    return 1.0


def _by_values(profile: dict[str, float]) -> tuple[Meaning, float, str] | None:
    if profile["date"] >= 0.9:
        return Meaning.ISSUE_DATE, 0.5, "values are dates"
    if profile["currency"] >= 0.9:
        return Meaning.CURRENCY, 0.7, "values are currency codes"
    if profile["email"] >= 0.9:
        return Meaning.EMAIL, 0.7, "values are email addresses"
    if profile["status"] >= 0.9:
        return Meaning.STATUS, 0.6, "values are bill statuses"
    if profile["amount"] >= 0.9:
        return Meaning.TOTAL_AMOUNT, 0.4, "values are amounts"
    return None


def detect_mapping(sheet: Sheet) -> SheetMapping:
    """The most likely mapping of one sheet; raises when no header row is recognisable."""
    rows = non_empty(sheet.rows)
    header_number, header = _header_row(rows)
    data = [row for number, row in rows if number > header_number][:_SAMPLE]
    guesses: list[ColumnMapping] = []
    for index, cell in enumerate(header):
        title = _text(cell)
        values = [row[index] for row in data if index < len(row) and _text(row[index])]
        profile = _profile(values)
        named = header_meaning(title) if title else None
        if named is not None:
            meaning, confidence = named
            agreement = _agreement(meaning, profile) if values else 0.5
            reason = f"header {title!r}"
            if agreement < 0.8:
                reason += f"; only {agreement:.0%} of values fit"
            guesses.append(
                ColumnMapping(
                    index=index,
                    header=title,
                    meaning=meaning,
                    confidence=round(confidence * agreement, 2),
                    reason=reason,
                )
            )
        elif values and (by_values := _by_values(profile)) is not None:
            meaning, confidence, reason = by_values
            guesses.append(
                ColumnMapping(
                    index=index, header=title, meaning=meaning, confidence=confidence, reason=reason
                )
            )
        else:
            guesses.append(
                ColumnMapping(
                    index=index,
                    header=title,
                    meaning=Meaning.IGNORE,
                    confidence=1.0,
                    reason="not recognised",
                )
            )
    columns = _one_column_per_meaning(guesses)
    mapping = SheetMapping(sheet=sheet.name, header_row=header_number, columns=columns)
    if not (mapping.holds_bills or mapping.holds_suppliers):
        raise UnrecognizedColumnsError(
            "The columns hold neither bills (a date and an amount) nor suppliers (a name)."
        )
    return _with_conventions(mapping, data)


def _one_column_per_meaning(guesses: list[ColumnMapping]) -> list[ColumnMapping]:
    taken: dict[Meaning, ColumnMapping] = {}
    for guess in sorted(guesses, key=lambda g: (-g.confidence, g.index)):
        if guess.meaning is Meaning.IGNORE:
            continue
        if (
            guess.meaning is Meaning.ISSUE_DATE
            and guess.meaning in taken
            and Meaning.DUE_DATE not in taken
        ):
            guess = guess.model_copy(
                update={"meaning": Meaning.DUE_DATE, "reason": guess.reason + "; second date"}
            )
        if guess.meaning in taken:
            continue
        taken[guess.meaning] = guess
    kept = {g.index: g for g in taken.values()}
    return [
        kept.get(g.index)
        or g.model_copy(
            update={"meaning": Meaning.IGNORE, "reason": g.reason + "; another column won"}
        )
        if g.meaning is not Meaning.IGNORE
        else g
        for g in guesses
    ]


def _with_conventions(mapping: SheetMapping, data: list[list[Cell]]) -> SheetMapping:
    def cells(meanings: Sequence[Meaning]) -> list[str]:
        indexes = [i for m in meanings if (i := mapping.column(m)) is not None]
        found = []
        for row in data:
            for i in indexes:
                if i < len(row) and isinstance(cell := row[i], str):
                    found.append(cell)
        return found

    date_cells = cells(DATES)
    order = date_order(date_cells)
    if order is not None:
        reason = "some date only reads one way"
    elif any(needs_order(c) for c in date_cells):
        reason = "every date reads both day-first and month-first: choose one"
    else:
        reason = "no date needs an order"
    amount_cells = cells(AMOUNTS)
    currencies = {c for cell in amount_cells if (c := currency_of(cell))}
    return mapping.model_copy(
        update={
            "date_order": order,
            "date_order_reason": reason,
            "decimal_comma": decimal_comma(amount_cells),
            "default_currency": currencies.pop() if len(currencies) == 1 else None,
        }
    )
