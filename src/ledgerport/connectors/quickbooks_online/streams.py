"""What is read, declared: one ``ReadStream`` per data type, each with the QBO entities
it reads (its paginator's steps) and the pure mapping of one object.

| Data type | QBO entities | Incremental (CDC) |
|---|---|---|
| chartOfAccounts | Account | yes |
| bankAccounts | Account where AccountType = 'Bank' | yes |
| bills, billPayments, billCreditNotes | Bill, BillPayment, VendorCredit | yes |
| invoices, payments, creditNotes | Invoice, Payment, CreditMemo | yes |
| customers, suppliers, items | Customer, Vendor, Item | yes |
| journalEntries | JournalEntry | yes |
| trackingCategories | Class, then Department | yes |
| taxRates | TaxRate (looked up), then TaxCode | no: CDC has no tax entities |
| company | Preferences (looked up), then CompanyInfo | no: one object |

Invoices and bills carry their files (``Attachable``), read by the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ledgerport.connectors.quickbooks_online.mapping import (
    catalog,
    company,
    ledger,
    payables,
    receivables,
)
from ledgerport.connectors.quickbooks_online.paging import QueryPaging, Step
from ledgerport.connectors.spec import ReadStream
from ledgerport.domain.enums import DataType

Mapper = Callable[[Mapping[str, Any]], dict[str, Any]]

# The QBO entity behind each data type read or written one object at a time.
ENTITIES: dict[DataType, str] = {
    DataType.CHART_OF_ACCOUNTS: "Account",
    DataType.BANK_ACCOUNTS: "Account",
    DataType.BILLS: "Bill",
    DataType.BILL_PAYMENTS: "BillPayment",
    DataType.BILL_CREDIT_NOTES: "VendorCredit",
    DataType.INVOICES: "Invoice",
    DataType.PAYMENTS: "Payment",
    DataType.CREDIT_NOTES: "CreditMemo",
    DataType.CUSTOMERS: "Customer",
    DataType.SUPPLIERS: "Vendor",
    DataType.ITEMS: "Item",
    DataType.JOURNAL_ENTRIES: "JournalEntry",
}

MAPPERS: dict[DataType, Mapper] = {
    DataType.CHART_OF_ACCOUNTS: ledger.account,
    DataType.BANK_ACCOUNTS: ledger.bank_account,
    DataType.BILLS: payables.bill,
    DataType.BILL_PAYMENTS: payables.bill_payment,
    DataType.BILL_CREDIT_NOTES: payables.bill_credit_note,
    DataType.INVOICES: receivables.invoice,
    DataType.PAYMENTS: receivables.payment,
    DataType.CREDIT_NOTES: receivables.credit_note,
    DataType.CUSTOMERS: receivables.customer,
    DataType.SUPPLIERS: payables.supplier,
    DataType.ITEMS: catalog.item,
    DataType.JOURNAL_ENTRIES: ledger.journal_entry,
    DataType.TAX_RATES: catalog.tax_rate,
    DataType.TRACKING_CATEGORIES: catalog.tracking_category,
    DataType.COMPANY: company.company,
}

# The data types whose records have files, and the entity name Attachable links use.
ATTACHMENT_ENTITIES: dict[DataType, str] = {
    DataType.INVOICES: "Invoice",
    DataType.BILLS: "Bill",
}

_BANK = Step("Account", where="AccountType = 'Bank'", keep=ledger.is_bank_account)


def _steps(data_type: DataType) -> QueryPaging:
    match data_type:
        case DataType.BANK_ACCOUNTS:
            return QueryPaging((_BANK,))
        case DataType.TRACKING_CATEGORIES:
            return QueryPaging((Step("Class"), Step("Department")))
        case DataType.TAX_RATES:
            return QueryPaging((Step("TaxRate", lookup=True), Step("TaxCode")), cdc=False)
        case DataType.COMPANY:
            steps = (
                Step("Preferences", lookup=True, paged=False),
                Step("CompanyInfo", paged=False),
            )
            return QueryPaging(steps, cdc=False)
        case _:
            return QueryPaging((Step(ENTITIES[data_type]),))


def _stream(data_type: DataType) -> ReadStream:
    paging = _steps(data_type)
    return ReadStream(
        data_type,
        MAPPERS[data_type],
        paging,
        incremental=paging.cdc,
        attachments=data_type in ATTACHMENT_ENTITIES,
    )


READS: tuple[ReadStream, ...] = tuple(_stream(data_type) for data_type in MAPPERS)
