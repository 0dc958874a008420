"""The sandbox company's books as plain mutable state, and the double-entry rules that
change it.

Money is held in integer pence and time in whole hours since the books began (``t``), so
the arithmetic is exact and fast; dates become Codat's strings only when a record is
rendered (``render.py``). Every change goes through :class:`Company`'s methods, which
post a balanced journal entry for anything that moves money and stamp each touched
record with the hour it changed: that stamp is the record's ``sourceModifiedDate``, so
a reader asking "what changed since" gets exactly the changed records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from ledgerport.connectors.sandbox import catalog as c

HOUR = timedelta(hours=1)
FINANCIAL_YEAR_START_MONTH = 4  # 1 April, as most UK limited companies


@dataclass(eq=False, slots=True)
class Party:
    """A customer or a supplier, with how it behaves (payment terms, lateness). Mutable
    only by an update pushed through the API (write-back), which stamps ``modified``;
    documents hold the party itself, so they show its new name at once."""

    id: str
    name: str
    contact: str
    email: str
    phone: str
    street: str
    city: str
    postcode: str
    region: str  # tracking category id
    created: int  # t
    terms: int  # days until a document is due
    lateness: int  # customers: typical days paid after the due date
    method: c.PaymentMethodDef = c.BACS  # how money moves between us
    vat_number: str | None = None
    kind: c.SupplierKind | None = None  # suppliers only
    modified: int | None = None  # t of the last pushed update (None: ``created``)
    status: str = "Active"
    currency: str = "GBP"
    registration_number: str | None = None
    pushed: bool = False  # created through the API (write-back)

    @property
    def last_modified(self) -> int:
        return self.created if self.modified is None else self.modified


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    unit: int
    quantity: int | Decimal  # whole for generated lines; a pushed line's may be 1.5
    sub: int
    tax: int
    account: str
    tax_rate: c.TaxRateDef
    item: str | None = None
    tracking: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.sub + self.tax

    @classmethod
    def priced(
        cls,
        description: str,
        unit: int,
        quantity: int,
        account: str,
        tax_rate: c.TaxRateDef,
        item: str | None = None,
        tracking: tuple[str, ...] = (),
    ) -> Line:
        """A line at ``unit`` pence each, its VAT worked out on the net as every
        document's is (:func:`~ledgerport.connectors.sandbox.catalog.vat`)."""
        sub = unit * quantity
        tax = c.vat(sub, tax_rate)
        return cls(description, unit, quantity, sub, tax, account, tax_rate, item, tracking)


@dataclass(frozen=True, slots=True)
class Plan:
    """What will happen to a document, drawn when it is raised so that its future does
    not depend on when the books are looked at. Offsets are in days.

    ``settle``: (days after the due date, hour, percent of what is then due; 100 = all).
    ``credit``: (days after posting, hour, percent of the first line credited back).
    ``void``: (days after posting, hour). ``approve``/``delete``: for a draft, (days
    after it was raised, hour); a draft with neither stays a draft."""

    settle: tuple[tuple[int, int, int], ...] = ()
    credit: tuple[int, int, int] | None = None
    void: tuple[int, int] | None = None
    approve: tuple[int, int] | None = None
    delete: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a payment (or of a credit note) applied to a document."""

    payment_id: str
    payment_total: int
    t: int
    amount: int
    cash: bool  # money through the bank, rather than a credit note applied
    note: str | None = None
    account: str = c.BANK  # the bank account the money went through (cash only)


@dataclass(slots=True)
class Document:
    """An invoice, bill, credit note or bill credit note (``data_type`` says which)."""

    data_type: str
    id: str
    number: str
    party: Party
    created: int
    modified: int
    day: int  # issue date (a draft's is re-set when it is approved)
    lines: tuple[Line, ...]
    sub: int
    tax: int
    plan: Plan = field(default_factory=Plan)
    draft: bool = False
    void: bool = False
    deleted: bool = False
    posted: int | None = None  # t of posting, None while a draft
    entry: JournalEntry | None = None  # what posting it made
    allocations: list[Allocation] = field(default_factory=list)
    note: str | None = None
    due_override: int | None = None  # a pushed document's own due date (a day)
    pushed: bool = False  # created through the API (write-back), not generated

    @property
    def total(self) -> int:
        return self.sub + self.tax

    @property
    def allocated(self) -> int:
        return sum(a.amount for a in self.allocations)

    @property
    def due(self) -> int:
        """What is still owed on it (or, for a credit note, still to be used)."""
        return 0 if self.void else self.total - self.allocated

    @property
    def due_day(self) -> int:
        if self.due_override is not None:
            return self.due_override
        return self.day + self.party.terms


@dataclass(frozen=True, slots=True)
class Link:
    type: str  # Codat's PaymentLinkType / BillPaymentLineLinkType
    id: str
    amount: int


@dataclass(frozen=True, slots=True)
class PaymentLine:
    amount: int
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Payment:
    """A customer's payment (``payments``) or ours to a supplier (``billPayments``). A
    credit note applied to a document is a payment of 0 with two links, as Codat models
    it; it moves no money and has no bank line or journal entry."""

    data_type: str
    id: str
    party: Party
    t: int
    total: int
    method: c.PaymentMethodDef | None
    lines: tuple[PaymentLine, ...]
    reference: str | None
    note: str | None
    account: str = c.BANK  # the bank account the money went through


@dataclass(frozen=True, slots=True)
class DirectCost:
    """Money spent with no bill (``directCosts``) or, with ``income``, received with no
    invoice (``directIncomes``: a refund, a reward, a chargeback). ``t`` is when it was
    recorded (its ``sourceModifiedDate``), ``day`` the date it is for (its
    ``issueDate``, and its posting's): a generated one's is the day of ``t``; a pushed
    one's is the ``issueDate`` sent."""

    id: str
    t: int
    day: int
    lines: tuple[Line, ...]
    sub: int
    tax: int
    reference: str | None
    note: str | None
    account: str = c.BANK  # the bank account the money went through
    contact: tuple[str, str] | None = None  # (id, dataType) of the customer or supplier
    income: bool = False

    @property
    def total(self) -> int:
        return self.sub + self.tax


@dataclass(frozen=True, slots=True)
class Transfer:
    """Money moved between two of the company's bank accounts (``transfers``; only
    pushed ones: the generator makes none). ``t`` is when it was recorded, ``day`` the
    date the money moved. ``amount`` left ``source`` and arrived in ``target``: the
    sandbox converts no currency, so both sides are the same amount."""

    id: str
    t: int
    day: int
    source: str  # the bank accounts' nominal codes
    target: str
    amount: int
    currency: str
    description: str | None
    contact: tuple[str, str] | None = None  # (id, dataType) of the customer or supplier
    tracking: tuple[str, ...] = ()  # tracking category ids


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """A line of the current account's statement; ``reconciled`` once ``reconciled_at``
    has passed (a day or three after it cleared)."""

    id: str
    t: int
    reconciled_at: int
    description: str
    counterparty: str | None
    reference: str | None
    amount: int
    balance: int
    type: str  # Codat's BankTransactionType
    account: str = c.BANK  # the bank account's nominal code


@dataclass(frozen=True, slots=True)
class Upload:
    """A file pushed to a record (write-back), served beside its generated PDF."""

    id: str
    name: str
    content_type: str
    content: bytes
    t: int


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: str
    amount: int  # debit positive, credit negative
    description: str | None = None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: str
    t: int  # when it was posted
    day: int  # the date it is posted on (a void's reversal keeps the original's)
    journal: c.JournalDef
    description: str
    record: tuple[str, str] | None  # (id, dataType) of the document it posts
    lines: tuple[JournalLine, ...]


class Event(Protocol):
    """Something that happens to the books at hour ``t``. The generator makes them; the
    write-back seam is to hand :func:`~ledgerport.connectors.sandbox.books.books` more
    of them (``extra``), which are applied in time order with the generated ones."""

    @property
    def t(self) -> int: ...

    def apply(self, company: Company) -> None: ...


@dataclass
class AccountTotals:
    """One account's postings summed by financial year, and the last hour any posting
    to it in that year was made (what its ``sourceModifiedDate`` is built from)."""

    by_year: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    last_by_year: dict[int, int] = field(default_factory=dict)


class Company:
    """The whole of the books at one moment, and the only way to change them."""

    def __init__(self, start: datetime) -> None:
        self.start = start  # t = 0: midnight UTC on the first day of the history
        self.start_date = start.date()
        self.name = "Sandbox Electrical Services Ltd"
        self.registration_number = "00000000"
        self.vat_number = "GB000000000"
        self.street, self.city, self.postcode, self.phone = "", "Bristol", "", ""
        self.customers: list[Party] = []
        self.suppliers: list[Party] = []
        self.invoices: list[Document] = []
        self.credit_notes: list[Document] = []
        self.bills: list[Document] = []
        self.bill_credit_notes: list[Document] = []
        self.payments: list[Payment] = []
        self.bill_payments: list[Payment] = []
        self.direct_costs: list[DirectCost] = []
        self.bank_transactions: list[BankTransaction] = []
        self.journal_entries: list[JournalEntry] = []
        self.documents: dict[str, Document] = {}
        self.accounts: dict[str, AccountTotals] = {a.code: AccountTotals() for a in c.ACCOUNTS}
        self.bank_balance = 0
        self.open_credits: dict[str, list[Document]] = defaultdict(list)
        # Follow-ups documents schedule for later days: day -> [(t, seq, event)].
        self.agenda: dict[int, list[tuple[int, int, Event]]] = defaultdict(list)
        self.seq = 0
        self.today = -1  # the day being simulated
        self.vat_locked_to: int | None = None  # last day of the last VAT quarter returned
        self.bank_lines_since_fee = 0
        self._counters: dict[str, int] = defaultdict(int)
        # Write-back (see ``writeback.py``). What the API created lives apart from what
        # the generator draws from (its customers and suppliers lists, its counters), so
        # a write never changes which records the generator makes or what it numbers
        # them: while ``writing``, the ledger's own ids come from separate "w" series.
        self.writing = False
        self.chart: list[c.AccountDef] = list(c.ACCOUNTS)
        self.chart_by_code: dict[str, c.AccountDef] = dict(c.ACCOUNT_BY_CODE)
        self.account_created: dict[str, int] = {}  # code -> t, for pushed accounts
        self.bank_details: dict[str, dict[str, str | int | None]] = {}  # pushed banks
        self.other_bank_balances: dict[str, int] = defaultdict(int)  # by code
        self.pushed_customers: list[Party] = []
        self.pushed_suppliers: list[Party] = []
        self.direct_incomes: list[DirectCost] = []
        self.transfers: list[Transfer] = []
        self.deleted: set[str] = set()  # ids of payments, direct costs, journals deleted
        self.uploads: dict[str, list[Upload]] = defaultdict(list)  # record id -> files
        self.journals: list[c.JournalDef] = list(c.JOURNALS)  # the catalog's, then pushed
        self.journal_created: dict[str, int] = {}  # id -> t, for pushed journals
        self.journal_modified: dict[str, int] = {}  # id -> t: created, or a child added

    def new_id(self, prefix: str, series: str, width: int) -> str:
        """The next id of a generated series, or of its write-back twin (``prefix-w…``)
        while a write is applied, so writes never shift the generated numbering."""
        if self.writing:
            return f"{prefix}-w{self.next_number('w:' + series):05d}"
        return f"{prefix}-{self.next_number(series):0{width}d}"

    def add_account(self, account: c.AccountDef, t: int) -> None:
        self.chart.append(account)
        self.chart_by_code[account.code] = account
        self.accounts[account.code] = AccountTotals()
        self.account_created[account.code] = t

    # -- time -----------------------------------------------------------------------

    def date(self, day: int) -> date:
        return self.start_date + timedelta(days=day)

    def moment(self, t: int) -> datetime:
        return self.start + t * HOUR

    def year_of(self, day: int) -> int:
        """The financial year a day falls in, named by the calendar year it starts in."""
        when = self.date(day)
        return when.year if when.month >= FINANCIAL_YEAR_START_MONTH else when.year - 1

    def year_start(self, year: int) -> datetime:
        return datetime(year, FINANCIAL_YEAR_START_MONTH, 1, tzinfo=UTC)

    def later(self, event: Event) -> None:
        """Put a follow-up on the agenda of the day it happens (always a later day than
        the one being simulated, whose agenda has already been read)."""
        if event.t // 24 <= self.today:
            raise ValueError("a follow-up must fall on a later day")
        self.seq += 1
        self.agenda[event.t // 24].append((event.t, self.seq, event))

    def next_number(self, series: str) -> int:
        self._counters[series] += 1
        return self._counters[series]

    # -- the ledger -----------------------------------------------------------------

    def post(
        self,
        t: int,
        journal: c.JournalDef,
        description: str,
        record: tuple[str, str] | None,
        lines: Iterable[JournalLine],
        day: int | None = None,
        entry_id: str | None = None,
    ) -> JournalEntry:
        """Post a journal entry at hour ``t``, dated ``day`` (by default the day of
        ``t``); refuses one that does not balance. ``entry_id``: a pushed journal's."""
        kept = tuple(line for line in lines if line.amount)
        if sum(line.amount for line in kept) != 0:
            raise ValueError(f"unbalanced journal entry: {description}")
        entry = JournalEntry(
            id=entry_id or self.new_id("je", "je", 6),
            t=t,
            day=t // 24 if day is None else day,
            journal=journal,
            description=description,
            record=record,
            lines=kept,
        )
        self.journal_entries.append(entry)
        year = self.year_of(entry.day)
        for line in kept:
            totals = self.accounts[line.account]
            totals.by_year[year] += line.amount
            totals.last_by_year[year] = max(t, totals.last_by_year.get(year, t))
        return entry

    def bank(
        self,
        t: int,
        amount: int,
        description: str,
        kind: str,
        *,
        counterparty: str | None = None,
        reference: str | None = None,
        reconcile_after: int = 24,
        account: str = c.BANK,
    ) -> BankTransaction:
        """A line on the statement of a bank account (by default the current account).
        The journal entry for it is the caller's (the payment's, or one the caller posts
        for a fee or a transfer)."""
        if account == c.BANK:
            self.bank_balance += amount
            self.bank_lines_since_fee += 1
            balance = self.bank_balance
        else:
            self.other_bank_balances[account] += amount
            balance = self.other_bank_balances[account]
        line = BankTransaction(
            id=self.new_id("btx", "btx", 6),
            t=t,
            reconciled_at=t + reconcile_after,
            description=description,
            counterparty=counterparty,
            reference=reference,
            amount=amount,
            balance=balance,
            type=kind,
            account=account,
        )
        self.bank_transactions.append(line)
        return line

    def unpost(self, entry: JournalEntry, t: int) -> None:
        """Take a journal entry out of the ledger (a pushed manual journal deleted
        through the API): its accounts' balances move back, stamped at ``t``."""
        self.journal_entries.remove(entry)
        year = self.year_of(entry.day)
        for line in entry.lines:
            totals = self.accounts[line.account]
            totals.by_year[year] -= line.amount
            totals.last_by_year[year] = max(t, totals.last_by_year.get(year, t))

    def balance(self, code: str) -> int:
        return sum(self.accounts[code].by_year.values())

    # -- documents ------------------------------------------------------------------

    def add_document(self, doc: Document) -> None:
        self.documents[doc.id] = doc
        {
            "invoices": self.invoices,
            "creditNotes": self.credit_notes,
            "bills": self.bills,
            "billCreditNotes": self.bill_credit_notes,
        }[doc.data_type].append(doc)

    def post_document(self, doc: Document, t: int) -> None:
        """Approve a document into the ledger: sales and purchases, and their credits,
        against the debtors or creditors control account, with VAT on its own line."""
        doc.draft, doc.posted, doc.modified = False, t, t
        sales = doc.data_type in ("invoices", "creditNotes")
        sign = 1 if doc.data_type in ("invoices", "billCreditNotes") else -1
        control = c.DEBTORS if sales else c.CREDITORS
        tax_account = c.VAT_ON_SALES if sales else c.VAT_ON_PURCHASES
        lines = [JournalLine(control, sign * doc.total, doc.party.name)]
        net: dict[str, int] = defaultdict(int)
        for line in doc.lines:
            net[line.account] += line.sub
        lines += [JournalLine(account, -sign * amount) for account, amount in net.items()]
        lines.append(JournalLine(tax_account, -sign * doc.tax, "VAT"))
        journal = c.SALES_JOURNAL if sales else c.PURCHASES_JOURNAL
        record = (doc.id, doc.data_type)
        # Dated by the document (the same as ``t``'s day for every generated one; a
        # pushed document may be dated otherwise).
        name = f"{doc.number} {doc.party.name}"
        doc.entry = self.post(t, journal, name, record, lines, day=doc.day)

    def void_document(self, doc: Document, t: int) -> None:
        """Void a posted document nothing has been allocated to: a reversing entry on
        the document's own date, so no period's profit includes a voided document."""
        original = doc.entry
        if original is None:
            raise ValueError(f"{doc.number} was never posted")
        doc.void, doc.modified = True, t
        reversed_lines = (JournalLine(x.account, -x.amount, x.description) for x in original.lines)
        record = (doc.id, doc.data_type)
        self.post(t, original.journal, f"Void {doc.number}", record, reversed_lines, original.day)

    def settle(
        self,
        t: int,
        party: Party,
        docs: list[tuple[Document, int]],
        method: c.PaymentMethodDef,
    ) -> Payment | None:
        """Money paid against documents of one party, one payment line per document:
        the bank line, the journal entry and the allocations, all at hour ``t``."""
        paid = [(doc, amount) for doc, amount in docs if amount > 0]
        if not paid:
            return None
        receipt = paid[0][0].data_type == "invoices"
        total = sum(amount for _, amount in paid)
        payment = self._add_payment(
            receipt,
            party=party,
            t=t,
            total=total,
            method=method,
            lines=tuple(
                PaymentLine(amount, (Link("Invoice" if receipt else "Bill", doc.id, -amount),))
                for doc, amount in paid
            ),
            reference=", ".join(doc.number for doc, _ in paid),
            note=None,
        )
        for doc, amount in paid:
            doc.allocations.append(Allocation(payment.id, total, t, amount, cash=True))
            doc.modified = t
        sign = 1 if receipt else -1
        control = c.DEBTORS if receipt else c.CREDITORS
        journal = c.RECEIPTS_JOURNAL if receipt else c.PAYMENTS_JOURNAL
        self.post(
            t,
            journal,
            f"{'Receipt from' if receipt else 'Payment to'} {party.name}",
            (payment.id, payment.data_type),
            (JournalLine(c.BANK, sign * total), JournalLine(control, -sign * total, party.name)),
        )
        kind = "Credit" if receipt else ("DirectDebit" if method is c.DIRECT_DEBIT else "Debit")
        self.bank(
            t,
            sign * total,
            f"{party.name} {payment.reference}"[:120],
            kind,
            counterparty=party.name,
            reference=payment.id,
        )
        return payment

    def apply_credit(self, credit: Document, target: Document, t: int) -> Payment | None:
        """Use what is left of a credit note against a document of the same party: a
        payment of 0 linking both (Codat's "allocation of credit note"); the debtors or
        creditors balance is unchanged, so no journal entry."""
        amount = min(credit.due, target.due)
        if amount <= 0 or credit.void or target.void or target.draft:
            return None
        receipt = target.data_type == "invoices"
        payment = self._add_payment(
            receipt,
            party=target.party,
            t=t,
            total=0,
            method=None,
            lines=(
                PaymentLine(
                    0,
                    (
                        Link("Invoice" if receipt else "Bill", target.id, -amount),
                        Link("CreditNote", credit.id, amount),
                    ),
                ),
            ),
            reference=f"{credit.number} to {target.number}",
            note="Credit note applied",
        )
        note = f"Credit note {credit.number}"
        target.allocations.append(Allocation(payment.id, 0, t, amount, cash=False, note=note))
        credit.allocations.append(
            Allocation(payment.id, 0, t, amount, cash=False, note=f"Applied to {target.number}")
        )
        target.modified = credit.modified = t
        return payment

    def _add_payment(
        self,
        receipt: bool,
        *,
        party: Party,
        t: int,
        total: int,
        method: c.PaymentMethodDef | None,
        lines: tuple[PaymentLine, ...],
        reference: str | None,
        note: str | None,
    ) -> Payment:
        """A customer's payment (``receipt``) or ours to a supplier, numbered in its own
        series and added to its list."""
        data_type = "payments" if receipt else "billPayments"
        prefix = "pay" if receipt else "bpy"
        payment = Payment(
            data_type=data_type,
            id=self.new_id(prefix, data_type, 5),
            party=party,
            t=t,
            total=total,
            method=method,
            lines=lines,
            reference=reference,
            note=note,
        )
        (self.payments if receipt else self.bill_payments).append(payment)
        return payment

    def use_open_credits(self, doc: Document, t: int) -> None:
        """Apply the party's unused credit notes to a newly posted document."""
        credits = self.open_credits.get(doc.party.id)
        while credits and doc.due > 0:
            self.apply_credit(credits[0], doc, t)
            if credits[0].due <= 0:
                credits.pop(0)
