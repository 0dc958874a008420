"""The generator: the sandbox company's life, simulated a day at a time.

The history (``size.history_days`` days ending at :data:`HISTORY_END`) has exactly the
counts the size asks for; after it the business keeps trading at the same pace, so the
books at any later moment have new invoices and bills, payments settling older ones,
drafts approved or deleted. Everything a day brings is drawn from a random generator
seeded by (seed, size, day) and from the state at the start of that day, never from the
moment the books are looked at: the books at a later moment extend the books at an
earlier one, which is what lets a reader's "changed since" return exactly the changes.
"""

from __future__ import annotations

import gc
import itertools
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.events import (
    AddParty,
    ChargeBankFee,
    Depreciate,
    FileVatReturn,
    OpenBooks,
    Pay,
    PayDividend,
    PayVat,
    RaiseDocument,
    Settle,
    SpendDirect,
)
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.state import HOUR, Company, Event, Line, Party, Plan

HISTORY_END = datetime(2026, 10, 31, tzinfo=UTC)
"""Where the fixed history ends: the books' date in every test and demo that pins it."""

# Work happens on weekdays, a little on Saturdays.
_WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.15, 0.0)
_DIRECT_DEBIT_ACCOUNTS = frozenset({c.POWER, c.TELEPHONE, c.SOFTWARE, c.INSURANCE})
_MERCHANTS = {
    "Fuel": ("Shell", "BP", "Esso"),
    "Parking": ("NCP", "RingGo"),
    "Train fare": ("GWR", "Trainline"),
    "Lunch meeting": ("Pret A Manger", "Costa"),
    "Stationery": ("WHSmith", "Ryman"),
    "Postage": ("Royal Mail", "Post Office"),
}
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class _Odds:
    """How a kind of document tends to end: the chance it is voided or credited, and
    of the rest, paid in full, in two parts, in part only (else never)."""

    void: float
    credit: float
    full: float
    twice: float
    part: float
    approve_within: int  # days a draft waits at most before approval


# Customers mostly pay, some in two goes, a few never (bad debts and disputes)...
_INVOICE_ODDS = _Odds(void=0.03, credit=0.03, full=0.82, twice=0.09, part=0.04, approve_within=6)
# ...and the company pays its suppliers reliably.
_BILL_ODDS = _Odds(void=0.02, credit=0.02, full=0.92, twice=0.03, part=0.02, approve_within=4)
_ITEM_CUM = list(itertools.accumulate(c.ITEM_WEIGHTS))
_DIRECT_CUM = list(itertools.accumulate(c.DIRECT_COST_WEIGHTS))


def hour_of(moment: datetime, size: Size) -> int:
    """A moment as the books' ``t`` (whole hours since they began), rounded down."""
    start = HISTORY_END - timedelta(days=size.history_days)
    return math.floor((moment - start) / HOUR)


def simulate(seed: str, size: Size, until: datetime, extra: Sequence[Event] = ()) -> Company:
    """The books of the company ``seed`` as they stand at ``until``: every generated
    event, and every ``extra`` one, up to and including that moment."""
    company = Company(HISTORY_END - timedelta(days=size.history_days))
    # The state is hundreds of thousands of small objects and no reference cycles:
    # the cycle collector would only walk them again and again (half the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _Generator(seed, size, company).run(hour_of(until, size), extra)
    finally:
        if collecting:
            gc.enable()
    return company


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _zipf(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


class _Generator:
    def __init__(self, seed: str, size: Size, company: Company) -> None:
        self.size, self.company = size, company
        self.key = f"{seed}|{size.key}"
        master = random.Random(self.key)
        company.name = f"{master.choice(c.FIRST_WORDS)} Electrical Services Ltd"
        company.registration_number = f"{master.randint(10_000_000, 15_999_999):08d}"
        company.vat_number = f"GB{master.randint(100_000_000, 999_999_999)}"
        company.street = f"Unit {master.randint(1, 30)}, {master.choice(c.STREETS)}"
        company.postcode = f"BS{master.randint(2, 16)} {master.randint(1, 9)}EX"
        company.phone = f"0117 {master.randint(200, 999)} {master.randint(1000, 9999)}"
        self.names: set[str] = set()
        company.customers.extend(self._customer(master, n) for n in range(size.customers))
        company.suppliers.extend(self._supplier(master, n) for n in range(size.suppliers))
        # Who is busiest is not the order they were added in.
        self.busiest = master.sample(company.suppliers, len(company.suppliers))
        self.supplier_cum = _zipf(len(company.suppliers), 0.7)
        self.customer_cum: list[float] = []
        weights = [_WEEKDAY_WEIGHT[company.date(d).weekday()] for d in range(size.history_days)]
        self.mean_weight = sum(weights) / size.history_days
        cum = list(itertools.accumulate(weights))
        days = range(size.history_days)
        self.invoice_days = Counter(master.choices(days, cum_weights=cum, k=size.invoices))
        self.bill_days = Counter(master.choices(days, cum_weights=cum, k=size.bills))
        self.direct_days = Counter(master.choices(days, cum_weights=cum, k=size.direct_costs))

    # -- the day loop ---------------------------------------------------------------

    def run(self, until: int, extra: Sequence[Event]) -> None:
        company = self.company
        extras: dict[int, list[Event]] = {}
        for event in extra:
            extras.setdefault(max(0, event.t) // 24, []).append(event)
        for day in range(until // 24 + 1):
            company.today = day
            scheduled = company.agenda.pop(day, [])
            batch: list[tuple[int, int, int, Event]] = [
                (t, 0, seq, event) for t, seq, event in self._merge_payments(scheduled)
            ]
            batch += [(e.t, 1, n, e) for n, e in enumerate(self._day(day))]
            # Write-back: an hour's writes come after what the generator did in it,
            # in the order given (the log's), as the writer saw the books of that hour.
            batch += [(e.t, 2, n, e) for n, e in enumerate(extras.get(day, ()))]
            batch.sort(key=lambda item: item[:3])
            for t, _, _, event in batch:
                if t > until:
                    break
                event.apply(company)

    @staticmethod
    def _merge_payments(
        scheduled: list[tuple[int, int, Event]],
    ) -> Iterable[tuple[int, int, Event]]:
        """A party's payments due on one day go out as one remittance, at the earliest
        of their hours."""
        groups: dict[str, list[tuple[int, int, Pay]]] = {}
        for t, seq, event in scheduled:
            if isinstance(event, Pay):
                key = f"{event.doc.data_type}:{event.doc.party.id}"
                groups.setdefault(key, []).append((t, seq, event))
            else:
                yield t, seq, event
        for items in groups.values():
            t, seq = min((t, seq) for t, seq, _ in items)
            party = items[0][2].doc.party
            yield t, seq, Settle(t, party, tuple((p.doc, p.percent) for _, _, p in items))

    def _day(self, day: int) -> list[Event]:
        company, size = self.company, self.size
        rng = random.Random(f"{self.key}|{day}")
        when = company.date(day)
        events: list[Event] = []
        at = day * 24
        if day == 0:
            events.append(OpenBooks(0))
        elif when.day == 1:
            events += [Depreciate(at + 5), ChargeBankFee(at + 7)]
            if when.month in (2, 5, 8, 11):
                events.append(FileVatReturn(at + 6, day - 1))
        if when.day == 7 and when.month in (3, 6, 9, 12):
            events.append(PayVat(at + 9))
        if when.day == 20 and when.month in (1, 4, 7, 10):
            events.append(PayDividend(at + 10))
        history = day < size.history_days
        weight = _WEEKDAY_WEIGHT[when.weekday()] / self.mean_weight / size.history_days
        if history:
            counts = (self.invoice_days[day], self.bill_days[day], self.direct_days[day])
        else:
            counts = (
                _poisson(rng, size.invoices * weight),
                _poisson(rng, size.bills * weight),
                _poisson(rng, size.direct_costs * weight),
            )
            if rng.random() < size.customers / size.history_days / 2:
                party = self._customer(rng, len(company.customers), at + rng.randint(8, 17))
                events.append(AddParty(party.created, party))
        events += [self._invoice(rng, day, history) for _ in range(counts[0])]
        events += [self._bill(rng, day, history) for _ in range(counts[1])]
        events += [self._direct_cost(rng, day) for _ in range(counts[2])]
        return events

    # -- parties --------------------------------------------------------------------

    def _unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.names:
            n += 1
            candidate = f"{name} {n}"
        self.names.add(candidate)
        return candidate

    def _place(self, rng: random.Random) -> tuple[str, str, str, str, str]:
        city, prefix, region, area = rng.choices(c.PLACES, (60, 25, 15))[0]
        street = f"{rng.randint(1, 200)} {rng.choice(c.STREETS)}"
        letters = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        postcode = f"{prefix} {rng.randint(1, 9)}{letters}"
        phone = f"{area} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
        return street, city, postcode, region, phone

    def _customer(self, rng: random.Random, n: int, created: int | None = None) -> Party:
        """Customer ``n``, trading since ``created`` (by default, from before the books)."""
        first = c.FIRST_WORDS[n % len(c.FIRST_WORDS)]
        trade = c.CUSTOMER_TRADES[(n * 7) % len(c.CUSTOMER_TRADES)]
        name = self._unique(f"{first} {trade}") + " Ltd"
        street, city, postcode, region, phone = self._place(rng)
        return Party(
            id=f"cus-{n + 1:04d}",
            name=name,
            contact=rng.choice(c.PEOPLE),
            email=f"accounts@{first.lower()}{trade.lower()}{n + 1}.example",
            phone=phone,
            street=street,
            city=city,
            postcode=postcode,
            region=region,
            created=-24 * rng.randint(1, 61) if created is None else created,
            terms=rng.choice((14, 30, 30, 30, 45)),
            lateness=round(rng.triangular(-5, 35, 3)),
            method=rng.choices((c.BACS, c.CARD, c.CHEQUE), (80, 12, 8))[0],
            vat_number=f"GB{rng.randint(100_000_000, 999_999_999)}" if rng.random() < 0.6 else None,
        )

    def _supplier(self, rng: random.Random, n: int) -> Party:
        kinds = [kind for kind, count in c.SUPPLIER_KINDS for _ in range(count)]
        kind = kinds[n * len(kinds) // self.size.suppliers]
        first = c.FIRST_WORDS[(n * 11) % len(c.FIRST_WORDS)]
        name = self._unique(f"{first} {kind.suffix}")
        if not name.endswith(("LLP", "Ltd")):
            name += " Ltd"
        street, city, postcode, region, phone = self._place(rng)
        return Party(
            id=f"sup-{n + 1:04d}",
            name=name,
            contact=rng.choice(c.PEOPLE),
            email=f"billing@{first.lower()}{n + 1}.example",
            phone=phone,
            street=street,
            city=city,
            postcode=postcode,
            region=region,
            created=-24 * rng.randint(1, 90),
            terms=kind.terms,
            lateness=0,
            method=c.DIRECT_DEBIT if kind.account in _DIRECT_DEBIT_ACCOUNTS else c.BACS,
            vat_number=f"GB{rng.randint(100_000_000, 999_999_999)}",
            kind=kind,
        )

    # -- documents ------------------------------------------------------------------

    def _pick_customer(self, rng: random.Random) -> Party:
        customers = self.company.customers
        if len(self.customer_cum) != len(customers):
            # A few customers bring most of the work, as in a real small business.
            self.customer_cum = _zipf(len(customers), 1.0)
        return rng.choices(customers, cum_weights=self.customer_cum)[0]

    @staticmethod
    def _plan(
        rng: random.Random,
        odds: _Odds,
        offset: int,
        gap: tuple[int, int],
        draft: bool,
        history: bool,
    ) -> Plan:
        """A document's future: approved (if a draft), voided, credited, paid in full,
        in two parts, in part only, or never. Payments are ``offset`` days from the due
        date; a second part follows ``gap`` days later."""
        approve = delete = None
        if draft:
            roll = rng.random()
            if roll < 0.85:
                approve = (rng.randint(1, odds.approve_within), rng.randint(9, 17))
            elif roll < 0.93 and not history:  # the fixed history keeps all its documents
                delete = (rng.randint(1, 10), rng.randint(9, 17))
        if rng.random() < odds.void:
            return Plan(void=(rng.randint(1, 10), rng.randint(9, 17)), approve=approve)
        credit = None
        if rng.random() < odds.credit:
            credit = (rng.randint(2, 20), rng.randint(9, 17), rng.randint(10, 100))
        roll = rng.random()
        first, second = rng.randint(9, 16), rng.randint(9, 16)
        settle: tuple[tuple[int, int, int], ...] = ()
        if roll < odds.full:
            settle = ((offset, first, 100),)
        elif roll < odds.full + odds.twice:
            later = offset + rng.randint(*gap)
            settle = ((offset, first, rng.randint(30, 70)), (later, second, 100))
        elif roll < odds.full + odds.twice + odds.part:
            settle = ((offset, first, rng.randint(20, 80)),)
        return Plan(settle, credit, None, approve, delete)

    def _invoice(self, rng: random.Random, day: int, history: bool) -> RaiseDocument:
        customer = self._pick_customer(rng)
        lines = []
        for item in rng.choices(c.ITEMS, cum_weights=_ITEM_CUM, k=rng.choice((1, 1, 1, 2, 2, 3))):
            quantity = rng.randint(*item.quantity)
            unit = item.price if rng.random() < 0.85 else item.price * rng.randint(85, 115) // 100
            tracking = (item.department, customer.region)
            lines.append(
                Line.priced(item.name, unit, quantity, item.account, c.STANDARD, item.id, tracking)
            )
        draft = rng.random() < 0.12
        hour = rng.randint(8, 17)
        offset = customer.lateness + rng.randint(-5, 10)
        plan = self._plan(rng, _INVOICE_ODDS, offset, (10, 40), draft, history)
        return RaiseDocument(day * 24 + hour, "invoices", customer, tuple(lines), plan, draft)

    def _bill(self, rng: random.Random, day: int, history: bool) -> RaiseDocument:
        supplier = rng.choices(self.busiest, cum_weights=self.supplier_cum)[0]
        kind = supplier.kind
        assert kind is not None
        lines = []
        if kind is c.MATERIALS_KIND:
            for item in rng.sample(c.MATERIAL_ITEMS, rng.choice((1, 1, 2, 3))):
                cost = item.cost or 0
                quantity = rng.randint(item.quantity[0], item.quantity[1] * 2)
                tracking = (item.department,)
                lines.append(
                    Line.priced(
                        item.name, cost, quantity, c.MATERIALS, c.STANDARD, item.id, tracking
                    )
                )
        else:
            when = self.company.date(day)
            net = rng.randint(*kind.net)
            lines.append(
                Line.priced(
                    f"{kind.description}, {_MONTHS[when.month - 1]} {when.year}",
                    net,
                    1,
                    kind.account,
                    kind.tax,
                    tracking=(kind.department,) if kind.department else (),
                )
            )
        draft = rng.random() < 0.03
        hour = rng.randint(8, 17)
        offset = 0 if supplier.method is c.DIRECT_DEBIT else rng.randint(-5, 2)
        plan = self._plan(rng, _BILL_ODDS, offset, (7, 30), draft, history)
        initials = "".join(word[0] for word in supplier.name.split()[:2])
        number = f"{initials}-{rng.randint(10_000, 99_999)}"
        return RaiseDocument(
            day * 24 + hour, "bills", supplier, tuple(lines), plan, draft, number=number
        )

    def _direct_cost(self, rng: random.Random, day: int) -> SpendDirect:
        description, account, rate, (low, high) = rng.choices(
            c.DIRECT_COST_KINDS, cum_weights=_DIRECT_CUM
        )[0]
        net = rng.randint(low, high)
        line = Line.priced(description, net, 1, account, rate)
        merchant = rng.choice(_MERCHANTS[description])
        return SpendDirect(day * 24 + rng.randint(7, 19), line, merchant)
