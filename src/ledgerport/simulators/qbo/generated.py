"""The sandbox's books at one hour as QBO entities: every entity's records mapped once
and kept with the books (the sandbox builds a company once an hour), an Id index per
entity, and the tombstones of drafts the business deleted, which QBO shows only
through change data capture."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.books import Books, pdf_id
from ledgerport.connectors.sandbox.ledger import REFERENCE_CREATED
from ledgerport.connectors.sandbox.state import Document, Party
from ledgerport.domain.enums import DataType
from ledgerport.simulators.qbo.entities import from_sandbox
from ledgerport.simulators.qbo.mapping import names, transactions
from ledgerport.simulators.qbo.mapping.attachments import attachable, attachable_id
from ledgerport.simulators.qbo.mapping.common import Json


@dataclass(frozen=True)
class Tombstone:
    entity: str
    id: str
    at: datetime


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    content: bytes


class Generated:
    """One hour of the generated books, in QBO's shapes."""

    def __init__(self, books: Books) -> None:
        self.books = books
        self.company = books.company
        self._lists: dict[str, list[Json]] = {}
        self._index: dict[str, dict[str, int]] = {}
        self._pdfs: dict[str, tuple[DataType, str]] = {}
        self._lock = threading.Lock()

    def records(self, entity: str) -> list[Json]:
        with self._lock:
            if entity not in self._lists:
                built = self._build(entity)
                self._lists[entity] = built
                self._index[entity] = {r["Id"]: n for n, r in enumerate(built)}
            return self._lists[entity]

    def get(self, entity: str, object_id: str) -> Json | None:
        records = self.records(entity)
        position = self._index[entity].get(object_id)
        return None if position is None else records[position]

    def _build(self, entity: str) -> list[Json]:
        builder: Callable[[], list[Json]] = {
            "Account": self._accounts,
            "Customer": lambda: self._parties(DataType.CUSTOMERS, names.customer),
            "Vendor": lambda: self._parties(DataType.SUPPLIERS, names.vendor),
            "Item": lambda: [names.item(self.company, it, self._reference) for it in c.ITEMS],
            "TaxCode": lambda: [names.tax_code(r, self._reference) for r in c.TAX_RATES],
            "TaxRate": lambda: [
                rate for r in c.TAX_RATES for rate in names.tax_rates(r, self._reference)
            ],
            "Class": lambda: self._tracking("Class"),
            "Department": lambda: self._tracking("Department"),
            "CompanyInfo": lambda: [names.company_info(self.company, self.company.start)],
            "Preferences": self._preferences,
            "Invoice": lambda: self._documents(DataType.INVOICES),
            "CreditMemo": lambda: self._documents(DataType.CREDIT_NOTES),
            "Bill": lambda: self._documents(DataType.BILLS),
            "VendorCredit": lambda: self._documents(DataType.BILL_CREDIT_NOTES),
            "Payment": lambda: [
                transactions.payment(self.company, p) for _, p in self.books.rows(DataType.PAYMENTS)
            ],
            "BillPayment": lambda: [
                transactions.bill_payment(self.company, p)
                for _, p in self.books.rows(DataType.BILL_PAYMENTS)
            ],
            "JournalEntry": lambda: [
                transactions.journal_entry(self.company, e)
                for _, e in self.books.rows(DataType.JOURNAL_ENTRIES)
                if transactions.is_manual(e)
            ],
            "Purchase": lambda: [
                transactions.purchase(self.company, x)
                for _, x in self.books.rows(DataType.DIRECT_COSTS)
            ],
            "Attachable": self._attachables,
        }[entity]
        return builder()

    @property
    def _reference(self) -> datetime:
        return self.company.moment(REFERENCE_CREATED)

    def _preferences(self) -> list[Json]:
        """Settings change only when a VAT return locks a period (the book close date),
        at the hour the return was posted."""
        co = self.company
        locked = co.vat_locked_to
        if locked is None:
            return [names.preferences(co, co.start, None)]
        filed = max(
            (e.t for e in co.journal_entries if e.description.startswith("VAT return to")),
            default=locked * 24,
        )
        return [names.preferences(co, co.moment(filed), co.date(locked))]

    def _accounts(self) -> list[Json]:
        return [
            names.account(self.company, line)
            for _, line in self.books.rows(DataType.CHART_OF_ACCOUNTS)
        ]

    def _parties(self, data_type: DataType, mapper: Callable[..., Json]) -> list[Json]:
        """Customers or vendors, each with what it owes or is owed: open documents less
        unused credit."""
        owed: dict[str, int] = defaultdict(int)
        sales = data_type is DataType.CUSTOMERS
        docs = (
            (self.company.invoices, self.company.credit_notes)
            if sales
            else (self.company.bills, self.company.bill_credit_notes)
        )
        for sign, pool in zip((1, -1), docs, strict=True):
            for doc in pool:
                if not doc.deleted:
                    owed[doc.party.id] += sign * doc.due
        parties: list[Party] = [p for _, p in self.books.rows(data_type)]
        return [mapper(self.company, p, owed[p.id]) for p in parties]

    def _tracking(self, kind: str) -> list[Json]:
        out = []
        for category in c.TRACKING:
            found = names.tracking(category, self._reference)
            if found is not None and found[0] == kind:
                out.append(found[1])
        return out

    def _documents(self, data_type: DataType) -> list[Json]:
        return [transactions.document(self.company, doc) for _, doc in self.books.rows(data_type)]

    def _attachables(self) -> list[Json]:
        out = []
        for data_type in (DataType.INVOICES, DataType.BILLS):
            for _, doc in self.books.rows(data_type):
                self._pdfs[attachable_id(doc)] = (data_type, doc.id)
                out.append(attachable(self.company, doc))
        return out

    def file(self, object_id: str) -> File | None:
        """The PDF behind a generated Attachable (drawn when asked for)."""
        self.records("Attachable")
        found = self._pdfs.get(object_id)
        if found is None:
            return None
        pdf = self.books.attachment(*found)
        if pdf is None or pdf.id != pdf_id(found[1]):
            return None
        return File(pdf.name, "application/pdf", pdf.content)

    def tombstones(self) -> list[Tombstone]:
        """Documents the business deleted (unwanted drafts), and their PDFs."""
        co = self.company
        out: list[Tombstone] = []
        pools: tuple[list[Document], ...] = (
            co.invoices,
            co.credit_notes,
            co.bills,
            co.bill_credit_notes,
        )
        for pool in pools:
            for doc in pool:
                if doc.deleted:
                    at = co.moment(doc.modified)
                    kind = transactions.kind_of(doc)
                    out.append(Tombstone(kind, from_sandbox(kind, doc.id), at))
                    if doc.data_type in ("invoices", "bills"):
                        out.append(Tombstone("Attachable", attachable_id(doc), at))
        return out
