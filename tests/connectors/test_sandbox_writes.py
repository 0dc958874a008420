"""Write-back to the sandbox: what a push does to its books, checked on what the next
pull serves. Pure: the write log is in memory, the clock is fixed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledgerport.connectors.errors import OutcomeUnknownError, RejectedError, TransientError
from ledgerport.connectors.paging import Page
from ledgerport.connectors.sandbox import CONNECTOR
from ledgerport.connectors.sandbox.books import AS_OF, clear_cache
from ledgerport.connectors.sandbox.reader import SandboxReader
from ledgerport.connectors.sandbox.writer import FAULT_REJECTED, MemoryLog, SandboxWriter
from ledgerport.connectors.spec import ReaderContext
from ledgerport.connectors.writes import (
    RecordChange,
    UploadedFile,
    WriteKind,
    WriteRequest,
    WriteResult,
)
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, validate
from tests.conformance.codat_schema import errors
from tests.connectors.sandbox_checks import (
    D,
    Served,
    assert_books_balance,
    ledger_balances,
    profit_and_loss_from_documents,
    served,
    sum_by_type,
)

SEED = "seed-writes"
SMALL = {
    "customers": 8,
    "suppliers": 8,
    "invoices": 80,
    "bills": 60,
    "directCosts": 20,
    "historyDays": 120,
}
NOW = AS_OF + timedelta(days=2, hours=10, minutes=30)  # 2 November 2026, 10:30
Doc = dict[str, Any]
BANK = "acc-1200"
SALES = "acc-4000"
OFFICE = "acc-7500"


class Sandbox:
    """One connection: a writer and readers sharing one write log."""

    def __init__(self, info: Mapping[str, Any] | None = None) -> None:
        self.log = MemoryLog()
        self.info = {"sandbox": SMALL, **(info or {})}
        self.now = NOW
        self.keys = 0

    def writer(self, now: datetime | None = None) -> SandboxWriter:
        return SandboxWriter(ReaderContext("company", SEED, self.info, self.log, now or self.now))

    def reader(self, now: datetime | None = None) -> SandboxReader:
        later = now or self.now + timedelta(hours=1)
        return SandboxReader(ReaderContext("company", SEED, self.info, self.log, later))

    def write(
        self,
        data_type: DataType,
        record: Mapping[str, Any] | None = None,
        kind: WriteKind = WriteKind.CREATE,
        record_id: str | None = None,
        key: str | None = None,
        **extra: Any,
    ) -> WriteResult:
        self.keys += 1
        request = WriteRequest(
            data_type,
            kind,
            key or f"key-{self.keys}",
            record or {},
            record_id=record_id,
            **extra,
        )
        return self.writer().write(request)

    def find(self, data_type: DataType, record_id: str) -> dict[str, Any] | None:
        return self.reader().books().record(data_type, record_id)

    def read(self, data_type: DataType, record_id: str) -> dict[str, Any]:
        found = self.find(data_type, record_id)
        assert found is not None, record_id
        return found

    def served(self) -> Served:
        return served(self.reader().books())


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


def line(
    amount: str = "100.00", account: str = SALES, tax: str = "tax-s", **more: Any
) -> dict[str, Any]:
    return {
        "description": "Work",
        "unitAmount": amount,
        "quantity": 1,
        "taxRateRef": {"id": tax},
        "accountRef": {"id": account},
        **more,
    }


def invoice(customer: str = "cus-0001", *lines: dict[str, Any], **more: Any) -> Doc:
    return {"customerRef": {"id": customer}, "lineItems": list(lines) or [line()], **more}


def bill(supplier: str = "sup-0001", *lines: dict[str, Any], **more: Any) -> Doc:
    return {
        "supplierRef": {"id": supplier},
        "lineItems": list(lines) or [line(account=OFFICE)],
        **more,
    }


def payment(doc_id: str, amount: str, customer: str = "cus-0001", **more: Any) -> Doc:
    return {
        "customerRef": {"id": customer},
        "accountRef": {"id": BANK},
        "lines": [
            {"amount": amount, "links": [{"type": "Invoice", "id": doc_id, "amount": f"-{amount}"}]}
        ],
        **more,
    }


def bill_payment(
    doc_id: str, amount: str, supplier: str = "sup-0001", **more: Any
) -> dict[str, Any]:
    return {
        "supplierRef": {"id": supplier},
        "accountRef": {"id": BANK},
        "lines": [
            {"amount": amount, "links": [{"type": "Bill", "id": doc_id, "amount": f"-{amount}"}]}
        ],
        **more,
    }


def rejected(sandbox: Sandbox, data_type: DataType, record: Mapping[str, Any], **kw: Any) -> str:
    with pytest.raises(RejectedError) as refused:
        sandbox.write(data_type, record, **kw)
    return refused.value.message


def assert_balanced_with_banks(s: Served) -> None:
    """``assert_books_balance`` for books with more than one bank account: each
    account's statement agrees with its ledger balance."""
    for entry in s[DataType.JOURNAL_ENTRIES]:
        assert sum(D(x["netAmount"]) for x in entry["journalLines"]) == 0, entry["id"]
    ledger = ledger_balances(s)
    assert {k: D(a["currentBalance"]) for k, a in s.accounts.items()} == ledger
    assert sum(ledger.values()) == 0
    statement: dict[str, Decimal] = defaultdict(Decimal)
    for tx in s[DataType.BANK_TRANSACTIONS]:
        statement[tx["accountId"]] += D(tx["amount"])
        assert D(tx["balance"]) == statement[tx["accountId"]] + (
            _opening(s) if tx["accountId"] == BANK else 0
        ), tx["id"]
    for account in s[DataType.BANK_ACCOUNTS]:
        opening = _opening(s) if account["id"] == BANK else 0
        assert D(account["balance"]) == ledger[account["id"]] == statement[account["id"]] + opening


def _opening(s: Served) -> Decimal:
    return next(
        D(x["netAmount"])
        for entry in s[DataType.JOURNAL_ENTRIES]
        if entry["description"] == "Opening balances"
        for x in entry["journalLines"]
        if x["accountRef"]["id"] == BANK
    )


# -- every data type and kind -----------------------------------------------------------


def test_the_connector_declares_what_it_writes() -> None:
    creates = {w.data_type for w in CONNECTOR.writes if WriteKind.CREATE in w.kinds}
    assert creates >= {
        DataType.BANK_ACCOUNTS,
        DataType.SUPPLIERS,
        DataType.CUSTOMERS,
        DataType.BILLS,
        DataType.BILL_PAYMENTS,
        DataType.BILL_CREDIT_NOTES,
        DataType.INVOICES,
        DataType.PAYMENTS,
        DataType.CREDIT_NOTES,
        DataType.JOURNAL_ENTRIES,
        DataType.CHART_OF_ACCOUNTS,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
        DataType.TRANSFERS,
    }
    assert CONNECTOR.can_write(DataType.BILLS, WriteKind.UPLOAD_ATTACHMENT)
    for data_type in (
        DataType.BILLS,
        DataType.INVOICES,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
    ):
        assert CONNECTOR.can_write(data_type, WriteKind.DELETE_ATTACHMENT), data_type
    assert not CONNECTOR.can_write(DataType.CREDIT_NOTES, WriteKind.DELETE_ATTACHMENT)
    assert CONNECTOR.can_write(DataType.JOURNALS, WriteKind.CREATE)
    assert CONNECTOR.can_write(DataType.BILL_PAYMENTS, WriteKind.DELETE)
    assert CONNECTOR.can_write(DataType.CUSTOMERS, WriteKind.UPDATE)
    assert CONNECTOR.stream(DataType.DIRECT_INCOMES) is not None
    assert CONNECTOR.stream(DataType.TRANSFERS) is not None


def test_parties_are_created_and_updated(sandbox: Sandbox) -> None:
    made = sandbox.write(
        DataType.CUSTOMERS, {"customerName": "New Customer Ltd", "emailAddress": "a@b.example"}
    )
    assert made.record["id"] == "cus-w0001"
    assert sandbox.read(DataType.CUSTOMERS, "cus-w0001")["customerName"] == "New Customer Ltd"
    supplier = sandbox.write(DataType.SUPPLIERS, {"supplierName": "New Supplier Ltd"})
    assert supplier.record["id"] == "sup-w0001"
    sandbox.now += timedelta(hours=2)
    sandbox.write(
        DataType.CUSTOMERS, {"customerName": "Renamed Ltd"}, WriteKind.UPDATE, "cus-w0001"
    )
    got = sandbox.read(DataType.CUSTOMERS, "cus-w0001")
    assert got["customerName"] == "Renamed Ltd"
    assert got["emailAddress"] == "a@b.example"
    assert "already exists" in rejected(
        sandbox, DataType.SUPPLIERS, {"supplierName": "New Supplier Ltd"}
    )
    assert "supplierName is required" in rejected(sandbox, DataType.SUPPLIERS, {})


def test_an_invoice_is_created_with_its_totals_computed(sandbox: Sandbox) -> None:
    result = sandbox.write(DataType.INVOICES, invoice("cus-0001", line("100.00", quantity=3)))
    assert result.record["id"] == "inv-w0001"
    assert result.changes == (RecordChange(PushChangeType.CREATED, DataType.INVOICES, "inv-w0001"),)
    got = sandbox.read(DataType.INVOICES, "inv-w0001")
    assert got == result.record
    assert (got["subTotal"], got["totalTaxAmount"], got["totalAmount"]) == (300, 60, 360)
    assert got["status"] == "Submitted"
    assert got["amountDue"] == 360
    draft = sandbox.write(DataType.INVOICES, invoice(status="Draft"))
    assert draft.record["status"] == "Draft"


def test_every_document_type_and_direct_record_is_created(sandbox: Sandbox) -> None:
    cases = [
        (DataType.BILLS, bill(), "bill-w0001"),
        (DataType.CREDIT_NOTES, invoice(), "cn-w0001"),
        (DataType.BILL_CREDIT_NOTES, bill(), "bcn-w0001"),
        (
            DataType.DIRECT_COSTS,
            {
                "lineItems": [line("12.50", OFFICE)],
                "paymentAllocations": [{"payment": {"accountRef": {"id": BANK}}, "allocation": {}}],
            },
            "dc-w0001",
        ),
        (
            DataType.DIRECT_INCOMES,
            {
                "contactRef": {"id": "cus-0002", "dataType": "customers"},
                "lineItems": [line("40.00", SALES)],
                "note": "Cashback",
            },
            "di-w0001",
        ),
        (
            DataType.JOURNAL_ENTRIES,
            {
                "description": "Reclass",
                "journalLines": [
                    {"netAmount": "25.00", "accountRef": {"id": OFFICE}},
                    {"netAmount": "-25.00", "accountRef": {"id": "acc-7400"}},
                ],
            },
            "mj-w0001",
        ),
        (
            DataType.CHART_OF_ACCOUNTS,
            {
                "name": "Marketing",
                "type": "Expense",
                "nominalCode": "7800",
                "fullyQualifiedCategory": "Expense.Overheads",
            },
            "acc-7800",
        ),
        (DataType.BANK_ACCOUNTS, {"accountName": "Savings", "currency": "GBP"}, "acc-W0002"),
    ]
    for data_type, record, expected in cases:
        result = sandbox.write(data_type, record)
        assert result.record["id"] == expected, data_type
        assert sandbox.read(data_type, expected) == result.record, data_type
    income = sandbox.read(DataType.DIRECT_INCOMES, "di-w0001")
    assert income["totalAmount"] == 48
    assert income["contactRef"]["id"] == "cus-0002"
    assert_balanced_with_banks(sandbox.served())


def test_a_two_part_payment_makes_an_invoice_partly_paid_then_paid(sandbox: Sandbox) -> None:
    sandbox.write(DataType.INVOICES, invoice())  # 120.00
    first = sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "50.00"))
    assert first.record["id"] == "pay-w0001"
    assert RecordChange(PushChangeType.MODIFIED, DataType.INVOICES, "inv-w0001") in first.changes
    got = sandbox.read(DataType.INVOICES, "inv-w0001")
    assert (got["status"], got["amountDue"]) == ("PartiallyPaid", 70)
    sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "70.00"))
    got = sandbox.read(DataType.INVOICES, "inv-w0001")
    assert (got["status"], got["amountDue"]) == ("Paid", 0)
    assert sandbox.read(DataType.PAYMENTS, "pay-w0002")["totalAmount"] == 70
    assert_books_balance(sandbox.served())


def test_a_bill_is_paid_in_two_parts(sandbox: Sandbox) -> None:
    sandbox.write(DataType.BILLS, bill())
    sandbox.write(DataType.BILL_PAYMENTS, bill_payment("bill-w0001", "20.00"))
    got = sandbox.read(DataType.BILLS, "bill-w0001")
    assert (got["status"], got["amountDue"]) == ("PartiallyPaid", 100)
    sandbox.write(DataType.BILL_PAYMENTS, bill_payment("bill-w0001", "100.00"))
    got = sandbox.read(DataType.BILLS, "bill-w0001")
    assert (got["status"], got["amountDue"]) == ("Paid", 0)
    assert_books_balance(sandbox.served())


def test_a_bill_credit_note_allocated_by_a_bill_payment_reduces_the_bill(sandbox: Sandbox) -> None:
    sandbox.write(DataType.BILLS, bill())  # 120.00
    sandbox.write(DataType.BILL_CREDIT_NOTES, bill("sup-0001", line("25.00", OFFICE)))  # 30.00
    result = sandbox.write(
        DataType.BILL_PAYMENTS,
        {
            "supplierRef": {"id": "sup-0001"},
            "lines": [
                {
                    "amount": 0,
                    "links": [
                        {"type": "Bill", "id": "bill-w0001", "amount": "-30.00"},
                        {"type": "CreditNote", "id": "bcn-w0001", "amount": "30.00"},
                    ],
                }
            ],
        },
    )
    assert result.record["totalAmount"] == 0
    got = sandbox.read(DataType.BILLS, "bill-w0001")
    assert (got["status"], got["amountDue"]) == ("PartiallyPaid", 90)
    note = sandbox.read(DataType.BILL_CREDIT_NOTES, "bcn-w0001")
    assert (note["remainingCredit"], note["status"]) == (0, "Paid")
    assert_books_balance(sandbox.served())


# -- what the platform refuses --------------------------------------------------------------


def test_what_a_payment_cannot_do(sandbox: Sandbox) -> None:
    sandbox.write(DataType.INVOICES, invoice())  # 120.00
    message = rejected(sandbox, DataType.PAYMENTS, payment("inv-w0001", "120.01"))
    assert "INV-W0001" in message
    assert "120.00" in message
    sandbox.write(DataType.BANK_ACCOUNTS, {"accountName": "Dollars", "currency": "USD"})
    usd = payment("inv-w0001", "10.00", accountRef={"id": "acc-W0001"})
    assert "USD" in rejected(sandbox, DataType.PAYMENTS, usd)
    mismatch = payment("inv-w0001", "10.00", currency="EUR")
    assert "EUR" in rejected(sandbox, DataType.PAYMENTS, mismatch)
    sandbox.write(DataType.INVOICES, invoice(status="Draft"))
    assert "draft" in rejected(sandbox, DataType.PAYMENTS, payment("inv-w0002", "1.00"))
    assert "no invoice" in rejected(sandbox, DataType.PAYMENTS, payment("inv-nope", "1.00"))
    other = payment("inv-w0001", "1.00", customer="cus-0002")
    assert "belongs to" in rejected(sandbox, DataType.PAYMENTS, other)
    assert "no customer" in rejected(
        sandbox, DataType.PAYMENTS, payment("inv-w0001", "1.00", customer="cus-x")
    )
    assert "two decimal" in rejected(sandbox, DataType.PAYMENTS, payment("inv-w0001", "1.001"))
    not_bank = payment("inv-w0001", "1.00", accountRef={"id": SALES})
    assert "not a bank account" in rejected(sandbox, DataType.PAYMENTS, not_bank)
    assert sandbox.read(DataType.INVOICES, "inv-w0001")["amountDue"] == 120  # nothing written


def test_what_a_document_cannot_be(sandbox: Sandbox) -> None:
    assert "USD" in rejected(sandbox, DataType.INVOICES, invoice(currency="USD"))
    assert "negative" in rejected(sandbox, DataType.INVOICES, invoice("cus-0001", line("-5.00")))
    assert "no customer" in rejected(sandbox, DataType.INVOICES, invoice("cus-9999"))
    assert "no account" in rejected(
        sandbox, DataType.BILLS, bill("sup-0001", line(account="acc-x"))
    )
    assert "no tax rate" in rejected(sandbox, DataType.BILLS, bill("sup-0001", line(tax="tax-x")))
    assert "add up" in rejected(sandbox, DataType.INVOICES, invoice(totalAmount="100.00"))
    assert "add up" in rejected(
        sandbox, DataType.INVOICES, invoice("cus-0001", line(subTotal="99.00"))
    )
    assert "two decimal" in rejected(sandbox, DataType.INVOICES, invoice("cus-0001", line("1.005")))
    assert "bank account" in rejected(
        sandbox, DataType.INVOICES, invoice("cus-0001", line(account=BANK))
    )
    assert "lineItems" in rejected(
        sandbox, DataType.INVOICES, {"customerRef": {"id": "cus-0001"}, "lineItems": []}
    )
    assert "do not balance" in rejected(
        sandbox,
        DataType.JOURNAL_ENTRIES,
        {
            "journalLines": [
                {"netAmount": "1.00", "accountRef": {"id": OFFICE}},
                {"netAmount": "-2.00", "accountRef": {"id": SALES}},
            ]
        },
    )
    assert sandbox.log.entries() == ()


# -- updates and deletes ------------------------------------------------------------------


def test_an_update_is_refused_if_the_record_changed_since_it_was_pulled(sandbox: Sandbox) -> None:
    made = sandbox.write(DataType.INVOICES, invoice())
    pulled = datetime.fromisoformat(made.record["sourceModifiedDate"].replace("Z", "+00:00"))
    sandbox.now += timedelta(hours=3)
    sandbox.write(
        DataType.INVOICES, invoice(note="Changed at the source"), WriteKind.UPDATE, "inv-w0001"
    )
    with pytest.raises(RejectedError) as refused:
        sandbox.write(
            DataType.INVOICES,
            invoice(note="Ours"),
            WriteKind.UPDATE,
            "inv-w0001",
            expected_modified=pulled,
        )
    assert refused.value.status_code == 409
    assert "forceUpdate" in refused.value.message
    sandbox.write(
        DataType.INVOICES, invoice("cus-0001", line("200.00")), WriteKind.UPDATE, "inv-w0001"
    )
    got = sandbox.read(DataType.INVOICES, "inv-w0001")
    assert got["totalAmount"] == 240
    assert got["note"] == "Changed at the source"
    sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "10.00"))
    message = rejected(
        sandbox,
        DataType.INVOICES,
        invoice("cus-0001", line("300.00")),
        kind=WriteKind.UPDATE,
        record_id="inv-w0001",
    )
    assert "allocated" in message
    assert_books_balance(sandbox.served())


def test_deleting_a_bill_payment_opens_the_bill_again(sandbox: Sandbox) -> None:
    sandbox.write(DataType.BILLS, bill())
    sandbox.write(DataType.BILL_PAYMENTS, bill_payment("bill-w0001", "120.00"))
    assert "payments allocated" in rejected(
        sandbox, DataType.BILLS, {}, kind=WriteKind.DELETE, record_id="bill-w0001"
    )
    deleted = sandbox.write(DataType.BILL_PAYMENTS, kind=WriteKind.DELETE, record_id="bpy-w0001")
    assert RecordChange(PushChangeType.MODIFIED, DataType.BILLS, "bill-w0001") in deleted.changes
    got = sandbox.read(DataType.BILLS, "bill-w0001")
    assert (got["status"], got["amountDue"]) == ("Open", 120)
    assert sandbox.find(DataType.BILL_PAYMENTS, "bpy-w0001") is None
    sandbox.write(DataType.BILLS, kind=WriteKind.DELETE, record_id="bill-w0001")
    assert sandbox.find(DataType.BILLS, "bill-w0001") is None
    sandbox.write(DataType.DIRECT_COSTS, {"lineItems": [line("10.00", OFFICE)]})
    sandbox.write(DataType.DIRECT_COSTS, kind=WriteKind.DELETE, record_id="dc-w0001")
    assert sandbox.find(DataType.DIRECT_COSTS, "dc-w0001") is None
    sandbox.write(
        DataType.JOURNAL_ENTRIES,
        {
            "journalLines": [
                {"netAmount": "5.00", "accountRef": {"id": OFFICE}},
                {"netAmount": "-5.00", "accountRef": {"id": "acc-7400"}},
            ]
        },
    )
    sandbox.write(DataType.JOURNAL_ENTRIES, kind=WriteKind.DELETE, record_id="mj-w0001")
    assert sandbox.find(DataType.JOURNAL_ENTRIES, "mj-w0001") is None
    generated = sandbox.served()[DataType.JOURNAL_ENTRIES][0]["id"]
    assert "by hand" in rejected(
        sandbox, DataType.JOURNAL_ENTRIES, {}, kind=WriteKind.DELETE, record_id=generated
    )
    assert_books_balance(sandbox.served())


def test_a_direct_cost_is_updated_and_its_posting_follows(sandbox: Sandbox) -> None:
    before = ledger_balances(sandbox.served())
    sandbox.write(DataType.DIRECT_COSTS, {"lineItems": [line("10.00", OFFICE)], "reference": "A"})
    first = sandbox.read(DataType.DIRECT_COSTS, "dc-w0001")
    sandbox.now += timedelta(hours=2)
    update = {"lineItems": [line("25.00", "acc-7400")], "reference": "B", "totalAmount": "30.00"}
    result = sandbox.write(DataType.DIRECT_COSTS, update, WriteKind.UPDATE, "dc-w0001")
    assert result.changes == (RecordChange(PushChangeType.MODIFIED, DataType.DIRECT_COSTS,
                                           "dc-w0001"),)  # fmt: skip
    got = sandbox.read(DataType.DIRECT_COSTS, "dc-w0001")
    assert (got["totalAmount"], got["reference"]) == (30, "B")
    assert [x["accountRef"]["id"] for x in got["lineItems"]] == ["acc-7400"]
    assert got["sourceModifiedDate"] > first["sourceModifiedDate"]
    s = sandbox.served()
    assert_books_balance(s)
    after = ledger_balances(s)
    assert after[OFFICE] - before[OFFICE] == 0  # the first posting is reversed
    assert after["acc-7400"] - before["acc-7400"] == D("25.00")
    assert after[BANK] - before[BANK] == D("-30.00")
    # Updated again, then deleted: the posting that stands is the one reversed.
    sandbox.write(DataType.DIRECT_COSTS, {"lineItems": [line("5.00", OFFICE)]}, WriteKind.UPDATE,
                  "dc-w0001")  # fmt: skip
    sandbox.write(DataType.DIRECT_COSTS, kind=WriteKind.DELETE, record_id="dc-w0001")
    s = sandbox.served()
    assert_books_balance(s)
    after = ledger_balances(s)
    assert {k: after.get(k, D(0)) for k in before} == before  # as if never written


def test_a_refund_credits_the_expense_account_and_locked_records_stay(sandbox: Sandbox) -> None:
    before = ledger_balances(sandbox.served())
    refund = {"lineItems": [line("20.00", OFFICE)], "note": "Refund"}
    sandbox.write(DataType.DIRECT_INCOMES, refund)
    s = sandbox.served()
    assert_books_balance(s)
    assert ledger_balances(s)[OFFICE] - before[OFFICE] == D("-20.00")
    sandbox.write(DataType.DIRECT_INCOMES, {"lineItems": [line("30.00", OFFICE)]},
                  WriteKind.UPDATE, "di-w0001")  # fmt: skip
    assert sandbox.read(DataType.DIRECT_INCOMES, "di-w0001")["totalAmount"] == 36
    assert ledger_balances(sandbox.served())[OFFICE] - before[OFFICE] == D("-30.00")
    # A direct cost dated on or before the ledger lock date cannot change, nor can one
    # be moved there.
    books = sandbox.reader().books()
    locked = books.company.vat_locked_to
    assert locked is not None
    lock = books.company.date(locked).isoformat()
    old = next(x for x in s[DataType.DIRECT_COSTS] if x["issueDate"][:10] <= lock)
    body = {"lineItems": [line("1.00", OFFICE)]}
    message = rejected(sandbox, DataType.DIRECT_COSTS, body, kind=WriteKind.UPDATE,
                       record_id=old["id"])  # fmt: skip
    assert "lock date" in message
    moved = {**body, "issueDate": f"{lock}T00:00:00"}
    assert "lock date" in rejected(sandbox, DataType.DIRECT_INCOMES, moved,
                                   kind=WriteKind.UPDATE, record_id="di-w0001")  # fmt: skip
    with pytest.raises(RejectedError) as missing:
        sandbox.write(DataType.DIRECT_COSTS, body, WriteKind.UPDATE, "dc-nope")
    assert missing.value.status_code == 404


def test_a_file_uploaded_to_a_bill_is_served_beside_its_pdf(sandbox: Sandbox) -> None:
    sandbox.write(DataType.BILLS, bill())
    file = UploadedFile("receipt.png", "image/png", b"\x89PNG...")
    result = sandbox.write(
        DataType.BILLS, kind=WriteKind.UPLOAD_ATTACHMENT, record_id="bill-w0001", file=file
    )
    assert result.changes == (
        RecordChange(PushChangeType.ATTACHMENT_UPLOADED, DataType.BILLS, "bill-w0001", "att-w0001"),
    )
    stream = CONNECTOR.stream(DataType.BILLS)
    assert stream is not None
    assert stream.attachments
    files = sandbox.reader().attachments(stream, "bill-w0001")
    assert [f.name for f in files] == ["BILL-W0001.pdf", "receipt.png"]
    assert files[1].content == b"\x89PNG..."
    sandbox.write(DataType.DIRECT_INCOMES, {"lineItems": [line("9.00")]})
    sandbox.write(
        DataType.DIRECT_INCOMES, kind=WriteKind.UPLOAD_ATTACHMENT, record_id="di-w0001", file=file
    )
    income = CONNECTOR.stream(DataType.DIRECT_INCOMES)
    assert income is not None
    assert [f.id for f in sandbox.reader().attachments(income, "di-w0001")] == ["att-w0002"]


def _files(sandbox: Sandbox, data_type: DataType, record_id: str) -> list[str]:
    stream = CONNECTOR.stream(data_type)
    assert stream is not None
    return [f.id for f in sandbox.reader().attachments(stream, record_id)]


def _delete_file(sandbox: Sandbox, data_type: DataType, record_id: str, attachment_id: str,
                 key: str | None = None) -> WriteResult:  # fmt: skip
    return sandbox.write(data_type, {"attachmentId": attachment_id}, WriteKind.DELETE_ATTACHMENT,
                         record_id, key=key, attachment_id=attachment_id)  # fmt: skip


def test_a_file_pushed_to_a_record_is_deleted_and_its_pdf_is_not(sandbox: Sandbox) -> None:
    file = UploadedFile("receipt.png", "image/png", b"\x89PNG...")
    sandbox.write(DataType.BILLS, bill())
    for _ in range(2):
        sandbox.write(DataType.BILLS, kind=WriteKind.UPLOAD_ATTACHMENT, record_id="bill-w0001",
                      file=file)  # fmt: skip
    assert _files(sandbox, DataType.BILLS, "bill-w0001") == [
        "att-bill-w0001", "att-w0001", "att-w0002"
    ]  # fmt: skip
    before = sandbox.read(DataType.BILLS, "bill-w0001")
    sandbox.now += timedelta(hours=3)

    result = _delete_file(sandbox, DataType.BILLS, "bill-w0001", "att-w0001", key="del")
    assert result.changes == (
        RecordChange(PushChangeType.DELETED, DataType.BILLS, "bill-w0001", "att-w0001"),
    )
    assert result.record["id"] == "bill-w0001"  # the bill, as it stands without the file
    assert _files(sandbox, DataType.BILLS, "bill-w0001") == ["att-bill-w0001", "att-w0002"]
    after = sandbox.read(DataType.BILLS, "bill-w0001")
    assert after["sourceModifiedDate"] > before["sourceModifiedDate"]  # an incremental pull
    assert {k: v for k, v in after.items() if k != "sourceModifiedDate"} == {
        k: v for k, v in before.items() if k != "sourceModifiedDate"
    }  # nothing else about the bill changed

    # The same write again is the same write; it is found by its key, like any other.
    written = len(sandbox.log.entries())
    again = _delete_file(sandbox, DataType.BILLS, "bill-w0001", "att-w0001", key="del")
    assert again.changes == result.changes
    assert len(sandbox.log.entries()) == written
    request = WriteRequest(DataType.BILLS, WriteKind.DELETE_ATTACHMENT, "del",
                           {"attachmentId": "att-w0001"}, "bill-w0001",
                           attachment_id="att-w0001")  # fmt: skip
    found = sandbox.writer().find(request)
    assert found is not None
    assert found.changes == result.changes

    # What the platform refuses, changing nothing.
    with pytest.raises(RejectedError) as gone:
        _delete_file(sandbox, DataType.BILLS, "bill-w0001", "att-w0001")
    assert gone.value.status_code == 404
    assert (
        gone.value.message == "There is no attachment with id att-w0001 on bills record bill-w0001."
    )
    with pytest.raises(RejectedError) as pdf:
        _delete_file(sandbox, DataType.BILLS, "bill-w0001", "att-bill-w0001")
    assert pdf.value.status_code == 400
    assert "own PDF" in pdf.value.message
    assert "cannot be deleted" in pdf.value.message
    with pytest.raises(RejectedError) as elsewhere:  # a file of another record
        _delete_file(sandbox, DataType.INVOICES, "inv-00001", "att-w0002")
    assert elsewhere.value.status_code == 404
    with pytest.raises(RejectedError) as no_bill:
        _delete_file(sandbox, DataType.BILLS, "bill-w9999", "att-w0002")
    assert (no_bill.value.status_code, no_bill.value.message) == (
        404, "There is no bill with id bill-w9999."
    )  # fmt: skip
    assert len(sandbox.log.entries()) == written
    assert _files(sandbox, DataType.BILLS, "bill-w0001") == ["att-bill-w0001", "att-w0002"]

    # Rebuilt from the log alone, the books are the same.
    clear_cache()
    assert _files(sandbox, DataType.BILLS, "bill-w0001") == ["att-bill-w0001", "att-w0002"]
    # A new upload is numbered on from every upload made, deleted ones too.
    sandbox.write(DataType.BILLS, kind=WriteKind.UPLOAD_ATTACHMENT, record_id="bill-w0001",
                  file=file)  # fmt: skip
    assert _files(sandbox, DataType.BILLS, "bill-w0001")[-1] == "att-w0003"


def test_files_of_direct_costs_and_incomes_and_invoices_are_deleted(sandbox: Sandbox) -> None:
    file = UploadedFile("r.pdf", "application/pdf", b"%PDF-1.4 receipt")
    cost = {"lineItems": [line("5.00", OFFICE)]}
    sandbox.write(DataType.DIRECT_COSTS, cost)
    sandbox.write(DataType.DIRECT_INCOMES, {"lineItems": [line("9.00")]})
    sandbox.write(DataType.INVOICES, invoice())
    targets = [
        (DataType.DIRECT_COSTS, "dc-w0001", "att-w0001"),
        (DataType.DIRECT_INCOMES, "di-w0001", "att-w0002"),
        (DataType.INVOICES, "inv-w0001", "att-w0003"),
    ]
    for data_type, record_id, _ in targets:
        sandbox.write(data_type, kind=WriteKind.UPLOAD_ATTACHMENT, record_id=record_id, file=file)
    for data_type, record_id, attachment_id in targets:
        assert attachment_id in _files(sandbox, data_type, record_id)
        _delete_file(sandbox, data_type, record_id, attachment_id)
        assert attachment_id not in _files(sandbox, data_type, record_id)
    assert _files(sandbox, DataType.INVOICES, "inv-w0001") == ["att-inv-w0001"]  # its PDF
    with pytest.raises(RejectedError) as no_cost:
        _delete_file(sandbox, DataType.DIRECT_COSTS, "dc-w9999", "att-w0001")
    assert no_cost.value.status_code == 404
    with pytest.raises(RejectedError) as unsupported:  # credit notes keep no files
        _delete_file(sandbox, DataType.CREDIT_NOTES, "cn-00001", "att-w0001")
    assert unsupported.value.status_code == 405


def _journal(sandbox: Sandbox, record: Mapping[str, Any]) -> str:
    return str(sandbox.write(DataType.JOURNALS, record).record["id"])


def test_a_journal_is_created_and_takes_journal_entries(sandbox: Sandbox) -> None:
    reader = sandbox.reader()
    stream = CONNECTOR.stream(DataType.JOURNALS)
    assert stream is not None
    catalog = {j["id"] for j in _pull(reader, DataType.JOURNALS, None)}
    general = sandbox.read(DataType.JOURNALS, "jnl-general")
    assert general["hasChildren"] is False

    made = sandbox.write(
        DataType.JOURNALS,
        {"name": "Accruals", "journalCode": "ACC", "type": "General", "parentId": "jnl-general",
         "hasChildren": False, "status": "Active"},
    )  # fmt: skip
    assert made.record["id"] == "jnl-w0001"
    assert made.changes == (RecordChange(PushChangeType.CREATED, DataType.JOURNALS, "jnl-w0001"),)
    got = sandbox.read(DataType.JOURNALS, "jnl-w0001")
    assert got == made.record
    assert errors(got, "Journal", spec="accounting") == []
    assert (got["journalCode"], got["name"], got["type"], got["parentId"], got["status"]) == (
        "ACC", "Accruals", "General", "jnl-general", "Active"
    )  # fmt: skip
    assert got["hasChildren"] is False
    assert got["createdOn"] == got["sourceModifiedDate"] == "2026-11-02T10:00:00Z"
    parent = sandbox.read(DataType.JOURNALS, "jnl-general")
    assert parent["hasChildren"] is True
    assert parent["sourceModifiedDate"] == got["sourceModifiedDate"]  # an incremental pull
    changed = _pull(sandbox.reader(), DataType.JOURNALS, NOW - timedelta(minutes=5))
    assert {j["id"] for j in changed} == {"jnl-general", "jnl-w0001"}
    assert {j["id"] for j in _pull(sandbox.reader(), DataType.JOURNALS, None)} == catalog | {
        "jnl-w0001"
    }
    # A code is not required; the next journal is the next of the series.
    assert _journal(sandbox, {"name": "Old accruals", "status": "Archived"}) == "jnl-w0002"
    bare = sandbox.read(DataType.JOURNALS, "jnl-w0002")
    assert (bare["journalCode"], bare["type"], bare["parentId"]) == (None, "General", None)

    # A journal entry written afterwards is recorded in it.
    entry = {
        "description": "Accrued rent",
        "journalRef": {"id": "jnl-w0001"},
        "journalLines": [
            {"netAmount": "30.00", "accountRef": {"id": OFFICE}},
            {"netAmount": "-30.00", "accountRef": {"id": "acc-7400"}},
        ],
    }
    posted = sandbox.write(DataType.JOURNAL_ENTRIES, entry)
    assert posted.record["journalRef"] == {"id": "jnl-w0001", "name": "Accruals"}
    assert "journalRef.id" in [
        path
        for path, _ in _refusal(
            sandbox, DataType.JOURNAL_ENTRIES, {**entry, "journalRef": {"id": "jnl-w0002"}}
        )
    ]  # fmt: skip  (archived)
    assert_balanced_with_banks(sandbox.served())

    # Rebuilt from the log, the same.
    clear_cache()
    assert sandbox.read(DataType.JOURNALS, "jnl-w0001") == got
    assert sandbox.read(DataType.JOURNAL_ENTRIES, posted.record["id"]) == posted.record


def _refusal(
    sandbox: Sandbox, data_type: DataType, record: Mapping[str, Any]
) -> tuple[tuple[str | None, str], ...]:
    with pytest.raises(RejectedError) as refused:
        sandbox.write(data_type, record)
    assert refused.value.status_code == 400
    return refused.value.fields


def test_what_a_journal_cannot_be(sandbox: Sandbox) -> None:
    _journal(sandbox, {"name": "Accruals", "journalCode": "ACC"})
    written = len(sandbox.log.entries())
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"journalCode": "X1"}, "name", "name is required."),
        ({"name": "accruals"}, "name", "A journal named 'accruals' already exists."),
        ({"name": "GENERAL"}, "name", "A journal named 'GENERAL' already exists."),
        (
            {"name": "Other", "journalCode": "acc"},
            "journalCode",
            "journalCode acc is already used.",
        ),
        ({"name": "Other", "journalCode": "GJ"}, "journalCode", "journalCode GJ is already used."),
        ({"name": "Other", "type": "Bank"}, "type", "type must be one of"),
        ({"name": "Other", "status": "Unknown"}, "status", "status must be Active or Archived."),
        ({"name": "Other", "hasChildren": True}, "hasChildren", "hasChildren must be false"),
        ({"name": "Other", "parentId": "jnl-nope"}, "parentId", "There is no journal with id"),
    ]
    for record, path, message in cases:
        fields = _refusal(sandbox, DataType.JOURNALS, record)
        assert [p for p, _ in fields] == [path], record
        assert fields[0][1].startswith(message), (record, fields)
    _journal(sandbox, {"name": "Closed", "status": "Archived"})
    fields = _refusal(sandbox, DataType.JOURNALS, {"name": "Child", "parentId": "jnl-w0002"})
    assert fields == (("parentId", "The journal Closed is archived."),)
    assert len(sandbox.log.entries()) == written + 1
    long = _journal(sandbox, {"name": "N" * 300})  # Codat: a longer name is truncated
    assert sandbox.read(DataType.JOURNALS, long)["name"] == "N" * 256


# -- durability, determinism, faults ---------------------------------------------------------


def test_the_same_key_is_applied_once(sandbox: Sandbox) -> None:
    sandbox.write(DataType.INVOICES, invoice())
    once = sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "50.00"), key="same")
    again = sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "50.00"), key="same")
    assert again.record == once.record
    assert len(sandbox.log.entries()) == 2
    assert sandbox.read(DataType.INVOICES, "inv-w0001")["amountDue"] == 70


def test_a_lost_response_is_found_and_other_faults(sandbox: Sandbox) -> None:
    sandbox.info["sandboxFaults"] = {
        "payments": "lostResponse",
        "bills": "unavailable",
        "customers": "reject",
    }
    sandbox.write(DataType.INVOICES, invoice())
    request = WriteRequest(
        DataType.PAYMENTS, WriteKind.CREATE, "lost", payment("inv-w0001", "10.00")
    )
    assert sandbox.writer().find(request) is None
    with pytest.raises(OutcomeUnknownError):
        sandbox.writer().write(request)
    found = sandbox.writer().find(request)
    assert found is not None
    assert found.record["id"] == "pay-w0001"
    with pytest.raises(TransientError):
        sandbox.write(DataType.BILLS, bill())
    assert rejected(sandbox, DataType.CUSTOMERS, {"customerName": "X"}) == FAULT_REJECTED
    assert len(sandbox.log.entries()) == 2
    sandbox.info["sandboxFaults"] = {"*": "explode"}
    assert "explode" in rejected(sandbox, DataType.SUPPLIERS, {"supplierName": "Y"})


def test_ids_are_deterministic_and_generated_ids_do_not_move(sandbox: Sandbox) -> None:
    before = {dt: [r.get("id") for r in recs] for dt, recs in sandbox.served().records.items()}
    sandbox.write(DataType.CUSTOMERS, {"customerName": "Brand New Ltd"})
    sandbox.write(DataType.INVOICES, invoice("cus-w0001"))
    sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "120.00", customer="cus-w0001"))
    sandbox.write(DataType.DIRECT_COSTS, {"lineItems": [line("3.00", OFFICE)]})
    later = sandbox.now + timedelta(days=20)
    clear_cache()  # rebuilt from the log alone
    after = served(sandbox.reader(later).books())
    reference = Sandbox()  # the same company with no writes
    untouched = served(reference.reader(later).books())
    for data_type, records in untouched.records.items():
        ids = [r.get("id") for r in records]
        written = [r.get("id") for r in after[data_type] if "-w" not in str(r.get("id"))]
        assert written == ids, data_type
    assert "inv-w0001" in {r["id"] for r in after[DataType.INVOICES]}
    assert before[DataType.INVOICES] == [
        r["id"] for r in after[DataType.INVOICES] if r["id"] in set(before[DataType.INVOICES])
    ]
    clear_cache()
    again = served(sandbox.reader(later).books())
    assert again.records == after.records
    assert_books_balance(after)


def _pull(
    reader: SandboxReader, data_type: DataType, since: datetime | None
) -> list[dict[str, Any]]:
    stream = CONNECTOR.stream(data_type)
    assert stream is not None
    records: list[dict[str, Any]] = []
    params: dict[str, str] | None = stream.paginator.first()
    while params is not None:
        page = reader.fetch(stream, params, since)
        records += [dict(r) for r in page.records]
        params = stream.paginator.next(params, Page(None, {}, len(page.records)))
    return records


def test_an_incremental_pull_after_a_mid_hour_write_sees_it(sandbox: Sandbox) -> None:
    sandbox.now = NOW.replace(minute=10)
    sandbox.write(DataType.INVOICES, invoice())
    pulled_at = NOW.replace(minute=20)
    first = _pull(sandbox.reader(pulled_at), DataType.INVOICES, None)
    assert next(r for r in first if r["id"] == "inv-w0001")["amountDue"] == 120
    sandbox.now = NOW.replace(minute=30)  # the same hour, after the pull
    sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "20.00"))
    changed = _pull(sandbox.reader(NOW.replace(minute=50)), DataType.INVOICES, pulled_at)
    got = next(r for r in changed if r["id"] == "inv-w0001")
    assert got["amountDue"] == 100


def test_pushed_bank_accounts_keep_their_own_balance(sandbox: Sandbox) -> None:
    made = sandbox.write(
        DataType.BANK_ACCOUNTS,
        {"accountName": "Deposit", "nominalCode": "1210", "sortCode": "12-34-56"},
    )
    assert made.record["id"] == "acc-1210"
    assert made.record["balance"] == 0
    sandbox.write(DataType.INVOICES, invoice())
    sandbox.write(DataType.PAYMENTS, payment("inv-w0001", "120.00", accountRef={"id": "acc-1210"}))
    s = sandbox.served()
    assert D(s.by_id(DataType.BANK_ACCOUNTS)["acc-1210"]["balance"]) == 120
    assert s.accounts["acc-1210"]["isBankAccount"] is True
    assert_balanced_with_banks(s)
    renamed = sandbox.write(
        DataType.BANK_ACCOUNTS, {"accountName": "Deposit 2"}, WriteKind.UPDATE, "acc-1210"
    )
    assert renamed.record["accountName"] == "Deposit 2"


# -- dates sent are kept ----------------------------------------------------------------------

YESTERDAY = f"{(NOW - timedelta(days=1)).date().isoformat()}T00:00:00"  # after the lock date


def _posting(s: Served, record_id: str) -> list[Doc]:
    return [
        e for e in s[DataType.JOURNAL_ENTRIES] if (e.get("recordRef") or {}).get("id") == record_id
    ]


def test_a_written_direct_cost_or_income_keeps_the_issue_date_sent(sandbox: Sandbox) -> None:
    cost = {"issueDate": YESTERDAY, "lineItems": [line("10.00", OFFICE)]}
    made = sandbox.write(DataType.DIRECT_COSTS, cost)
    got = sandbox.read(DataType.DIRECT_COSTS, "dc-w0001")
    assert got == made.record
    assert got["issueDate"] == YESTERDAY  # not the day it was written...
    assert got["sourceModifiedDate"].startswith(NOW.date().isoformat())  # ...which is this
    allocation = got["paymentAllocations"][0]
    assert allocation["payment"]["paidOnDate"] == allocation["allocation"]["allocatedOnDate"]
    assert allocation["payment"]["paidOnDate"] == YESTERDAY
    (entry,) = _posting(sandbox.served(), "dc-w0001")
    assert entry["postedOn"] == YESTERDAY  # the date the ledger has it on
    # An update without a date keeps it; one with a date moves it, posting included.
    sandbox.now += timedelta(hours=2)
    sandbox.write(DataType.DIRECT_COSTS, {"lineItems": [line("12.00", OFFICE)]},
                  WriteKind.UPDATE, "dc-w0001")  # fmt: skip
    assert sandbox.read(DataType.DIRECT_COSTS, "dc-w0001")["issueDate"] == YESTERDAY
    today = f"{NOW.date().isoformat()}T00:00:00"
    sandbox.write(DataType.DIRECT_COSTS, {**cost, "issueDate": today}, WriteKind.UPDATE,
                  "dc-w0001")  # fmt: skip
    s = sandbox.served()
    assert s.by_id(DataType.DIRECT_COSTS)["dc-w0001"]["issueDate"] == today
    assert _posting(s, "dc-w0001")[-1]["postedOn"] == today
    assert_books_balance(s)
    _, expenses = profit_and_loss_from_documents(s)  # issueDate is the ledger's date
    assert expenses == sum_by_type(s)["Expense"]
    sandbox.write(DataType.DIRECT_INCOMES, {**cost, "lineItems": [line("5.00", SALES)]})
    assert sandbox.read(DataType.DIRECT_INCOMES, "di-w0001")["issueDate"] == YESTERDAY
    # Generated ones are dated the day they happened, as before.
    for generated in s[DataType.DIRECT_COSTS]:
        if generated["id"] != "dc-w0001":
            assert generated["issueDate"][:10] == generated["sourceModifiedDate"][:10]


# -- transfers ----------------------------------------------------------------------------------

DEPOSIT = "acc-1210"


def transfer(
    amount: str = "250.00",
    source: str = BANK,
    target: str = DEPOSIT,
    currency: str | None = "GBP",
    **more: Any,
) -> Doc:
    def side(account: str) -> Doc:
        given = {"accountRef": {"id": account}, "amount": amount}
        return given if currency is None else {**given, "currency": currency}

    return {
        "description": "To the deposit account",
        "date": YESTERDAY,
        "from": side(source),
        "to": side(target),
        **more,
    }


def test_a_transfer_is_written_and_read_back(sandbox: Sandbox) -> None:
    assert _pull(sandbox.reader(), DataType.TRANSFERS, None) == []  # none until one is written
    sandbox.write(DataType.BANK_ACCOUNTS, {"accountName": "Deposit", "nominalCode": "1210"})
    before = sandbox.served()
    pulled_at = sandbox.now
    sandbox.now += timedelta(hours=1)
    model = sandbox.writer().options(DataType.TRANSFERS, WriteKind.CREATE)
    record = transfer(trackingCategoryRefs=[{"id": "trk-dept-inst"}],
                      contactRef={"id": "sup-0001", "dataType": "suppliers"})  # fmt: skip
    assert validate(record, model) == []
    made = sandbox.write(DataType.TRANSFERS, record)
    assert made.record["id"] == "trf-w0001"
    assert made.changes == (RecordChange(PushChangeType.CREATED, DataType.TRANSFERS, "trf-w0001"),)
    got = sandbox.read(DataType.TRANSFERS, "trf-w0001")
    assert got == made.record
    assert errors(got, "Transfer", spec="accounting") == []
    assert got["date"] == YESTERDAY
    assert (got["from"]["amount"], got["from"]["currency"]) == (250, "GBP")
    assert (got["from"]["accountRef"]["id"], got["to"]["accountRef"]["id"]) == (BANK, DEPOSIT)
    assert (got["to"]["amount"], got["to"]["currency"]) == (250, "GBP")
    assert got["contactRef"] == {"id": "sup-0001", "dataType": "suppliers"}
    assert [r["id"] for r in got["trackingCategoryRefs"]] == ["trk-dept-inst"]
    # The next pull (incremental or not) serves it.
    changed = _pull(sandbox.reader(), DataType.TRANSFERS, pulled_at)
    assert [r["id"] for r in changed] == ["trf-w0001"]
    # The money moved: a balanced entry on the transfer's date, a line on each
    # statement, each account's balance; nothing else (no profit or loss).
    s = sandbox.served()
    assert_balanced_with_banks(s)
    (entry,) = _posting(s, "trf-w0001")
    assert entry["postedOn"] == YESTERDAY
    assert entry["recordRef"] == {"id": "trf-w0001", "dataType": "transfers"}
    assert {x["accountRef"]["id"]: x["netAmount"] for x in entry["journalLines"]} == {
        DEPOSIT: 250,
        BANK: -250,
    }
    lines = [x for x in s[DataType.BANK_TRANSACTIONS] if x["reference"] == "trf-w0001"]
    assert {(x["accountId"], x["amount"], x["transactionType"]) for x in lines} == {
        (BANK, -250, "Xfer"), (DEPOSIT, 250, "Xfer")
    }  # fmt: skip
    banks = s.by_id(DataType.BANK_ACCOUNTS)
    assert D(banks[DEPOSIT]["balance"]) == 250
    after, earlier = ledger_balances(s), ledger_balances(before)
    assert after[DEPOSIT] - earlier[DEPOSIT] == 250
    income, expenses = profit_and_loss_from_documents(s)
    by_type = sum_by_type(s)
    assert (income, expenses) == (-by_type["Income"], by_type["Expense"])
    # Back again, with no "to" amount (the same): the deposit account is empty again.
    back = transfer("250.00", DEPOSIT, BANK)
    del back["to"]["amount"]
    assert sandbox.write(DataType.TRANSFERS, back).record["id"] == "trf-w0002"
    s = sandbox.served()
    assert_balanced_with_banks(s)
    assert D(s.by_id(DataType.BANK_ACCOUNTS)[DEPOSIT]["balance"]) == 0
    clear_cache()  # replayed from the log alone: the same
    assert served(sandbox.reader().books()).records == s.records


def test_what_a_transfer_cannot_be(sandbox: Sandbox) -> None:
    sandbox.write(DataType.BANK_ACCOUNTS, {"accountName": "Deposit", "nominalCode": "1210"})
    sandbox.write(DataType.BANK_ACCOUNTS, {"accountName": "Euro", "nominalCode": "1220",
                                           "currency": "EUR"})  # fmt: skip
    sandbox.write(DataType.BANK_ACCOUNTS, {"accountName": "Euro 2", "nominalCode": "1230",
                                           "currency": "EUR"})  # fmt: skip
    locked = sandbox.reader().books().company
    assert locked.vat_locked_to is not None
    lock = f"{locked.date(locked.vat_locked_to).isoformat()}T00:00:00"
    cases = [
        ("must differ", transfer(target=BANK)),
        ("is not a bank account", transfer(target=OFFICE)),
        ("no account with id", transfer(target="acc-9999")),
        ("to.amount is 200.00 but from.amount is 250.00",
         {**transfer(), "to": {"accountRef": {"id": DEPOSIT}, "amount": "200.00"}}),
        ("more than 0", transfer("0")),
        ("more than 0", transfer("-5.00")),
        ("more than two decimal places", transfer("1.001")),
        ("lock date", transfer(date=lock)),
        ("converts no currency", transfer(target="acc-1220", currency=None)),
        ("keeps no exchange rates", transfer("5", "acc-1230", "acc-1220", "EUR")),
        ("from.currency is EUR",
         {**transfer(), "from": {"accountRef": {"id": BANK}, "amount": "5", "currency": "EUR"}}),
        ("from is required", {"date": YESTERDAY, "to": transfer()["to"]}),
        ("undeposited funds", transfer(depositedRecordRefs=["pay-00001"])),
        ("no supplier with id", transfer(contactRef={"id": "sup-nope", "dataType": "suppliers"})),
        ("no tracking category", transfer(trackingCategoryRefs=[{"id": "trk-nope"}])),
    ]  # fmt: skip
    for expected, record in cases:
        assert expected in rejected(sandbox, DataType.TRANSFERS, record), expected
    assert sandbox.reader().books().records(DataType.TRANSFERS) == []  # nothing written
    assert sandbox.write(DataType.TRANSFERS, transfer()).record["id"] == "trf-w0001"
