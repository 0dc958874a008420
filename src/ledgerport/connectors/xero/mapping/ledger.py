"""Journal entries from Xero's ``Journals``: the general ledger, every posting Xero
made (invoices, bills, payments, bank transactions, manual journals...), so the
balance sheet and profit and loss computed from journal entries match Xero's. Manual
journals are among them (source MANJOURNAL) and are not read a second time.

Xero journals are never changed once written (a change to a document reverses its
journal and writes a new one), so ``createdOn`` is also their ``updatedOn`` and
``sourceModifiedDate``. Lines are in the base currency, debits positive (Xero's
``NetAmount`` sign). ``recordRef`` names the document that posted the entry.
"""

from __future__ import annotations

from ledgerport.connectors.xero.dates import business_date, timestamp
from ledgerport.connectors.xero.mapping.common import (
    Doc,
    Raw,
    as_list,
    money,
    rendered,
    text,
)
from ledgerport.domain.accounting.ledger import JournalEntry

# Xero journal SourceType -> the Codat data type of the record that posted it.
SOURCE_TYPES = {
    "ACCREC": "invoices",
    "ACCPAY": "bills",
    "ACCRECCREDIT": "creditNotes",
    "ACCPAYCREDIT": "billCreditNotes",
    "ACCRECPAYMENT": "payments",
    "ARCREDITPAYMENT": "payments",
    "ACCPAYPAYMENT": "billPayments",
    "APCREDITPAYMENT": "billPayments",
    "CASHREC": "directIncomes",
    "CASHPAID": "directCosts",
    "TRANSFER": "transfers",
}


def to_journal_entry(raw: Raw) -> Doc:
    created = timestamp(raw.get("CreatedDateUTC"))
    number = raw.get("JournalNumber")
    reference = text(raw.get("Reference"))
    source = str(raw.get("SourceType") or "")
    description = reference or (f"Journal {number}" if number is not None else None)
    doc: Doc = {
        "id": str(raw.get("JournalID") or ""),
        "metadata": {"isDeleted": False},
        "sourceModifiedDate": created,
        "description": description,
        "postedOn": business_date(raw, "JournalDate"),
        "createdOn": created,
        "updatedOn": created,
        "journalLines": [
            {
                "description": text(line.get("Description")),
                "netAmount": money(line.get("NetAmount")),
                "currency": None,
                "accountRef": {
                    "id": text(line.get("AccountID")),
                    "name": text(line.get("AccountName")),
                },
            }
            for line in as_list(raw.get("JournalLines"))
        ],
    }
    if source in SOURCE_TYPES and text(raw.get("SourceID")):
        doc["recordRef"] = {"id": raw["SourceID"], "dataType": SOURCE_TYPES[source]}
    return rendered(JournalEntry, doc)
