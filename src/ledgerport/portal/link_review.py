"""What the Link review page shows of each file, and the corrected mapping read back
from its form: each spreadsheet's sheets as rows a person can correct (one meaning per
column, with its first values; the date order, the decimal mark, a default currency),
each PDF bill as the bills it was read as.

The form names each field after its sheet's position and column index
(``sheet-0-column-3``), so the mapping is rebuilt from the one stored with the file and
only what the form says changes: a column whose meaning a person chose is believed
fully (confidence 1). A form can be re-shown as it was submitted, with its error, so a
correction is not lost when another one is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.connectors.file_upload.understanding import (
    FileFormat,
    Meaning,
)
from ledgerport.domain.uploads import UploadStatus
from ledgerport.errors import BadRequestError
from ledgerport.portal.upload_views import ReviewView, review_items, size_text, status_text
from ledgerport.storage.tables import UploadedFileRow

_LABELS: dict[str, str] = {
    Meaning.SUPPLIER_NAME.value: "Supplier name",
    Meaning.BILL_NUMBER.value: "Bill number",
    Meaning.ISSUE_DATE.value: "Issue date",
    Meaning.DUE_DATE.value: "Due date",
    Meaning.TOTAL_AMOUNT.value: "Total amount",
    Meaning.SUB_TOTAL.value: "Subtotal (before tax)",
    Meaning.TAX_AMOUNT.value: "Tax amount",
    Meaning.AMOUNT_DUE.value: "Amount still due",
    Meaning.CURRENCY.value: "Currency",
    Meaning.STATUS.value: "Status (paid, open…)",
    Meaning.DESCRIPTION.value: "Description",
    Meaning.ACCOUNT.value: "Account",
    Meaning.TAX_NUMBER.value: "Supplier tax number",
    Meaning.EMAIL.value: "Supplier email",
    Meaning.PHONE.value: "Supplier phone",
    Meaning.IGNORE.value: "Ignore this column",
}
MEANING_LABELS: dict[str, str] = {
    **{m.value: _LABELS.get(m.value, m.value) for m in Meaning if m is not Meaning.IGNORE},
    Meaning.IGNORE.value: _LABELS[Meaning.IGNORE.value],
}
"""Every meaning (a new one shows by its name until it has a label), in the order the
select lists them, ``ignore`` last: a select without the column's meaning would send
another one."""

DATE_ORDERS = (
    ("DMY", "Day first (31/12/2024)"),
    ("MDY", "Month first (12/31/2024)"),
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CHOSEN = "chosen on the Link page"


@dataclass(frozen=True)
class ColumnView:
    field: str
    index: int
    header: str
    meaning: str
    confidence: int  # percent
    reason: str
    samples: Sequence[str]


@dataclass(frozen=True)
class SheetView:
    position: int
    name: str
    header_row: int
    columns: Sequence[ColumnView]
    date_order: str
    date_order_reason: str
    decimal_comma: bool
    default_currency: str
    prefix: str


def sheet_views(
    sheets: Sequence[Mapping[str, Any]], samples: Mapping[str, Mapping[str, Sequence[str]]]
) -> list[SheetView]:
    """The sheets to confirm; ``samples`` as the upload kept them (per sheet, per column
    index as a string)."""
    views = []
    for position, sheet in enumerate(sheets):
        prefix = f"sheet-{position}"
        name = str(sheet.get("sheet", ""))
        shown = samples.get(name, {})
        columns = [
            ColumnView(
                field=f"{prefix}-column-{column['index']}",
                index=int(column["index"]),
                header=str(column.get("header", "")),
                meaning=str(column.get("meaning", Meaning.IGNORE.value)),
                confidence=round(float(column.get("confidence", 0)) * 100),
                reason=str(column.get("reason", "")),
                samples=shown.get(str(column["index"]), ()),
            )
            for column in sheet.get("columns", [])
        ]
        views.append(
            SheetView(
                position=position,
                name=name,
                header_row=int(sheet.get("headerRow", 1)),
                columns=columns,
                date_order=str(sheet.get("dateOrder") or ""),
                date_order_reason=str(sheet.get("dateOrderReason", "")),
                decimal_comma=bool(sheet.get("decimalComma")),
                default_currency=str(sheet.get("defaultCurrency") or ""),
                prefix=prefix,
            )
        )
    return views


def _column_label(column: Mapping[str, Any]) -> str:
    header = str(column.get("header") or "").strip()
    return f"'{header}'" if header else f"column {int(column['index']) + 1}"


def corrected(sheets: Sequence[Mapping[str, Any]], form: Mapping[str, str]) -> list[dict[str, Any]]:
    """``sheets`` (the stored mapping, in the API's camelCase) with what the form
    changed, as submitted: :func:`check` says whether a mapping can come from it."""
    result = []
    for position, sheet in enumerate(sheets):
        prefix = f"sheet-{position}"
        changed = dict(sheet)
        columns = []
        for column in sheet.get("columns", []):
            chosen = form.get(f"{prefix}-column-{column['index']}")
            if chosen is not None and chosen != column.get("meaning"):
                column = {**column, "meaning": chosen, "confidence": 1.0, "reason": _CHOSEN}
            columns.append(dict(column))
        changed["columns"] = columns
        if f"{prefix}-shown" in form:  # the sheet's settings were on the form
            order = form.get(f"{prefix}-dateOrder", "") or None
            if order != sheet.get("dateOrder"):
                changed["dateOrder"] = order
                changed["dateOrderReason"] = _CHOSEN
            changed["decimalComma"] = form.get(f"{prefix}-decimalComma") == "on"
            currency = form.get(f"{prefix}-defaultCurrency", "").strip().upper()[:8]
            changed["defaultCurrency"] = currency or None
        result.append(changed)
    return result


def check(sheets: Sequence[Mapping[str, Any]]) -> None:
    """Refuse what a person can get wrong on the form and the import would not say
    plainly: two columns read as one thing, a currency that is not a code."""
    for sheet in sheets:
        taken: dict[str, Mapping[str, Any]] = {}
        for column in sheet.get("columns", []):
            meaning = column.get("meaning")
            if meaning == Meaning.IGNORE.value:
                continue
            if meaning in taken:
                label = MEANING_LABELS.get(str(meaning), str(meaning))
                raise BadRequestError(
                    f"Columns {_column_label(taken[meaning])} and {_column_label(column)} are "
                    f"both read as {label}: choose one, and ignore the other."
                )
            taken[str(meaning)] = column
        currency = sheet.get("defaultCurrency")
        if currency and not _CURRENCY.match(str(currency)):
            raise BadRequestError(
                "The default currency must be a three-letter code such as GBP, EUR or USD."
            )


@dataclass(frozen=True)
class BillRead:
    """A bill as read from a PDF, for the person to check it against the paper."""

    reference: str
    supplier: str
    issued: str
    total: str


def _money(amount: object, currency: object) -> str:
    shown = f"{Decimal(str(amount)):,.2f}" if isinstance(amount, int | float | Decimal) else ""
    return f"{shown} {currency or ''}".strip()


def _bills_read(row: UploadedFileRow) -> list[BillRead]:
    """What a PDF bill was read as, kept when it was uploaded."""
    return [
        BillRead(
            reference=str(bill.get("reference") or ""),
            supplier=str(bill.get("supplierName") or ""),
            issued=str(bill.get("issueDate") or "")[:10],
            total=_money(bill.get("totalAmount"), bill.get("currency")),
        )
        for bill in (row.detected or {}).get("bills", [])
    ]


@dataclass(frozen=True)
class UploadView:
    id: str
    file_name: str
    size: str
    status: str
    status_label: str
    tone: str
    is_pdf: bool
    suppliers_found: int | None
    bills_found: int | None
    review: Sequence[ReviewView]
    sheets: Sequence[SheetView]
    skipped: Mapping[str, str]
    confirm_action: str
    remove_action: str
    error: str | None = None
    ready: bool = False
    bills: Sequence[BillRead] = ()


def upload_view(
    row: UploadedFileRow,
    actions: str,
    error: str | None,
    shown: Sequence[Mapping[str, object]] | None,
) -> UploadView:
    """One file as the review page shows it: its sheets with the mapping to confirm
    (``shown``: as a refused form submitted it) and a few values of each column, or the
    bills a PDF was read as."""
    detected = row.detected or {}
    sheets = shown if shown is not None else (row.mappings or detected.get("sheets", []))
    is_pdf = row.format == FileFormat.PDF.value
    label, tone = status_text(row)
    return UploadView(
        id=str(row.id),
        file_name=row.file_name,
        size=size_text(row.size),
        status=row.status,
        status_label=label,
        tone=tone,
        is_pdf=is_pdf,
        suppliers_found=row.suppliers_found,
        bills_found=row.bills_found,
        review=review_items(row),
        sheets=sheet_views(sheets, detected.get("samples", {})),
        skipped=detected.get("skippedSheets", {}),
        confirm_action=f"{actions}/confirm",
        remove_action=f"{actions}/remove",
        error=error,
        ready=row.status == UploadStatus.READY.value,
        bills=_bills_read(row) if is_pdf else (),
    )
