"""The sandbox company keeps trading after its history: a later pull finds new and
changed records, exactly those whose ``sourceModifiedDate`` moved, and the books
balance at every moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ledgerport.connectors.paging import Page
from ledgerport.connectors.sandbox import CONNECTOR, catalog
from ledgerport.connectors.sandbox.books import AS_OF, books, clear_cache
from ledgerport.connectors.sandbox.events import RaiseDocument
from ledgerport.connectors.sandbox.reader import SandboxReader
from ledgerport.connectors.sandbox.simulation import hour_of
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.state import Line, Plan
from ledgerport.connectors.spec import ReaderContext, ReadStream
from ledgerport.domain.enums import DataType
from tests.connectors.sandbox_checks import Doc, assert_books_balance, served

SEED = "seed-a"


def _reader(now: datetime, info: dict[str, Any] | None = None) -> SandboxReader:
    return SandboxReader(ReaderContext("company", SEED, info or {}), clock=lambda: now)


def _pull(reader: SandboxReader, stream: ReadStream, since: datetime | None) -> list[Doc]:
    """What the engine would do: pages until a short one."""
    records: list[Doc] = []
    params: dict[str, str] | None = stream.paginator.first()
    while params is not None:
        page = reader.fetch(stream, params, since)
        records += [dict(r) for r in page.records]
        params = stream.paginator.next(params, _page(len(page.records)))
    return records


def _page(count: int) -> Page:
    return Page(body=None, headers={}, record_count=count)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (AS_OF, AS_OF + timedelta(days=3, hours=14)),
        (AS_OF + timedelta(days=3, hours=14), AS_OF + timedelta(days=41, hours=9)),
        # Across the start of a financial year: income and expenses start again at 0.
        (datetime(2027, 3, 30, 15, tzinfo=UTC), datetime(2027, 4, 2, 11, tzinfo=UTC)),
    ],
)
def test_since_returns_exactly_what_changed(before: datetime, after: datetime) -> None:
    reader = _reader(after + timedelta(minutes=37))  # read at 37 past, books of the hour
    assert reader.as_of == after
    old, new = books(SEED, as_of=before), books(SEED, as_of=after)
    changed_types = set()
    for stream in CONNECTOR.reads:
        if not stream.incremental:
            continue
        was = {doc["id"]: doc for doc in old.records(stream.data_type)}
        now = new.records(stream.data_type)
        changed = {doc["id"] for doc in now if was.get(doc["id"]) != doc}
        got = _pull(reader, stream, before + timedelta(seconds=1))
        # The sandbox's modified-since filter works to the hour (a write at 10:30 is
        # stamped 10:00), so it also returns what changed in the hour of ``before``.
        same_hour = {
            doc["id"] for doc in now if doc["sourceModifiedDate"][:19] == before.isoformat()[:19]
        }
        got_ids = {doc["id"] for doc in got}
        assert changed <= got_ids <= changed | same_hour, stream.data_type
        assert len(got_ids) == len(got)
        assert all(doc["sourceModifiedDate"] >= before.isoformat()[:19] for doc in got)
        if changed:
            changed_types.add(stream.data_type)
    assert {
        DataType.INVOICES,
        DataType.PAYMENTS,
        DataType.BILLS,
        DataType.BANK_TRANSACTIONS,
        DataType.JOURNAL_ENTRIES,
        DataType.CHART_OF_ACCOUNTS,
        DataType.BANK_ACCOUNTS,
    } <= changed_types


def test_the_engines_look_back_misses_nothing() -> None:
    """Pulls at 10:37 and 16:20: the second asks for what changed since 10:32 (the
    first pull's start less the engine's five minutes) and gets every change since the
    books the first pull read (those of 10:00)."""
    first = _reader(AS_OF + timedelta(days=5, hours=10, minutes=37))
    second = _reader(AS_OF + timedelta(days=5, hours=16, minutes=20))
    stream = CONNECTOR.stream(DataType.INVOICES)
    assert stream is not None
    seen = {doc["id"]: doc for doc in _pull(first, stream, None)}
    got = _pull(second, stream, AS_OF + timedelta(days=5, hours=10, minutes=32))
    full = _pull(second, stream, None)
    missed = [d["id"] for d in full if seen.get(d["id"]) != d and d not in got]
    assert got
    assert missed == []


def test_the_business_keeps_trading() -> None:
    start = {i["id"]: i for i in books(SEED).records(DataType.INVOICES)}
    a_month_on = books(SEED, as_of=AS_OF + timedelta(days=30)).records(DataType.INVOICES)
    assert len(a_month_on) > len(start) + 20
    settled = [
        i
        for i in a_month_on
        if i["id"] in start and start[i["id"]]["status"] == "Submitted" and i["status"] == "Paid"
    ]
    assert settled
    for invoice in settled:
        assert invoice["sourceModifiedDate"] > "2026-10-31"
        assert invoice["amountDue"] == 0
        assert invoice["paymentAllocations"]
    customers = books(SEED, as_of=AS_OF + timedelta(days=365)).records(DataType.CUSTOMERS)
    assert len(customers) > 50  # new customers come along too


def test_some_drafts_are_deleted() -> None:
    """A draft is served while it exists and is gone from the books once deleted (the
    engine's next full pull then marks it ``isDeleted``)."""
    year_on = books(SEED, as_of=AS_OF + timedelta(days=365))
    for data_type, documents in (
        (DataType.INVOICES, year_on.company.invoices),
        (DataType.BILLS, year_on.company.bills),
    ):
        deleted = [doc for doc in documents if doc.deleted]
        if data_type is DataType.INVOICES:
            assert deleted, "no draft invoice was deleted in a year"
        served_ids = {doc["id"] for doc in year_on.records(data_type)}
        for doc in deleted[:3]:
            assert doc.id not in served_ids
            while_there = books(SEED, as_of=year_on.company.moment(doc.created))
            (record,) = [r for r in while_there.records(data_type) if r["id"] == doc.id]
            assert record["status"] == "Draft"


@pytest.mark.parametrize(
    "moment",
    [
        AS_OF + timedelta(days=1, hours=6),  # the VAT return was just filed
        AS_OF + timedelta(days=37, hours=9),  # HMRC has collected it
        AS_OF + timedelta(days=80, hours=15),
        datetime(2027, 4, 1, 0, tzinfo=UTC),  # a new financial year
        datetime(2027, 4, 20, 10, tzinfo=UTC),  # a dividend day
    ],
)
def test_the_books_balance_at_every_moment(moment: datetime) -> None:
    assert_books_balance(served(books(SEED, as_of=moment)))


def test_the_clock_is_truncated_to_the_hour() -> None:
    reader = _reader(datetime(2026, 11, 5, 10, 37, 12, tzinfo=UTC))
    assert reader.as_of == datetime(2026, 11, 5, 10, tzinfo=UTC)
    stream = CONNECTOR.stream(DataType.BANK_TRANSACTIONS)
    assert stream is not None
    records = _pull(reader, stream, None)
    expected = books(SEED, as_of=datetime(2026, 11, 5, 10, tzinfo=UTC))
    assert records == expected.records(DataType.BANK_TRANSACTIONS)
    assert max(r["sourceModifiedDate"] for r in records) <= "2026-11-05T10:00:00Z"


def test_the_same_seed_and_moment_give_the_same_books() -> None:
    moment = AS_OF + timedelta(days=20, hours=12)
    first = {t: books(SEED, as_of=moment).records(t) for t in _SOME_TYPES}
    clear_cache()
    assert {t: books(SEED, as_of=moment).records(t) for t in _SOME_TYPES} == first
    other = books("seed-b", as_of=moment).records(DataType.PAYMENTS)
    assert other != first[DataType.PAYMENTS]


_SOME_TYPES = (DataType.INVOICES, DataType.PAYMENTS, DataType.CHART_OF_ACCOUNTS)


def test_extra_events_are_applied_with_the_generated_ones() -> None:
    """The write-back seam: a bill pushed at some hour is in the books from then on,
    posted and paid like the generated ones, and the books still balance."""
    supplier = books(SEED).company.suppliers[0]
    pushed_at = AS_OF + timedelta(days=2, hours=11)
    net = 123_45
    line = Line("Pushed: consultancy", net, 1, net, catalog.vat(net, catalog.STANDARD),
                catalog.PROFESSIONAL, catalog.STANDARD)  # fmt: skip
    bill = RaiseDocument(
        hour_of(pushed_at, Size()),
        "bills",
        supplier,
        (line,),
        Plan(settle=((0, 10, 100),)),
        number="PUSHED-1",
    )
    later = books(SEED, as_of=AS_OF + timedelta(days=60), extra=(bill,))
    pushed = [b for b in later.records(DataType.BILLS) if b["reference"] == "PUSHED-1"]
    assert len(pushed) == 1
    assert pushed[0]["issueDate"] == "2026-11-02T00:00:00"
    assert pushed[0]["status"] == "Paid"  # paid on its due date, by its plan
    assert pushed[0]["totalAmount"] == 148.14
    assert_books_balance(served(later))
    before = books(SEED, as_of=pushed_at - timedelta(hours=1), extra=(bill,))
    assert all(b["reference"] != "PUSHED-1" for b in before.records(DataType.BILLS))
