"""The sandbox's books: a believable small UK business (GBP, VAT at 20%), generated.

``books(seed, size, as_of)`` is the company ``seed`` (a connection id) as it stands at
``as_of``: the same every time it is asked, so tests and demos are repeatable, and a
later moment extends an earlier one (see ``simulation.py``), so a pull an hour later
finds what changed in that hour. The books balance: every document posts a balanced
journal entry, the chart of accounts and the bank account carry the ledger's balances,
documents' lines add up to their totals and their allocations to their payments.

How it is built: ``simulation.py`` plays the company's days as ``events.py`` events on
``state.py``'s mutable state (integer pence, whole hours); ``render.py``,
``reference.py`` and ``ledger.py`` turn that state into Codat records through the
standard models, one record at a time and only when asked; ``pdf.py`` draws each
invoice's and bill's PDF. Write-back plugs in through ``extra`` (events applied with
the generated ones).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox import reference
from ledgerport.connectors.sandbox.ledger import REFERENCE_CREATED, balances
from ledgerport.connectors.sandbox.pdf import PdfLine, document_pdf
from ledgerport.connectors.sandbox.render import Renderer
from ledgerport.connectors.sandbox.simulation import HISTORY_END, hour_of, simulate
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.state import HOUR, Company, Document, Event, Upload
from ledgerport.domain.enums import DataType

AS_OF = HISTORY_END  # the books' date when none is given: the end of the fixed history
DEFAULT_SIZE = Size()
CACHE_SIZE = 4  # books kept, at most...
CACHE_DOCUMENTS = 250_000  # ...and at most this many documents between them (one big
# company: 100,000 invoices hold about 300 MB of state), unless it is the only one

DATA_TYPES: tuple[DataType, ...] = (
    DataType.COMPANY,
    DataType.CHART_OF_ACCOUNTS,
    DataType.TAX_RATES,
    DataType.TRACKING_CATEGORIES,
    DataType.PAYMENT_METHODS,
    DataType.JOURNALS,
    DataType.ITEMS,
    DataType.CUSTOMERS,
    DataType.SUPPLIERS,
    DataType.BANK_ACCOUNTS,
    DataType.INVOICES,
    DataType.CREDIT_NOTES,
    DataType.PAYMENTS,
    DataType.BILLS,
    DataType.BILL_CREDIT_NOTES,
    DataType.BILL_PAYMENTS,
    DataType.DIRECT_COSTS,
    DataType.BANK_TRANSACTIONS,
    DataType.JOURNAL_ENTRIES,
)
"""Every data type the sandbox generates, reference data first."""

WRITTEN_ONLY: tuple[DataType, ...] = (DataType.DIRECT_INCOMES, DataType.TRANSFERS)
"""Data types the generator never makes but the API can create (write-back): read too,
so a pushed record comes back on the next pull like any other (a company nobody wrote
to serves none)."""

READ_TYPES: tuple[DataType, ...] = DATA_TYPES + WRITTEN_ONLY

PDF_TYPES = frozenset({DataType.INVOICES, DataType.BILLS})
"""Types whose records carry a generated PDF."""

ATTACHMENT_TYPES = PDF_TYPES | {DataType.DIRECT_COSTS, DataType.DIRECT_INCOMES}
"""Types whose records keep files: the generated PDFs, and files uploaded through the
API (write-back) to bills, invoices, direct costs and direct incomes."""


@dataclass(frozen=True)
class Pdf:
    """A document's file, with what an attachment listing says about it."""

    id: str
    name: str
    content: bytes
    created: datetime
    modified: datetime
    include_when_sent: bool


Row = tuple[int, Any]  # (the hour it last changed, the state it renders from)


class Books:
    """One company's books at one moment. Lists are computed once and kept; records
    are rendered when asked for, a page at a time."""

    def __init__(self, seed: str, size: Size, as_of: datetime, company: Company) -> None:
        self.seed, self.size, self.as_of, self.company = seed, size, as_of, company
        self.renderer = Renderer(company, hour_of(as_of, size))
        r = self.renderer
        self._render: dict[DataType, Callable[[Any], dict[str, Any]]] = {
            DataType.COMPANY: lambda _: reference.company_info(r),
            DataType.CHART_OF_ACCOUNTS: lambda x: reference.account(r, x),
            DataType.TAX_RATES: lambda x: reference.tax_rate(r, x),
            DataType.TRACKING_CATEGORIES: lambda x: reference.tracking_category(r, x),
            DataType.PAYMENT_METHODS: lambda x: reference.payment_method(r, x),
            DataType.JOURNALS: lambda x: reference.journal(r, x),
            DataType.ITEMS: lambda x: reference.item(r, x),
            DataType.CUSTOMERS: r.customer,
            DataType.SUPPLIERS: r.supplier,
            DataType.BANK_ACCOUNTS: lambda x: reference.bank_account(r, x),
            DataType.INVOICES: r.invoice,
            DataType.CREDIT_NOTES: r.credit_note,
            DataType.PAYMENTS: r.payment,
            DataType.BILLS: r.bill,
            DataType.BILL_CREDIT_NOTES: r.bill_credit_note,
            DataType.BILL_PAYMENTS: r.bill_payment,
            DataType.DIRECT_COSTS: r.direct_cost,
            DataType.DIRECT_INCOMES: r.direct_income,
            DataType.TRANSFERS: r.transfer,
            DataType.BANK_TRANSACTIONS: r.bank_transaction,
            DataType.JOURNAL_ENTRIES: r.journal_entry,
        }
        self._rows: dict[DataType, list[Row]] = {}

    def rows(self, data_type: DataType) -> list[Row]:
        """The records of a type in their stable order (oldest first), each with the
        hour it last changed; empty for a type the sandbox does not generate."""
        if data_type not in self._rows:
            self._rows[data_type] = self._list(data_type)
        return self._rows[data_type]

    def _list(self, data_type: DataType) -> list[Row]:
        co, t = self.company, self.renderer.as_of

        def docs(items: Sequence[Document]) -> list[Row]:
            return [(d.modified, d) for d in items if not d.deleted]

        fixed: dict[DataType, Sequence[Any]] = {
            DataType.TAX_RATES: c.TAX_RATES,
            DataType.TRACKING_CATEGORIES: c.TRACKING,
            DataType.PAYMENT_METHODS: c.PAYMENT_METHODS,
            DataType.ITEMS: c.ITEMS,
        }
        if data_type in fixed:
            return [(REFERENCE_CREATED, x) for x in fixed[data_type]]
        match data_type:
            case DataType.COMPANY:
                return [(t, None)]
            case DataType.JOURNALS:
                return [(co.journal_modified.get(j.id, REFERENCE_CREATED), j) for j in co.journals]
            case DataType.CHART_OF_ACCOUNTS:
                return [(b.modified, b) for b in balances(co, t)]
            case DataType.BANK_ACCOUNTS:
                return [(b.modified, b) for b in balances(co, t) if b.account.is_bank]
            case DataType.CUSTOMERS:
                return [(p.last_modified, p) for p in (*co.customers, *co.pushed_customers)]
            case DataType.SUPPLIERS:
                return [(p.last_modified, p) for p in (*co.suppliers, *co.pushed_suppliers)]
            case DataType.INVOICES:
                return docs(co.invoices)
            case DataType.CREDIT_NOTES:
                return docs(co.credit_notes)
            case DataType.BILLS:
                return docs(co.bills)
            case DataType.BILL_CREDIT_NOTES:
                return docs(co.bill_credit_notes)
            case DataType.PAYMENTS:
                return [(p.t, p) for p in co.payments if p.id not in co.deleted]
            case DataType.BILL_PAYMENTS:
                return [(p.t, p) for p in co.bill_payments if p.id not in co.deleted]
            case DataType.DIRECT_COSTS:
                return [(x.t, x) for x in co.direct_costs if x.id not in co.deleted]
            case DataType.DIRECT_INCOMES:
                return [(x.t, x) for x in co.direct_incomes if x.id not in co.deleted]
            case DataType.TRANSFERS:
                return [(x.t, x) for x in co.transfers if x.id not in co.deleted]
            case DataType.BANK_TRANSACTIONS:
                modified = self.renderer.bank_transaction_modified
                return [(modified(x), x) for x in co.bank_transactions]
            case DataType.JOURNAL_ENTRIES:
                return [(e.t, e) for e in co.journal_entries]
        return []

    def changed_since(self, data_type: DataType, since: datetime | None) -> list[int]:
        """Positions of the records whose ``sourceModifiedDate`` is at or after ``since``
        (all of them for None). Company info has no modified date: always included."""
        rows = self.rows(data_type)
        if since is None or data_type is DataType.COMPANY:
            return list(range(len(rows)))
        first = math.ceil((since - self.company.start) / HOUR)
        return [n for n, (t, _) in enumerate(rows) if t >= first]

    def render(self, data_type: DataType, position: int) -> dict[str, Any]:
        return self._render[data_type](self.rows(data_type)[position][1])

    def record(self, data_type: DataType, record_id: str) -> dict[str, Any] | None:
        """One record by id, rendered (None if there is none: never made, or deleted)."""
        for n, (_, row) in enumerate(self.rows(data_type)):
            if _row_id(row) == record_id:
                return self.render(data_type, n)
        return None

    def records(self, data_type: DataType) -> list[dict[str, Any]]:
        """Every record of a type, rendered (for tests and small companies)."""
        return [self.render(data_type, n) for n in range(len(self.rows(data_type)))]

    def document(self, record_id: str) -> Document | None:
        doc = self.company.documents.get(record_id)
        return None if doc is None or doc.deleted else doc

    def uploads(self, data_type: DataType, record_id: str) -> list[Upload]:
        """Files pushed to a record through the API (write-back), oldest first."""
        if data_type not in ATTACHMENT_TYPES:
            return []
        return list(self.company.uploads.get(f"{data_type.value}:{record_id}", ()))

    def attachment(self, data_type: DataType, record_id: str) -> Pdf | None:
        """The PDF of an invoice (as sent) or a bill (as the supplier sent it)."""
        doc = self.document(record_id)
        if data_type not in PDF_TYPES or doc is None or doc.data_type != data_type:
            return None
        co = self.company
        ours = (co.name, co.street, f"{co.city} {co.postcode}", f"VAT {co.vat_number}")
        party = doc.party
        theirs = (party.name, party.street, f"{party.city} {party.postcode}")
        invoice = data_type is DataType.INVOICES
        issuer, recipient = (ours, theirs) if invoice else ((*theirs, party.email), ours[:3])
        content = document_pdf(
            title="INVOICE" if invoice else "TAX INVOICE",
            number=doc.number,
            issuer=issuer,
            recipient=recipient,
            issued=co.date(doc.day),
            due=co.date(doc.due_day),
            lines=[PdfLine(x.description, x.quantity, x.unit, x.sub) for x in doc.lines],
            sub=doc.sub,
            tax=doc.tax,
            created=co.moment(doc.created),
        )
        return Pdf(
            id=pdf_id(doc.id),
            name=f"{doc.number}.pdf",
            content=content,
            created=co.moment(doc.created),
            # The file shows the issue date, which approving a draft sets.
            modified=co.moment(doc.posted if doc.posted is not None else doc.created),
            include_when_sent=invoice,
        )


def pdf_id(record_id: str) -> str:
    """The attachment id of an invoice's or bill's generated PDF (uploads are ``att-w…``,
    so the two never meet)."""
    return f"att-{record_id}"


def _row_id(row: Any) -> str | None:
    account = getattr(row, "account", None)
    if isinstance(account, c.AccountDef) and not hasattr(row, "id"):
        return account.id  # a chart or bank account's balance line
    value = getattr(row, "id", None)
    return value if isinstance(value, str) else None


def on_the_hour(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to the hour: nothing in the books happens between
    whole hours, so this loses nothing and lets an hour's readers share one build."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def books(
    seed: str,
    size: Size = DEFAULT_SIZE,
    as_of: datetime = AS_OF,
    extra: tuple[Event, ...] = (),
) -> Books:
    """The business for ``seed`` (a connection id) at ``as_of``: the same every time it
    is asked. ``extra`` events (write-back) are applied with the generated ones.

    Kept in a small cache, and built once even when several pulls of one connection
    (one per data type, on parallel workers) ask for it in the same hour. Write-back
    events are keyed by their log key (``cache_key``), not by identity: every reader
    and writer rebuilds them from the log, and the same log must reuse the same books."""
    key = (seed, size, on_the_hour(as_of), tuple(_event_key(e) for e in extra))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        built = Books(seed, size, key[2], simulate(seed, size, key[2], extra))
        with _cache_lock:
            _cache[key] = built
            _trim()
            _building.pop(key, None)
    return built


def _event_key(event: Event) -> Hashable:
    cache_key: Hashable | None = getattr(event, "cache_key", None)
    if cache_key is None:
        return cast(Hashable, event)  # a generated event (tests): its identity
    return cache_key


def keep(built: Books, extra: tuple[Event, ...]) -> None:
    """Put books built elsewhere (a writer's, with its new write applied) in the cache
    under the key :func:`books` would look them up by."""
    key = (built.seed, built.size, built.as_of, tuple(_event_key(e) for e in extra))
    with _cache_lock:
        _cache[key] = built
        _cache.move_to_end(key)
        _trim()


def _trim() -> None:
    while len(_cache) > CACHE_SIZE or (
        len(_cache) > 1 and sum(_weight(k[1]) for k in _cache) > CACHE_DOCUMENTS
    ):
        _cache.popitem(last=False)


def _weight(size: Size) -> int:
    return size.invoices + size.bills + size.direct_costs


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


_Key = tuple[str, Size, datetime, tuple[Hashable, ...]]
_cache: OrderedDict[_Key, Books] = OrderedDict()
_cache_lock = threading.Lock()
_building: dict[_Key, threading.Lock] = {}
