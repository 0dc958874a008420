"""Xero GUIDs back to the sandbox records they were made from.

A Xero id is a one-way hash of the tenant and the sandbox id (``mapping.xero_id``), so
answering ``GET /Invoices/{InvoiceID}`` or a write naming a ``ContactID`` needs the
reverse: one dictionary per build of the books, from every record's GUID."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledgerport.connectors.sandbox.state import Company, Document, Party
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero.mapping import xero_id

# The sandbox's document lists by data type, and the kind their GUIDs are made with.
DOCUMENT_KINDS = {
    DataType.INVOICES: "invoice",
    DataType.BILLS: "bill",
    DataType.CREDIT_NOTES: "credit-note",
    DataType.BILL_CREDIT_NOTES: "bill-credit-note",
}
BANK_ITEM = "bankTransactions"  # the record type of a bank line no document explains


@dataclass(frozen=True)
class Ref:
    """A sandbox record: its type, id, and the state object it renders from."""

    data_type: DataType
    sandbox_id: str
    obj: object


@dataclass
class Index:
    by_guid: dict[str, Ref] = field(default_factory=dict)
    by_number: dict[tuple[DataType, str], Document] = field(default_factory=dict)

    def find(self, guid: str, *types: DataType) -> Ref | None:
        """The record with this GUID if it is one of ``types``."""
        ref = self.by_guid.get(guid.strip().lower())
        return ref if ref is not None and ref.data_type in types else None


def party_kind(customer: bool) -> str:
    return "customer" if customer else "supplier"


def build_index(tenant_id: str, company: Company) -> Index:
    index = Index()
    add = index.by_guid.__setitem__
    for account in company.chart:
        add(
            xero_id(tenant_id, "account", account.id),
            Ref(DataType.CHART_OF_ACCOUNTS, account.id, account),
        )
    parties: list[tuple[DataType, Party]] = [
        *((DataType.CUSTOMERS, p) for p in (*company.customers, *company.pushed_customers)),
        *((DataType.SUPPLIERS, p) for p in (*company.suppliers, *company.pushed_suppliers)),
    ]
    for data_type, party in parties:
        kind = party_kind(data_type is DataType.CUSTOMERS)
        add(xero_id(tenant_id, kind, party.id), Ref(data_type, party.id, party))
    for doc in company.documents.values():
        data_type = DataType(doc.data_type)
        add(xero_id(tenant_id, DOCUMENT_KINDS[data_type], doc.id), Ref(data_type, doc.id, doc))
        if not doc.deleted:
            index.by_number[(data_type, doc.number.casefold())] = doc
    for data_type, payments in (
        (DataType.PAYMENTS, company.payments),
        (DataType.BILL_PAYMENTS, company.bill_payments),
    ):
        for payment in payments:
            for n, line in enumerate(payment.lines):
                for m, _ in enumerate(line.links):
                    guid = xero_id(tenant_id, "payment", f"{payment.id}:{n}:{m}")
                    add(guid, Ref(data_type, payment.id, payment))
    for data_type, costs in (
        (DataType.DIRECT_COSTS, company.direct_costs),
        (DataType.DIRECT_INCOMES, company.direct_incomes),
    ):
        for cost in costs:
            add(xero_id(tenant_id, "bank-transaction", cost.id), Ref(data_type, cost.id, cost))
    bank_lines = {line.id: line for line in company.bank_transactions}
    for entry in company.journal_entries:
        add(xero_id(tenant_id, "journal", entry.id), Ref(DataType.JOURNALS, entry.id, entry))
        if entry.record is None:
            guid = xero_id(tenant_id, "manual-journal", entry.id)
            add(guid, Ref(DataType.JOURNAL_ENTRIES, entry.id, entry))
        elif entry.record[1] == BANK_ITEM and entry.record[0] in bank_lines:
            bank_line = bank_lines[entry.record[0]]
            guid = xero_id(tenant_id, "bank-transaction", bank_line.id)
            add(guid, Ref(DataType.BANK_TRANSACTIONS, bank_line.id, entry))
    return index
