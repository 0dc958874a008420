"""What happens to the sandbox company's books, one event at a time.

Each event carries the hour it happens (``t``) and applies itself to a
:class:`~ledgerport.connectors.sandbox.state.Company` through the company's posting
methods, so every event leaves the ledger balanced. The generator (``simulation.py``)
makes them; documents schedule their own follow-ups (approval, payment, credit, void) on
the company's agenda when they are raised or posted, from the :class:`Plan` drawn then.

This is also where write-back plugs in: a document pushed through the API becomes one of
these events (a ``RaiseDocument`` for a pushed bill or credit note, a ``Pay`` for a bill
payment...), handed to ``books(..., extra=...)`` and applied in time order with the
generated ones, so a later pull sees it like any other record.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.state import (
    Company,
    DirectCost,
    Document,
    JournalLine,
    Line,
    Party,
    Plan,
)

OPENING_BANK = 2_500_000
OPENING_EQUIPMENT = 600_000
OPENING_CAPITAL = 100_000
DEPRECIATION_MONTHS = 36
DIVIDEND_ABOVE = 4_000_000  # pay a dividend when the bank holds more than this...
DIVIDEND_KEEP = 3_000_000  # ...sharing half of what is above this


def _at(day: int, hour: int) -> int:
    return day * 24 + hour


@dataclass(frozen=True, eq=False)
class OpenBooks:
    """The balances the company started its books with: cash, equipment, capital and
    the profits of the years before."""

    t: int

    def apply(self, company: Company) -> None:
        retained = OPENING_BANK + OPENING_EQUIPMENT - OPENING_CAPITAL
        company.post(
            self.t,
            c.GENERAL_JOURNAL,
            "Opening balances",
            None,
            (
                JournalLine(c.BANK, OPENING_BANK, "Opening bank balance"),
                JournalLine(c.EQUIPMENT, OPENING_EQUIPMENT, "Equipment brought in"),
                JournalLine(c.SHARE_CAPITAL, -OPENING_CAPITAL, "Share capital"),
                JournalLine(c.RETAINED_EARNINGS, -retained, "Profits of earlier years"),
            ),
        )
        company.bank_balance = OPENING_BANK  # the bank's statement starts from here


@dataclass(frozen=True, eq=False)
class AddParty:
    """A new customer (or supplier) starts trading with the company."""

    t: int
    party: Party
    customer: bool = True

    def apply(self, company: Company) -> None:
        (company.customers if self.customer else company.suppliers).append(self.party)


@dataclass(frozen=True, eq=False)
class RaiseDocument:
    """An invoice to a customer or a bill from a supplier: a draft, or posted at once."""

    t: int
    data_type: str  # "invoices" or "bills"
    party: Party
    lines: tuple[Line, ...]
    plan: Plan
    draft: bool = False
    number: str | None = None  # a bill's is the supplier's own reference

    def apply(self, company: Company) -> None:
        invoice = self.data_type == "invoices"
        n = company.next_number(self.data_type)
        doc = Document(
            data_type=self.data_type,
            id=f"inv-{n:05d}" if invoice else f"bill-{n:05d}",
            number=self.number or (f"INV-{n:05d}" if invoice else f"BILL-{n:05d}"),
            party=self.party,
            created=self.t,
            modified=self.t,
            day=self.t // 24,
            lines=self.lines,
            sub=sum(line.sub for line in self.lines),
            tax=sum(line.tax for line in self.lines),
            plan=self.plan,
            draft=True,
        )
        company.add_document(doc)
        day = self.t // 24
        if not self.draft:
            Approve(self.t, doc).apply(company)
        elif self.plan.approve is not None:
            days, hour = self.plan.approve
            company.later(Approve(_at(day + days, hour), doc))
        elif self.plan.delete is not None:
            days, hour = self.plan.delete
            company.later(Delete(_at(day + days, hour), doc))


@dataclass(frozen=True, eq=False)
class Approve:
    """A draft is approved (dated the day it is approved) and posted; its plan's
    follow-ups go on the agenda, and the party's unused credit is applied to it."""

    t: int
    doc: Document

    def apply(self, company: Company) -> None:
        doc = self.doc
        if not doc.draft or doc.deleted:
            return
        day = self.t // 24
        doc.day = day
        company.post_document(doc, self.t)
        plan = doc.plan
        if plan.void is not None:
            company.later(Void(_at(day + plan.void[0], plan.void[1]), doc))
        if plan.credit is not None:
            days, hour, percent = plan.credit
            company.later(IssueCredit(_at(day + days, hour), doc, percent))
        for offset, hour, percent in plan.settle:
            pay_day = max(day + 1, doc.due_day + offset)
            company.later(Pay(_at(pay_day, hour), doc, percent))
        company.use_open_credits(doc, self.t)


@dataclass(frozen=True, eq=False)
class Delete:
    """A draft nobody wanted is deleted: it disappears from the platform."""

    t: int
    doc: Document

    def apply(self, company: Company) -> None:
        if self.doc.draft:
            self.doc.deleted = True
            self.doc.modified = self.t


@dataclass(frozen=True, eq=False)
class Void:
    """A posted document raised in error is voided, unless money was applied to it."""

    t: int
    doc: Document

    def apply(self, company: Company) -> None:
        doc = self.doc
        if doc.posted is None or doc.void or doc.deleted or doc.allocations:
            return
        company.void_document(doc, self.t)


@dataclass(frozen=True, eq=False)
class IssueCredit:
    """Part of a document's first line is credited back (a discount agreed, materials
    returned): a credit note, applied to the document while it is still owed, else
    kept for the party's next one."""

    t: int
    doc: Document
    percent: int

    def apply(self, company: Company) -> None:
        doc = self.doc
        if doc.void or doc.deleted or doc.posted is None:
            return
        first = doc.lines[0]
        net = max(100, first.sub * self.percent // 100)
        line = Line.priced(
            f"Credit: {first.description}",
            net,
            1,
            first.account,
            first.tax_rate,
            first.item,
            first.tracking,
        )
        sales = doc.data_type == "invoices"
        data_type = "creditNotes" if sales else "billCreditNotes"
        n = company.next_number(data_type)
        credit = Document(
            data_type=data_type,
            id=f"cn-{n:05d}" if sales else f"bcn-{n:05d}",
            number=f"CN-{n:05d}" if sales else f"CR-{doc.number}",
            party=doc.party,
            created=self.t,
            modified=self.t,
            day=self.t // 24,
            lines=(line,),
            sub=line.sub,
            tax=line.tax,
            note=f"Against {doc.number}",
        )
        company.add_document(credit)
        company.post_document(credit, self.t)
        company.apply_credit(credit, doc, self.t)
        if credit.due > 0:
            company.open_credits[doc.party.id].append(credit)


@dataclass(frozen=True, eq=False)
class Pay:
    """Money against one document: ``percent`` of what is due then (100: all of it).
    The generator merges a party's ``Pay``s of one day into one :class:`Settle`."""

    t: int
    doc: Document
    percent: int

    def apply(self, company: Company) -> None:
        Settle(self.t, self.doc.party, ((self.doc, self.percent),)).apply(company)


@dataclass(frozen=True, eq=False)
class Settle:
    """One payment covering several documents of one party (a remittance)."""

    t: int
    party: Party
    items: tuple[tuple[Document, int], ...]

    def apply(self, company: Company) -> None:
        amounts: dict[str, int] = {}
        docs: dict[str, Document] = {}
        for doc, percent in self.items:
            if doc.void or doc.deleted or doc.draft:
                continue
            left = doc.due - amounts.get(doc.id, 0)
            amount = left if percent >= 100 else left * percent // 100
            if amount > 0:
                docs[doc.id] = doc
                amounts[doc.id] = amounts.get(doc.id, 0) + amount
        paying = [(docs[key], amount) for key, amount in amounts.items()]
        method = self.party.method
        company.settle(self.t, self.party, paying, method)


@dataclass(frozen=True, eq=False)
class SpendDirect:
    """A card purchase with no bill: the cost, its VAT and the bank line at once."""

    t: int
    line: Line
    merchant: str

    def apply(self, company: Company) -> None:
        n = company.next_number("directCosts")
        note = f"{self.line.description}, {self.merchant}"
        cost = DirectCost(
            id=f"dc-{n:05d}",
            t=self.t,
            day=self.t // 24,
            lines=(self.line,),
            sub=self.line.sub,
            tax=self.line.tax,
            reference=f"CARD-{n:05d}",
            note=note,
        )
        company.direct_costs.append(cost)
        company.post(
            self.t,
            c.PAYMENTS_JOURNAL,
            note,
            (cost.id, "directCosts"),
            (
                JournalLine(self.line.account, self.line.sub, self.line.description),
                JournalLine(c.VAT_ON_PURCHASES, self.line.tax, "VAT"),
                JournalLine(c.BANK, -cost.total, self.merchant),
            ),
        )
        company.bank(
            self.t,
            -cost.total,
            f"CARD {self.merchant}",
            "Pos",
            counterparty=self.merchant,
            reference=cost.reference,
        )


def _bank_item(
    company: Company, t: int, amount: int, account: str, description: str, kind: str, who: str
) -> None:
    """Money in or out that no document explains (a fee, a tax payment, a dividend):
    its bank line and the journal entry for it (against the bank line)."""
    line = company.bank(t, amount, description, kind, counterparty=who)
    company.post(
        t,
        c.PAYMENTS_JOURNAL if amount < 0 else c.RECEIPTS_JOURNAL,
        description,
        (line.id, "bankTransactions"),
        (JournalLine(c.BANK, amount), JournalLine(account, -amount, description)),
    )


@dataclass(frozen=True, eq=False)
class ChargeBankFee:
    """The bank's monthly charge: a flat fee plus a little per transaction."""

    t: int

    def apply(self, company: Company) -> None:
        fee = min(4_000, 500 + 25 * company.bank_lines_since_fee)
        _bank_item(company, self.t, -fee, c.BANK_CHARGES, "Monthly account fee", "Fee", "Bank")
        company.bank_lines_since_fee = 0


@dataclass(frozen=True, eq=False)
class FileVatReturn:
    """The quarter's VAT return: output and input VAT move to the liability owed."""

    t: int
    quarter_end: int  # the last day of the quarter

    def apply(self, company: Company) -> None:
        output = -company.balance(c.VAT_ON_SALES)
        reclaim = company.balance(c.VAT_ON_PURCHASES)
        company.post(
            self.t,
            c.GENERAL_JOURNAL,
            f"VAT return to {company.date(self.quarter_end).isoformat()}",
            None,
            (
                JournalLine(c.VAT_ON_SALES, output),
                JournalLine(c.VAT_ON_PURCHASES, -reclaim),
                JournalLine(c.VAT_LIABILITY, reclaim - output),
            ),
        )
        company.vat_locked_to = self.quarter_end


@dataclass(frozen=True, eq=False)
class PayVat:
    """HMRC collects what the last return said (or repays it)."""

    t: int

    def apply(self, company: Company) -> None:
        owed = -company.balance(c.VAT_LIABILITY)
        if owed:
            _bank_item(company, self.t, -owed, c.VAT_LIABILITY, "HMRC VAT", "DirectDebit", "HMRC")


@dataclass(frozen=True, eq=False)
class Depreciate:
    """A month of straight-line depreciation on the equipment, until written off."""

    t: int

    def apply(self, company: Company) -> None:
        cost = company.balance(c.EQUIPMENT)
        left = cost + company.balance(c.DEPRECIATION_PROVISION)
        amount = min(left, cost // DEPRECIATION_MONTHS)
        if amount > 0:
            company.post(
                self.t,
                c.GENERAL_JOURNAL,
                "Monthly depreciation",
                None,
                (
                    JournalLine(c.DEPRECIATION, amount),
                    JournalLine(c.DEPRECIATION_PROVISION, -amount),
                ),
            )


@dataclass(frozen=True, eq=False)
class PayDividend:
    """The quarter's dividend to the owner, when the bank can spare it."""

    t: int

    def apply(self, company: Company) -> None:
        spare = company.bank_balance - DIVIDEND_KEEP
        if company.bank_balance <= DIVIDEND_ABOVE:
            return
        amount = spare // 2 // 100_000 * 100_000  # whole thousands of pounds
        if amount > 0:
            _bank_item(company, self.t, -amount, c.DIVIDENDS, "Dividend", "Xfer", "Director")
