"""A bill read from the text of a PDF by its labels (``Invoice No``, ``Due date``,
``Total``... in our five languages).

Nothing is guessed: a field is taken only from a labelled line, dates only when their
order is certain, totals only when net + tax = total and the lines add up to the net. A
PDF without a readable date and total gives no bill, only review items; a supplier
without a label ("From:", "Supplier:") is offered as a candidate for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ledgerport.connectors.file_upload.understanding.amounts import (
    currency_of,
    decimal_comma,
    parse_amount,
)
from ledgerport.connectors.file_upload.understanding.cells import safe_text
from ledgerport.connectors.file_upload.understanding.dates import (
    date_order,
    needs_order,
    parse_date,
)
from ledgerport.connectors.file_upload.understanding.drafts import (
    BillDraft,
    LineDraft,
    ReviewItem,
    Source,
    SupplierDraft,
)
from ledgerport.connectors.file_upload.understanding.limits import Limits
from ledgerport.connectors.file_upload.understanding.pdf_text import pdf_pages

_AMOUNT = r"(\(?-?[£€$]?\s?\d[\d.,'\u00a0 ]*\)?)\s*(?:[£€$]|[A-Z]{3})?"
_LABEL_END = r"\s*(?:[:#]|n[°ºo]\.?)?\s*"


def _labels(words: str) -> str:
    return r"(?:" + "|".join(w.strip() for w in words.split("|")) + r")"


SUPPLIER = _labels(r"from|supplier|vendor|bill from|fournisseur|lieferant|proveedor|leverancier")
NUMBER = _labels(
    r"invoice\s*(?:no\.?|number|nr\.?|#)|bill\s*(?:no\.?|number|#)|facture\s*n[°ºo]?\.?"
    r"|rechnungs(?:nummer|nr\.?)|factura\s*n[°ºo]?\.?|n[°ºo]\.?\s*de\s*factura|factuurnummer"
)
DUE = _labels(
    r"due\s*date|payment\s*due|due|date\s*d'[ée]ch[ée]ance|[ée]ch[ée]ance|f[äa]lligkeitsdatum"
    r"|f[äa]llig\s*am|zahlbar\s*bis|fecha\s*de\s*vencimiento|vencimiento|vervaldatum"
)
ISSUE = _labels(
    r"invoice\s*date|bill\s*date|issue\s*date|date\s*of\s*issue|date\s*de\s*facture"
    r"|rechnungsdatum|fecha\s*de\s*factura|fecha|factuurdatum|datum|date"
)
SUB = _labels(
    r"sub\s*-?total|net\s*(?:amount|total)?|total\s*ht|montant\s*ht|nettobetrag|zwischensumme"
    r"|netto|base\s*imponible|subtotaal"
)
TAX = _labels(r"vat|tax|gst|tva|mwst\.?|ust\.?|iva|btw")
TOTAL = _labels(
    r"total\s*due|amount\s*due|balance\s*due|total\s*ttc|total|gesamtbetrag|rechnungsbetrag"
    r"|gesamtsumme|total\s*factura|totaal|te\s*betalen"
)
TAX_ID = _labels(
    r"vat\s*(?:reg\.?\s*)?(?:no\.?|number|id)|tva|ust-?idnr\.?|btw(?:-nr| nummer)?|nif|cif|tax\s*id"
)
LINES_HEADER = re.compile(
    r"(description|item|d[ée]signation|beschreibung|descripci[óo]n|omschrijving).*"
    r"(qty|quantity|quantit[ée]|menge|cantidad|aantal)",
    re.IGNORECASE,
)


Reviewer = Callable[[str, str | None, str | None], None]


@dataclass
class PdfRead:
    suppliers: list[SupplierDraft] = field(default_factory=list)
    bills: list[BillDraft] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)


def _find(pattern: str, text: str) -> tuple[str, int] | None:
    """The value after the first line starting with a label, and that line's number."""
    regex = re.compile(rf"^\s*{pattern}\b{_LABEL_END}(.+?)\s*$", re.IGNORECASE)
    for number, line in enumerate(text.splitlines()):
        if match := regex.match(line):
            return match.group(1), number
    return None


def _amount_line(pattern: str, lines: list[str]) -> str | None:
    regex = re.compile(rf"^\s*{pattern}\b.*?\s{_AMOUNT}$", re.IGNORECASE)
    for line in lines:
        if match := regex.match(line):
            return match.group(0).strip()
    return None


def _last_amount(line: str | None, comma: bool) -> Decimal | None:
    if line is None:
        return None
    match = re.search(rf"{_AMOUNT}$", line)
    return parse_amount(match.group(1), comma_decimal=comma) if match else None


def read_pdf_bill(data: bytes, file_name: str, sha256: str, limits: Limits) -> PdfRead:
    pages = pdf_pages(data, limits)
    result = PdfRead()
    source = Source(file_name, sha256, page=1)
    text = "\n".join(pages)
    if not text.strip():
        result.review.append(
            ReviewItem(source, "The PDF has no text layer (a scan?); enter this bill by hand.")
        )
        return result
    lines = [line for line in text.splitlines() if line.strip()]
    amount_lines = [line for line in lines if re.search(rf"\d{_AMOUNT}$", line)]
    comma = decimal_comma(re.findall(r"\d[\d.,]*\d", " ".join(amount_lines)))

    def review(message: str, field: str | None, candidate: str | None = None) -> None:
        result.review.append(ReviewItem(source, message, field, candidate))

    supplier = _supplier(text, lines, source, review)
    dates = _dates(text, review)
    totals_lines = [line for line in lines if not LINES_HEADER.search(line)]
    total = _last_amount(_amount_line(TOTAL, totals_lines), comma)
    sub = _last_amount(_amount_line(SUB, totals_lines), comma)
    tax = _last_amount(
        _amount_line(
            TAX,
            [
                ln
                for ln in totals_lines
                if not re.match(rf"^\s*{TAX_ID}\b", ln, re.IGNORECASE)
                or re.search(r"\d[.,]\d{2}\s*\S*$", ln)
            ],
        ),
        comma,
    )
    if dates.get("issue") is None or total is None:
        review("No confident issue date and total; no bill was made.", "totalAmount", None)
        return result
    if tax is None and sub is not None:
        tax = total - sub
    if sub is None and tax is not None:
        sub = total - tax
    if sub is None or tax is None:
        review("Net and tax not found; tax taken as 0.", "taxAmount")
        sub, tax = total, Decimal(0)
    if sub + tax != total:
        review(f"Net {sub} + tax {tax} is not the total {total}; no bill was made.", "totalAmount")
        return result
    items = _line_items(lines, comma, sub, review)
    number = _find(NUMBER, text)
    currency_line = _amount_line(TOTAL, totals_lines) or ""
    result.bills.append(
        BillDraft(
            source=source,
            issue_date=dates["issue"],
            due_date=dates.get("due"),
            sub_total=sub,
            tax_amount=tax,
            total_amount=total,
            supplier=supplier,
            reference=safe_text(number[0].split()[0]) if number else None,
            currency=currency_of(currency_line) or currency_of(text),
            lines=items,
        )
    )
    if number is None:
        review("No invoice number found.", "reference")
    if supplier is not None:
        result.suppliers.append(supplier)
    return result


def _supplier(
    text: str, lines: list[str], source: Source, review: Reviewer
) -> SupplierDraft | None:
    tax = _find(TAX_ID, text)
    tax_number = re.sub(r"\s+", "", tax[0]) if tax else None
    labelled = _find(SUPPLIER, text)
    if labelled is not None:
        name = safe_text(labelled[0])
        if name:
            return SupplierDraft(name, source, tax_number=tax_number)
    review("Supplier not labelled; check the candidate.", "supplierName", safe_text(lines[0]))
    return None


def _dates(text: str, review: Reviewer) -> dict[str, date]:
    found: dict[str, str] = {}
    due = _find(DUE, text)
    if due is not None:
        found["due"] = due[0]
    issue_lines = "\n".join(
        line for line in text.splitlines() if not re.match(rf"^\s*{DUE}\b", line, re.I)
    )
    issue = _find(ISSUE, issue_lines)
    if issue is not None:
        found["issue"] = issue[0]
    order = date_order(found.values())
    dates: dict[str, date] = {}
    for key, raw in found.items():
        value = parse_date(raw.strip(), order)
        field = "issueDate" if key == "issue" else "dueDate"
        if value is None:
            why = "day and month could be either way" if needs_order(raw.strip()) else "unreadable"
            review(f"Date {raw.strip()!r}: {why}.", field, raw.strip())
        else:
            dates[key] = value
    return dates


_LINE = re.compile(rf"^(.+?)\s+(\d+(?:[.,]\d+)?)\s+{_AMOUNT}\s+{_AMOUNT}$")


def _line_items(
    lines: list[str], comma: bool, sub_total: Decimal, review: Reviewer
) -> list[LineDraft]:
    start = next((i for i, line in enumerate(lines) if LINES_HEADER.search(line)), None)
    if start is None:
        return []
    items = []
    for line in lines[start + 1 :]:
        if re.match(rf"^\s*(?:{SUB}|{TAX}|{TOTAL})\b", line, re.IGNORECASE):
            break
        match = _LINE.match(line.strip())
        if match is None:
            continue
        quantity = parse_amount(match.group(2), comma_decimal=comma)
        unit = parse_amount(match.group(3), comma_decimal=comma)
        amount = parse_amount(match.group(4), comma_decimal=comma)
        if quantity is None or unit is None or amount is None or quantity * unit != amount:
            review(f"Line {line.strip()!r} does not add up; lines left out.", "lineItems", None)
            return []
        items.append(
            LineDraft(safe_text(match.group(1)), quantity, unit, amount, total_amount=None)
        )
    if items and sum(item.sub_total for item in items) != sub_total:
        review("The lines do not add up to the net total; lines left out.", "lineItems", None)
        return []
    return items
