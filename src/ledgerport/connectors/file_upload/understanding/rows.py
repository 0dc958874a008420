"""Rows of a sheet, read through a (possibly corrected) mapping, as drafts.

A row that cannot make a bill (no readable date, no amount) is not guessed at: it becomes
a review item naming the row. Rows sharing a supplier and bill number are one bill with
one line per row, as accounting exports write multi-line bills.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from ledgerport.connectors.file_upload.understanding.amounts import (
    ISO_CODES,
    currency_of,
    parse_amount,
)
from ledgerport.connectors.file_upload.understanding.cells import clean_text, safe_text
from ledgerport.connectors.file_upload.understanding.dates import needs_order, parse_date
from ledgerport.connectors.file_upload.understanding.drafts import (
    BillDraft,
    LineDraft,
    ReviewItem,
    Source,
    SupplierDraft,
)
from ledgerport.connectors.file_upload.understanding.errors import (
    AmbiguousDateOrderError,
    InvalidMappingError,
)
from ledgerport.connectors.file_upload.understanding.mapping import DATES, SheetMapping
from ledgerport.connectors.file_upload.understanding.names import supplier_key
from ledgerport.connectors.file_upload.understanding.tables import Cell, Sheet, non_empty
from ledgerport.connectors.file_upload.understanding.vocabulary import (
    Meaning,
    normalize_header,
    status_of,
)

_TOTAL_WORDS = {"total", "totals", "sum", "summe", "totaal", "gesamt", "grand total"}


@dataclass
class SheetDrafts:
    suppliers: list[SupplierDraft] = field(default_factory=list)
    bills: list[BillDraft] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)


class _Row:
    def __init__(self, mapping: SheetMapping, cells: list[Cell]) -> None:
        self.mapping = mapping
        self.cells = cells

    def raw(self, meaning: Meaning) -> Cell:
        index = self.mapping.column(meaning)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def text(self, meaning: Meaning) -> str | None:
        value = self.raw(meaning)
        if isinstance(value, Decimal) and meaning is not Meaning.BILL_NUMBER:
            return safe_text(str(value))
        if isinstance(value, Decimal):
            return str(value.normalize()) if value == value.to_integral() else str(value)
        return safe_text(value if isinstance(value, str) else None if value is None else str(value))

    def amount(self, meaning: Meaning) -> Decimal | None:
        value = self.raw(meaning)
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str) or not value.strip():
            return None
        return parse_amount(value, comma_decimal=self.mapping.decimal_comma)

    def date(self, meaning: Meaning) -> date | None:
        return parse_date(self.raw(meaning), self.mapping.date_order)

    def currency(self) -> str | None:
        named = clean_text(self.text(Meaning.CURRENCY))
        if named and named.upper() in ISO_CODES:
            return named.upper()
        for meaning in (Meaning.TOTAL_AMOUNT, Meaning.SUB_TOTAL):
            value = self.raw(meaning)
            if isinstance(value, str) and (code := currency_of(value)):
                return code
        return self.mapping.default_currency


def check_mapping(mapping: SheetMapping, sheet: Sheet) -> None:
    """Refuse a mapping that does not fit this sheet, before reading any row."""
    width = max((len(row) for row in sheet.rows), default=0)
    if mapping.header_row > len(sheet.rows):
        raise InvalidMappingError(f"Row {mapping.header_row} is past the end of the sheet.")
    seen: set[Meaning] = set()
    for column in mapping.columns:
        if column.index >= width:
            raise InvalidMappingError(f"Column {column.index + 1} is past the sheet's last.")
        if column.meaning is not Meaning.IGNORE and column.meaning in seen:
            raise InvalidMappingError(f"Two columns are mapped to {column.meaning.value}.")
        seen.add(column.meaning)
    if not (mapping.holds_bills or mapping.holds_suppliers):
        raise InvalidMappingError(
            "Map a supplier name (for suppliers) or an issue date and an amount (for bills)."
        )
    if mapping.date_order is None:
        for number, row in non_empty(sheet.rows):
            if number <= mapping.header_row:
                continue
            for meaning in DATES:
                index = mapping.column(meaning)
                cell = row[index] if index is not None and index < len(row) else None
                if isinstance(cell, str) and needs_order(cell):
                    raise AmbiguousDateOrderError(
                        f"Dates such as {cell.strip()!r} read both as day/month and "
                        "month/day; choose the file's date order."
                    )


def read_rows(sheet: Sheet, mapping: SheetMapping, file_name: str, sha256: str) -> SheetDrafts:
    check_mapping(mapping, sheet)
    drafts = SheetDrafts()
    by_number: dict[tuple[str, str], BillDraft] = {}
    for number, cells in non_empty(sheet.rows):
        if number <= mapping.header_row:
            continue
        row = _Row(mapping, cells)
        source = Source(file_name, sha256, sheet.name, (number,))
        supplier = _supplier(row, source)
        if not mapping.holds_bills:
            if supplier is None:
                drafts.review.append(ReviewItem(source, "Row has no supplier name; skipped."))
            else:
                drafts.suppliers.append(supplier)
            continue
        bill = _bill(row, source, supplier, drafts.review)
        if bill is None:
            continue
        if supplier is not None:
            drafts.suppliers.append(supplier)
        key = (supplier_key(supplier.name) if supplier else "", bill.reference or "")
        if bill.reference and key in by_number:
            _merge(by_number[key], bill)
            continue
        if bill.reference:
            by_number[key] = bill
        drafts.bills.append(bill)
    return drafts


def _supplier(row: _Row, source: Source) -> SupplierDraft | None:
    name = row.text(Meaning.SUPPLIER_NAME)
    if not name:
        return None
    tax = clean_text(row.text(Meaning.TAX_NUMBER))
    return SupplierDraft(
        name=name,
        source=source,
        tax_number=tax,
        email=row.text(Meaning.EMAIL),
        phone=row.text(Meaning.PHONE),
        currency=row.currency(),
    )


def _is_totals_row(row: _Row) -> bool:
    return any(
        isinstance(cell, str) and normalize_header(cell) in _TOTAL_WORDS for cell in row.cells
    )


def _bill(
    row: _Row, source: Source, supplier: SupplierDraft | None, review: list[ReviewItem]
) -> BillDraft | None:
    issued = row.date(Meaning.ISSUE_DATE)
    if issued is None:
        if _is_totals_row(row):
            review.append(ReviewItem(source, "Looks like a totals row; skipped."))
        else:
            shown = row.raw(Meaning.ISSUE_DATE)
            review.append(
                ReviewItem(
                    source,
                    "Issue date missing or unreadable; row skipped.",
                    "issueDate",
                    None if shown is None else str(shown),
                )
            )
        return None
    total, sub, tax = (
        row.amount(Meaning.TOTAL_AMOUNT),
        row.amount(Meaning.SUB_TOTAL),
        row.amount(Meaning.TAX_AMOUNT),
    )
    for meaning, value in (
        (Meaning.TOTAL_AMOUNT, total),
        (Meaning.SUB_TOTAL, sub),
        (Meaning.TAX_AMOUNT, tax),
    ):
        written = row.raw(meaning)
        if value is None and isinstance(written, str) and written.strip():
            review.append(
                ReviewItem(
                    source, "Amount unreadable; left out.", meaning.value, safe_text(written)
                )
            )
    if total is None and sub is None:
        review.append(ReviewItem(source, "No readable amount; row skipped.", "totalAmount"))
        return None
    if tax is None:
        if total is not None and sub is not None:
            tax = total - sub
        else:
            tax = Decimal(0)
            review.append(ReviewItem(source, "No tax amount given; taken as 0.", "taxAmount"))
    if total is None:
        total = (sub or Decimal(0)) + tax
    if sub is None:
        sub = total - tax
    if sub + tax != total:
        review.append(
            ReviewItem(source, f"Net {sub} + tax {tax} is not the total {total}.", "totalAmount")
        )
    if total < 0:
        review.append(ReviewItem(source, "Negative total: is this a credit note?", "totalAmount"))
    due = row.amount(Meaning.AMOUNT_DUE)
    status = _status(row, total, due, source, review)
    return BillDraft(
        source=source,
        issue_date=issued,
        sub_total=sub,
        tax_amount=tax,
        total_amount=total,
        supplier=supplier,
        reference=row.text(Meaning.BILL_NUMBER),
        due_date=row.date(Meaning.DUE_DATE),
        currency=row.currency(),
        status=status,
        amount_due=due,
        lines=[
            LineDraft(
                description=row.text(Meaning.DESCRIPTION),
                quantity=Decimal(1),
                unit_amount=sub,
                sub_total=sub,
                tax_amount=tax,
                total_amount=total,
                account=row.text(Meaning.ACCOUNT),
            )
        ],
    )


def _status(
    row: _Row, total: Decimal, due: Decimal | None, source: Source, review: list[ReviewItem]
) -> str:
    written = row.text(Meaning.STATUS)
    if written:
        status = status_of(written)
        if status is None:
            review.append(ReviewItem(source, "Unknown status.", "status", written))
            return "Unknown"
        return status
    if due is None:
        return "Unknown"
    if due == 0:
        return "Paid"
    return "PartiallyPaid" if due != total else "Open"


def _merge(bill: BillDraft, more: BillDraft) -> None:
    bill.lines.extend(more.lines)
    bill.sub_total += more.sub_total
    bill.tax_amount += more.tax_amount
    bill.total_amount += more.total_amount
    if bill.amount_due is not None and more.amount_due is not None:
        bill.amount_due += more.amount_due
    bill.source = replace(bill.source, rows=bill.source.rows + more.source.rows)
