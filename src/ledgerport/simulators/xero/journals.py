"""``/ManualJournals`` and ``/Journals``, from the sandbox's ledger.

``/Journals`` is every posting in the order it was made, numbered from 1
(``JournalNumber``), with the document that made it (``SourceType``/``SourceID``).
Xero pages it with ``offset``: the journals numbered above it, 100 at a time, so a
reader keeps the last number it saw. Manual journals are the postings no document
made: opening balances, VAT returns, depreciation, and those written through the API.
The sandbox posts VAT on a line of its own, so every journal line is net, tax 0."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ledgerport.connectors.sandbox.state import JournalEntry
from ledgerport.simulators.xero import mapping
from ledgerport.simulators.xero.dates import ms_date
from ledgerport.simulators.xero.index import BANK_ITEM, DOCUMENT_KINDS
from ledgerport.simulators.xero.records import Record, Row

if TYPE_CHECKING:
    from ledgerport.simulators.xero.records import View

JOURNAL_PAGE = 100  # Xero returns at most 100 journals per call

_SOURCE_TYPES = {
    "invoices": "ACCREC",
    "bills": "ACCPAY",
    "creditNotes": "ACCRECCREDIT",
    "billCreditNotes": "ACCPAYCREDIT",
    "payments": "ACCRECPAYMENT",
    "billPayments": "ACCPAYPAYMENT",
    "directCosts": "CASHPAID",
    "directIncomes": "CASHREC",
    "transfers": "TRANSFER",
}


def _pounds(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


def _source(view: View, entry: JournalEntry) -> tuple[str, str | None]:
    """``SourceType`` and ``SourceID`` of the record a posting came from."""
    tenant = view.tenant_id
    if entry.record is None:
        return "MANJOURNAL", mapping.xero_id(tenant, "manual-journal", entry.id)
    record_id, data_type = entry.record
    if data_type == BANK_ITEM:
        # A bank item posts its bank line first (``events._bank_item``).
        kind = "CASHREC" if entry.lines[0].amount > 0 else "CASHPAID"
        return kind, mapping.xero_id(tenant, "bank-transaction", record_id)
    kinds = {t.value: k for t, k in DOCUMENT_KINDS.items()}
    if data_type in kinds:
        return _SOURCE_TYPES[data_type], mapping.xero_id(tenant, kinds[data_type], record_id)
    if data_type in ("payments", "billPayments"):
        return _SOURCE_TYPES[data_type], mapping.xero_id(tenant, "payment", f"{record_id}:0:0")
    if data_type in ("directCosts", "directIncomes"):
        return _SOURCE_TYPES[data_type], mapping.xero_id(tenant, "bank-transaction", record_id)
    return _SOURCE_TYPES.get(data_type, "MANJOURNAL"), None


def journal_rows(view: View) -> list[tuple[int, Row]]:
    """Every journal with its ``JournalNumber``; the row's stamp is its creation."""
    out = []
    for number, entry in enumerate(view.company.journal_entries, start=1):
        guid = mapping.xero_id(view.tenant_id, "journal", entry.id)
        stamp = view.moment(entry.id, entry.t)
        out.append(
            (number, Row(guid, stamp, _journal(view, entry, guid, number, stamp), cache=view.cache))
        )
    return out


def _journal(
    view: View, entry: JournalEntry, guid: str, number: int, stamp: datetime
) -> Callable[[], Record]:
    def render() -> Record:
        source_type, source_id = _source(view, entry)
        lines = []
        for n, line in enumerate(entry.lines):
            account = view.company.chart_by_code[line.account]
            amount = _pounds(line.amount)
            lines.append(
                {
                    "JournalLineID": mapping.xero_id(
                        view.tenant_id, "journal-line", f"{entry.id}:{n}"
                    ),
                    "AccountID": mapping.xero_id(view.tenant_id, "account", account.id),
                    "AccountCode": account.code,
                    "AccountType": mapping.account_type(account.category, is_bank=account.is_bank),
                    "AccountName": account.name,
                    "Description": line.description or "",
                    "NetAmount": amount,
                    "GrossAmount": amount,
                    "TaxAmount": Decimal(0),
                    "TrackingCategories": [],
                }
            )
        record: Record = {
            "JournalID": guid,
            "JournalDate": ms_date(view.company.moment(entry.day * 24)),
            "JournalNumber": number,
            "Reference": entry.description,
            "SourceType": source_type,
            "JournalLines": lines,
        }
        if source_id is not None:
            record["SourceID"] = source_id
        return view.finish(record, stamp, "CreatedDateUTC")

    return render


def manual_journal_rows(view: View) -> list[Row]:
    rows = []
    for entry in view.company.journal_entries:
        if entry.record is not None:
            continue
        guid = mapping.xero_id(view.tenant_id, "manual-journal", entry.id)
        stamp = view.moment(entry.id, entry.t)
        rows.append(Row(guid, stamp, _manual(view, entry, guid, stamp), cache=view.cache))
    return rows


def _manual(view: View, entry: JournalEntry, guid: str, stamp: datetime) -> Callable[[], Record]:
    def render() -> Record:
        lines = []
        for line in entry.lines:
            account = view.company.chart_by_code[line.account]
            lines.append(
                {
                    "LineAmount": _pounds(line.amount),
                    "AccountCode": account.code,
                    "AccountID": mapping.xero_id(view.tenant_id, "account", account.id),
                    "Description": line.description or "",
                    "TaxType": "NONE",
                    "TaxAmount": Decimal(0),
                    "Tracking": [],
                    "IsBlank": False,
                }
            )
        record: Record = {
            "ManualJournalID": guid,
            "Narration": entry.description,
            "JournalLines": lines,
            "Date": ms_date(view.company.moment(entry.day * 24)),
            "LineAmountTypes": "NoTax",
            "Status": "POSTED",
            "ShowOnCashBasisReports": True,
            "HasAttachments": view.has_files(guid),
        }
        return view.finish(record, stamp)

    return render
