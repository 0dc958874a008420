"""The spend analysis as an Excel workbook: one sheet per section, amounts with two
decimals and thousands separators, percentages as numbers with a ``%`` suffix (the
report's percentages are 0-100), dates as real dates. Built in memory (openpyxl) from
the analysis dict, so the API and the portal export the same file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledgerport.domain.spend.labels import translator

MONEY = "#,##0.00"
PERCENT = '0.00"%"'
DAYS = "0.00"
DATE = "yyyy-mm-dd"
INTEGER = "0"

# (title, key in the row, number format or None for text)
Column = tuple[str, str, str | None]

_SPEND: Sequence[Column] = (
    ("Month", "month", None),
    ("From", "fromDate", DATE),
    ("To", "toDate", DATE),
    ("Partial", "isPartial", None),
    ("Bills", "billsCount", INTEGER),
    ("Billed", "billedAmount", MONEY),
    ("Credited", "creditedAmount", MONEY),
    ("Net spend", "netAmount", MONEY),
    ("Change from previous month", "changeFromPreviousMonth", MONEY),
)
_TOP: Sequence[Column] = (
    ("Rank", "rank", INTEGER),
    ("Supplier id", "supplierId", None),
    ("Supplier", "supplierName", None),
    ("Bills", "billsCount", INTEGER),
    ("Billed", "billedAmount", MONEY),
    ("Credited", "creditedAmount", MONEY),
    ("Net spend", "netAmount", MONEY),
    ("Share of spend %", "percentageOfSpend", PERCENT),
)
_ACCOUNTS: Sequence[Column] = (
    ("Account id", "accountId", None),
    ("Account", "accountName", None),
    ("Nominal code", "nominalCode", None),
    ("Category", "category", None),
    ("Lines", "linesCount", INTEGER),
    ("Amount", "amount", MONEY),
    ("Share of spend %", "percentageOfSpend", PERCENT),
)
_BILLS: Sequence[Column] = (
    ("Bill id", "billId", None),
    ("Reference", "reference", None),
    ("Supplier id", "supplierId", None),
    ("Supplier", "supplierName", None),
    ("Issue date", "issueDate", DATE),
    ("Due date", "dueDate", DATE),
    ("Days past due", "daysPastDue", INTEGER),
    ("Currency", "currency", None),
    ("Amount due (currency)", "amountDueInCurrency", MONEY),
    ("Amount due", "amountDue", MONEY),
)
_RECURRING: Sequence[Column] = (
    ("Supplier id", "supplierId", None),
    ("Supplier", "supplierName", None),
    ("Months billed", "monthsBilled", INTEGER),
    ("Bills", "billsCount", INTEGER),
    ("Cadence", "cadence", None),
    ("Median days between bills", "medianDaysBetweenBills", DAYS),
    ("Average bill", "averageBillAmount", MONEY),
    ("Average monthly", "averageMonthlyAmount", MONEY),
    ("Last billed", "lastBilled", DATE),
    ("Next expected", "nextExpected", DATE),
)
_DUPLICATES: Sequence[Column] = (
    ("Supplier id", "supplierId", None),
    ("Supplier", "supplierName", None),
    ("Bill id", "billId", None),
    ("Reference", "billReference", None),
    ("Issue date", "issueDate", DATE),
    ("Duplicate bill id", "duplicateBillId", None),
    ("Duplicate reference", "duplicateBillReference", None),
    ("Duplicate issue date", "duplicateIssueDate", DATE),
    ("Days apart", "daysApart", INTEGER),
    ("Currency", "currency", None),
    ("Amount", "amount", MONEY),
    ("Same reference", "sameReference", None),
)
_SHARED: Sequence[Column] = (
    ("Bills", "billsCount", INTEGER),
    ("Outstanding", "billsOutstandingCount", INTEGER),
    ("Billed", "billsAmount", MONEY),
    ("Outstanding amount", "billsOutstandingAmount", MONEY),
    ("Outstanding %", "billsOutstandingPercentageByAmount", PERCENT),
    ("Payments", "paymentsCount", INTEGER),
    ("Payments amount", "paymentsAmount", MONEY),
    ("Average payment", "averagePaymentAmount", MONEY),
    ("Paid late", "billsPaidLateCount", INTEGER),
    ("Paid late amount", "billsPaidLateAmount", MONEY),
    ("Late %", "billsPaidLatePercentageByAmount", PERCENT),
    ("Payment terms (weighted days)", "averageBillPaymentTermsWeighted", DAYS),
    ("Settlement (weighted days)", "averageBillSettlementPeriodWeighted", DAYS),
    ("Direct costs", "directCostsCount", INTEGER),
    ("Direct costs amount", "directCostsAmount", MONEY),
)
_SUPPLIERS: Sequence[Column] = (
    ("Supplier id", "supplierId", None),
    ("Supplier", "supplierName", None),
    ("Last billed", "latestBilled", DATE),
    *_SHARED,
    ("Most used method", "biggestCountPaymentMethod", None),
    ("Largest spend method", "biggestSpendPaymentMethod", None),
    ("Common terms (days)", "commonPaymentTermsDays", INTEGER),
)
_METHODS: Sequence[Column] = (
    ("Payment method", "biggestCountPaymentMethod", None),
    ("Suppliers", "suppliersCount", INTEGER),
    ("Suppliers %", "percentageSuppliersByCount", PERCENT),
    ("Bills % by count", "percentageBillsByCount", PERCENT),
    ("Bills % by amount", "percentageBillsByAmount", PERCENT),
    *_SHARED,
    ("Direct costs % by count", "directCostsPercentageByCount", PERCENT),
    ("Direct costs % by amount", "directCostsPercentageByAmount", PERCENT),
)


def _cell_value(value: Any, number_format: str | None) -> Any:
    if number_format == DATE and isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    words: Mapping[str, str],
    start_row: int = 1,
) -> int:
    """Write a header and the rows from ``start_row``; returns the next free row."""
    for index, (title, _, _) in enumerate(columns, start=1):
        cell = sheet.cell(row=start_row, column=index, value=words.get(title, title))
        cell.font = Font(bold=True)
        width = max(12, min(40, len(str(cell.value)) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    for offset, row in enumerate(rows, start=1):
        for index, (_, key, number_format) in enumerate(columns, start=1):
            cell = sheet.cell(
                row=start_row + offset,
                column=index,
                value=_cell_value(row.get(key), number_format),
            )
            if number_format:
                cell.number_format = number_format
    sheet.freeze_panes = f"A{start_row + 1}"
    return start_row + len(rows) + 2


def _pairs(
    sheet: Worksheet, pairs: Sequence[tuple[str, Any, str | None]], words: Mapping[str, str]
) -> None:
    """A two-column sheet of named figures."""
    rows = [{"figure": words.get(title, title), "value": value} for title, value, _ in pairs]
    _table(sheet, (("Figure", "figure", None), ("Value", "value", None)), rows, words)
    for offset, (_, _, number_format) in enumerate(pairs, start=2):
        cell = sheet.cell(row=offset, column=2)
        if number_format:
            cell.number_format = number_format
            cell.value = _cell_value(cell.value, number_format)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 18


def _summary(report: Mapping[str, Any]) -> list[tuple[str, Any, str | None]]:
    spend, suppliers = report["spend"], report["suppliers"]
    concentration = suppliers["concentration"]
    behaviour = report["paymentBehaviour"]
    return [
        ("As of", report["asOf"], DATE),
        ("From", report["fromDate"], DATE),
        ("To", report["toDate"], DATE),
        ("Base currency", report["currencies"]["baseCurrency"], None),
        ("Bills", spend["billsCount"], INTEGER),
        ("Credit notes", spend["creditNotesCount"], INTEGER),
        ("Billed", spend["billedAmount"], MONEY),
        ("Credited", spend["creditedAmount"], MONEY),
        ("Net spend", spend["netAmount"], MONEY),
        ("Average monthly net spend", spend["averageMonthlyNetAmount"], MONEY),
        ("Trend per month", spend["trendPerMonth"], MONEY),
        ("Suppliers billing", suppliers["suppliersCount"], INTEGER),
        ("Top 1 share %", concentration["top1Percentage"], PERCENT),
        ("Top 5 share %", concentration["top5Percentage"], PERCENT),
        ("Top 10 share %", concentration["top10Percentage"], PERCENT),
        ("HHI", concentration["herfindahlHirschmanIndex"], DAYS),
        ("Outstanding bills", behaviour["outstandingCount"], INTEGER),
        ("Outstanding amount", behaviour["outstandingAmount"], MONEY),
        ("Days payable outstanding", behaviour["daysPayableOutstanding"], DAYS),
        ("Paid bills", behaviour["paidBillsCount"], INTEGER),
        ("Paid late", behaviour["paidLateCount"], INTEGER),
        ("Paid late amount", behaviour["paidLateAmount"], MONEY),
        ("Paid late % by count", behaviour["paidLatePercentageByCount"], PERCENT),
        ("Paid late % by amount", behaviour["paidLatePercentageByAmount"], PERCENT),
        ("Average days to pay (weighted)", behaviour["averageDaysToPayWeighted"], DAYS),
        ("Overdue", behaviour["overdue"]["count"], INTEGER),
        ("Overdue amount", behaviour["overdue"]["amount"], MONEY),
        ("Upcoming", behaviour["upcoming"]["count"], INTEGER),
        ("Upcoming amount", behaviour["upcoming"]["amount"], MONEY),
    ]


def spend_workbook(report: Mapping[str, Any], lang: str = "en") -> bytes:
    """The analysis (as :func:`analyse_spend` returns it) as .xlsx bytes."""
    words = translator(lang)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)

    def sheet(title: str) -> Worksheet:
        created: Worksheet = book.create_sheet(words.get(title, title)[:31])
        return created

    _pairs(sheet("Summary"), _summary(report), words)
    _table(sheet("Monthly spend"), _SPEND, report["spend"]["months"], words)
    _table(sheet("Top suppliers"), _TOP, report["suppliers"]["top"], words)
    categories = sheet("Categories")
    below = _table(categories, _ACCOUNTS, report["categories"]["byAccount"], words)
    _table(
        categories,
        (
            ("Category", "category", None),
            ("Amount", "amount", MONEY),
            ("Share of spend %", "percentageOfSpend", PERCENT),
        ),
        report["categories"]["byCategory"],
        words,
        start_row=below,
    )
    categories.freeze_panes = "A2"
    _table(sheet("Overdue bills"), _BILLS, report["paymentBehaviour"]["overdue"]["bills"], words)
    _table(sheet("Upcoming bills"), _BILLS, report["paymentBehaviour"]["upcoming"]["bills"], words)
    recurring = report["recurringSuppliers"]["suppliers"]
    _table(sheet("Recurring suppliers"), _RECURRING, recurring, words)
    _table(sheet("Duplicate bills"), _DUPLICATES, report["duplicateBills"]["pairs"], words)
    _table(sheet("Supplier analysis"), _SUPPLIERS, report["supplierAnalysis"], words)
    _table(sheet("Payment methods"), _METHODS, report["paymentMethodAnalysis"], words)
    # A fixed creation time, so the same report always gives the same bytes.
    book.properties.created = book.properties.modified = datetime(2000, 1, 1)
    out = io.BytesIO()
    book.save(out)
    return _without_zip_times(out.getvalue())


def _without_zip_times(data: bytes) -> bytes:
    """The workbook with every zip entry dated 1980-01-01: openpyxl stamps entries with
    the time of saving (to two seconds), so two saves of one report could differ."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = entry.compress_type
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()
