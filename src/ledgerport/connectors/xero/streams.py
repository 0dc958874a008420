"""What the connector reads: for each Codat data type, the Xero endpoint, the filter
that keeps the list to that type's records, how it pages, whether Xero can send only
what changed (``If-Modified-Since``) and where its files are.

Two Codat types often share one Xero list (invoices and bills are both ``/Invoices``);
each stream asks Xero with ``where`` for its own records only, so it pages through
just those, and the reader keeps to the same test on what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ledgerport.connectors.paging import Paginator, Single
from ledgerport.connectors.spec import ReadStream
from ledgerport.connectors.xero.mapping import (
    accounts,
    banking,
    catalog,
    company,
    contacts,
    documents,
    ledger,
    payments,
)
from ledgerport.connectors.xero.paging import JournalNumbers, XeroPages
from ledgerport.domain.enums import DataType

Raw = Mapping[str, Any]
API = "/api.xro/2.0"


@dataclass(frozen=True)
class Endpoint:
    path: str
    collection: str
    # Query parameters every request of the stream carries (``where``, ``includeArchived``).
    params: tuple[tuple[str, str], ...] = ()
    # The same test as ``where``, applied to what comes back.
    keep: Callable[[Raw], bool] | None = None
    # One Xero record as the records of the stream (a tracking category and its options).
    expand: Callable[[Raw], list[Raw]] | None = None
    # Where a record's files are: ``/{attachments}/{id}/Attachments``.
    attachments: str | None = None


def _is(key: str, *values: str) -> Callable[[Raw], bool]:
    return lambda raw: raw.get(key) in values


def _where(key: str, *values: str) -> tuple[str, str]:
    return ("where", " OR ".join(f'{key}=="{value}"' for value in values))


def _flag(key: str) -> Callable[[Raw], bool]:
    return lambda raw: raw.get(key) is True


ENDPOINTS: Mapping[DataType, Endpoint] = {
    DataType.COMPANY: Endpoint("/Organisation", "Organisations"),
    DataType.CHART_OF_ACCOUNTS: Endpoint("/Accounts", "Accounts"),
    DataType.BANK_ACCOUNTS: Endpoint(
        "/Accounts", "Accounts", (_where("Type", "BANK"),), _is("Type", "BANK")
    ),
    DataType.CUSTOMERS: Endpoint(
        "/Contacts",
        "Contacts",
        (("where", "IsCustomer==true"), ("includeArchived", "true")),
        _flag("IsCustomer"),
        attachments="Contacts",
    ),
    DataType.SUPPLIERS: Endpoint(
        "/Contacts",
        "Contacts",
        (("where", "IsSupplier==true"), ("includeArchived", "true")),
        _flag("IsSupplier"),
        attachments="Contacts",
    ),
    DataType.INVOICES: Endpoint(
        "/Invoices", "Invoices", (_where("Type", "ACCREC"),), _is("Type", "ACCREC"),
        attachments="Invoices",
    ),
    DataType.BILLS: Endpoint(
        "/Invoices", "Invoices", (_where("Type", "ACCPAY"),), _is("Type", "ACCPAY"),
        attachments="Invoices",
    ),
    DataType.CREDIT_NOTES: Endpoint(
        "/CreditNotes", "CreditNotes", (_where("Type", "ACCRECCREDIT"),),
        _is("Type", "ACCRECCREDIT"), attachments="CreditNotes",
    ),
    DataType.BILL_CREDIT_NOTES: Endpoint(
        "/CreditNotes", "CreditNotes", (_where("Type", "ACCPAYCREDIT"),),
        _is("Type", "ACCPAYCREDIT"), attachments="CreditNotes",
    ),
    DataType.PAYMENTS: Endpoint(
        "/Payments", "Payments", (_where("PaymentType", *payments.RECEIVABLE_TYPES),),
        _is("PaymentType", *payments.RECEIVABLE_TYPES),
    ),
    DataType.BILL_PAYMENTS: Endpoint(
        "/Payments", "Payments", (_where("PaymentType", *payments.PAYABLE_TYPES),),
        _is("PaymentType", *payments.PAYABLE_TYPES),
    ),
    DataType.BANK_TRANSACTIONS: Endpoint(
        "/BankTransactions", "BankTransactions", attachments="BankTransactions"
    ),
    DataType.DIRECT_COSTS: Endpoint(
        "/BankTransactions", "BankTransactions", (_where("Type", banking.SPEND),),
        _is("Type", banking.SPEND), attachments="BankTransactions",
    ),
    DataType.DIRECT_INCOMES: Endpoint(
        "/BankTransactions", "BankTransactions", (_where("Type", banking.RECEIVE),),
        _is("Type", banking.RECEIVE), attachments="BankTransactions",
    ),
    DataType.ITEMS: Endpoint("/Items", "Items"),
    DataType.TAX_RATES: Endpoint("/TaxRates", "TaxRates"),
    DataType.TRACKING_CATEGORIES: Endpoint(
        "/TrackingCategories", "TrackingCategories", (("includeArchived", "true"),),
        expand=catalog.tracking_nodes,
    ),
    DataType.JOURNAL_ENTRIES: Endpoint("/Journals", "Journals"),
}  # fmt: skip


def _has_attachments(raw: Raw) -> bool:
    return raw.get("HasAttachments") is True


def _stream(
    data_type: DataType,
    to_standard: Callable[[Raw], dict[str, Any]],
    paginator: Paginator | None = None,
    *,
    incremental: bool = True,
) -> ReadStream:
    endpoint = ENDPOINTS[data_type]
    return ReadStream(
        data_type,
        to_standard,
        paginator if paginator is not None else Single(),
        path=API + endpoint.path,
        incremental=incremental,
        attachments=endpoint.attachments is not None,
        has_attachments=_has_attachments if endpoint.attachments else None,
    )


def _pages(collection: str) -> XeroPages:
    return XeroPages(collection)


# Incremental wherever Xero takes If-Modified-Since (not /TaxRates, /TrackingCategories
# or /Organisation, which are small and read whole).
READS: tuple[ReadStream, ...] = (
    _stream(DataType.COMPANY, company.to_company, incremental=False),
    _stream(DataType.CHART_OF_ACCOUNTS, accounts.to_account),
    _stream(DataType.BANK_ACCOUNTS, accounts.to_bank_account),
    _stream(DataType.CUSTOMERS, contacts.to_customer, _pages("Contacts")),
    _stream(DataType.SUPPLIERS, contacts.to_supplier, _pages("Contacts")),
    _stream(DataType.INVOICES, documents.to_invoice, _pages("Invoices")),
    _stream(DataType.BILLS, documents.to_bill, _pages("Invoices")),
    _stream(DataType.CREDIT_NOTES, documents.to_credit_note, _pages("CreditNotes")),
    _stream(DataType.BILL_CREDIT_NOTES, documents.to_bill_credit_note, _pages("CreditNotes")),
    _stream(DataType.PAYMENTS, payments.to_payment, _pages("Payments")),
    _stream(DataType.BILL_PAYMENTS, payments.to_bill_payment, _pages("Payments")),
    _stream(DataType.BANK_TRANSACTIONS, banking.to_bank_transaction, _pages("BankTransactions")),
    _stream(DataType.DIRECT_COSTS, banking.to_direct_cost, _pages("BankTransactions")),
    _stream(DataType.DIRECT_INCOMES, banking.to_direct_income, _pages("BankTransactions")),
    _stream(DataType.ITEMS, catalog.to_item),
    _stream(DataType.TAX_RATES, catalog.to_tax_rate, incremental=False),
    _stream(DataType.TRACKING_CATEGORIES, catalog.to_tracking_category, incremental=False),
    _stream(DataType.JOURNAL_ENTRIES, ledger.to_journal_entry, JournalNumbers()),
)
