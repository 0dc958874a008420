"""The sandbox company's books balance and its records are Codat's: checked on what it
serves, at the end of the fixed history and after half a year more of trading (past the
start of a new financial year, so earlier profits have rolled into Retained Earnings)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from ledgerport.connectors.sandbox.books import AS_OF, DATA_TYPES, books
from ledgerport.domain.enums import DataType
from tests.conformance.codat_schema import errors
from tests.connectors.sandbox_checks import (
    D,
    Doc,
    Served,
    assert_books_balance,
    ledger_balances,
    profit_and_loss_from_documents,
    served,
    sum_by_type,
)

SCHEMAS = {
    DataType.COMPANY: "CompanyDataset",
    DataType.CHART_OF_ACCOUNTS: "Account",
    DataType.TAX_RATES: "TaxRate",
    DataType.TRACKING_CATEGORIES: "TrackingCategory",
    DataType.PAYMENT_METHODS: "PaymentMethod",
    DataType.JOURNALS: "Journal",
    DataType.ITEMS: "Item",
    DataType.CUSTOMERS: "Customer",
    DataType.SUPPLIERS: "Supplier",
    DataType.BANK_ACCOUNTS: "BankAccount",
    DataType.INVOICES: "Invoice",
    DataType.CREDIT_NOTES: "CreditNote",
    DataType.PAYMENTS: "Payment",
    DataType.BILLS: "Bill",
    DataType.BILL_CREDIT_NOTES: "BillCreditNote",
    DataType.BILL_PAYMENTS: "BillPayment",
    DataType.DIRECT_COSTS: "DirectCost",
    DataType.BANK_TRANSACTIONS: "BankTransactions/definitions/bankTransactionLine",
    DataType.JOURNAL_ENTRIES: "JournalEntry",
}
LATER = AS_OF + timedelta(days=200, hours=13)  # 2027-05-19: a new financial year


@pytest.fixture(scope="module", params=[AS_OF, LATER], ids=["history-end", "later"])
def company(request: pytest.FixtureRequest) -> Served:
    return served(books("seed-a", as_of=request.param))


def test_every_data_type_is_generated_and_is_codats(company: Served) -> None:
    assert set(SCHEMAS) == set(DATA_TYPES)
    rng = random.Random(0)
    for data_type, schema in SCHEMAS.items():
        docs = company[data_type]
        assert docs, data_type
        assert len({doc.get("id") for doc in docs}) == len(docs), data_type
        sample = docs if len(docs) <= 150 else docs[:50] + rng.sample(docs, 100)
        for doc in sample:
            assert errors(doc, schema, spec="accounting") == [], (data_type, doc.get("id"))
    assert len(company[DataType.COMPANY]) == 1
    assert company.company["baseCurrency"] == "GBP"


def test_the_books_balance(company: Served) -> None:
    assert_books_balance(company)
    by_type = sum_by_type(company)
    assert by_type["Income"] < 0 < by_type["Expense"]  # it trades...
    assert -by_type["Income"] > by_type["Expense"]  # ...at a profit
    assert company.accounts["acc-3200"]["currentBalance"] < 0  # earlier profit kept


def test_profit_and_loss_agrees_with_the_documents(company: Served) -> None:
    by_type = sum_by_type(company)
    income, expenses = profit_and_loss_from_documents(company)
    assert income == -by_type["Income"]
    assert expenses == by_type["Expense"]


def test_profit_of_earlier_years_is_in_retained_earnings() -> None:
    """At the end of the history the financial year started on 1 April 2026; six months
    later it started on 1 April 2027 and the 2026/27 profit moved into Retained
    Earnings: what left the income and expense accounts arrived there."""
    before, after = served(books("seed-a", as_of=AS_OF)), served(books("seed-a", as_of=LATER))
    assert before.company["financialYearStartDate"] == "2026-04-01T00:00:00"
    assert after.company["financialYearStartDate"] == "2027-04-01T00:00:00"
    retained = D(after.accounts["acc-3200"]["currentBalance"])
    all_time: dict[str, Decimal] = defaultdict(Decimal)
    for entry in after[DataType.JOURNAL_ENTRIES]:
        if entry["postedOn"] < "2027-04-01":
            for line in entry["journalLines"]:
                all_time[line["accountRef"]["id"]] += D(line["netAmount"])
    profit_and_loss = [a["id"] for a in after.accounts.values() if a["type"] in _PL]
    assert retained == all_time["acc-3200"] + sum(all_time[a] for a in profit_and_loss)
    assert ledger_balances(after)["acc-3200"] == retained


_PL = ("Income", "Expense")


def test_documents_add_up(company: Served) -> None:
    for data_type, total_tax in (
        (DataType.INVOICES, "totalTaxAmount"),
        (DataType.CREDIT_NOTES, "totalTaxAmount"),
        (DataType.BILLS, "taxAmount"),
        (DataType.BILL_CREDIT_NOTES, "totalTaxAmount"),
        (DataType.DIRECT_COSTS, "taxAmount"),
    ):
        for doc in company[data_type]:
            lines = doc["lineItems"]
            assert lines, doc["id"]
            for line in lines:
                sub, tax = D(line["subTotal"]), D(line["taxAmount"])
                assert D(line["unitAmount"]) * D(line["quantity"]) == sub
                assert sub + tax == D(line["totalAmount"])
                rate = D(line["taxRateRef"]["effectiveTaxRate"]) / 100
                assert tax == (sub * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert sum(D(x["subTotal"]) for x in lines) == D(doc["subTotal"])
            assert sum(D(x["taxAmount"]) for x in lines) == D(doc[total_tax])
            assert D(doc["subTotal"]) + D(doc[total_tax]) == D(doc["totalAmount"])


@pytest.mark.parametrize(
    ("data_type", "left", "unpaid"),
    [
        (DataType.INVOICES, "amountDue", "Submitted"),
        (DataType.BILLS, "amountDue", "Open"),
        (DataType.CREDIT_NOTES, "remainingCredit", "Submitted"),
        (DataType.BILL_CREDIT_NOTES, "remainingCredit", "Submitted"),
    ],
)
def test_what_is_left_follows_the_allocations(
    company: Served, data_type: DataType, left: str, unpaid: str
) -> None:
    statuses: Counter[str] = Counter()
    for doc in company[data_type]:
        total, remaining = D(doc["totalAmount"]), D(doc[left])
        allocated = sum(D(a["allocation"]["totalAmount"]) for a in doc["paymentAllocations"])
        status = doc["status"]
        statuses[status] += 1
        if status == "Void":
            assert remaining == 0
            assert allocated == 0
            continue
        assert remaining == total - allocated, doc["id"]
        expected = {0: unpaid, total: "Paid"}.get(allocated, "PartiallyPaid")
        assert status == ("Draft" if status == "Draft" else expected), doc["id"]
        if status == "Draft":
            assert allocated == 0
    if data_type in (DataType.INVOICES, DataType.BILLS):
        assert set(statuses) == {"Draft", unpaid, "PartiallyPaid", "Paid", "Void"}
        # Most of what is old enough has been paid; some is still owed.
        assert statuses["Paid"] > 0.7 * sum(statuses.values())


@pytest.mark.parametrize(
    ("payments", "documents", "credits", "party"),
    [
        (DataType.PAYMENTS, DataType.INVOICES, DataType.CREDIT_NOTES, "customerRef"),
        (DataType.BILL_PAYMENTS, DataType.BILLS, DataType.BILL_CREDIT_NOTES, "supplierRef"),
    ],
)
def test_payments_agree_with_what_they_paid(
    company: Served, payments: DataType, documents: DataType, credits: DataType, party: str
) -> None:
    link_type = "Invoice" if documents is DataType.INVOICES else "Bill"
    docs, credit_docs = company.by_id(documents), company.by_id(credits)
    paid: dict[str, dict[str, Decimal]] = defaultdict(dict)
    credited: dict[str, dict[str, Decimal]] = defaultdict(dict)
    applied_credit = 0
    for payment in company[payments]:
        lines = payment["lines"]
        assert sum(D(line["amount"]) for line in lines) == D(payment["totalAmount"])
        for line in lines:
            # Codat's rule: a line's amount and its links' amounts add up to zero.
            assert D(line["amount"]) + sum(D(k["amount"]) for k in line["links"]) == 0
            for link in line["links"]:
                if link["type"] == link_type:
                    assert docs[link["id"]][party]["id"] == payment[party]["id"]
                    paid[link["id"]][payment["id"]] = -D(link["amount"])
                else:
                    assert link["type"] == "CreditNote"
                    credited[link["id"]][payment["id"]] = D(link["amount"])
                    applied_credit += 1
        if D(payment["totalAmount"]):
            assert payment["accountRef"]["id"] == "acc-1200"
    assert applied_credit > 0  # some credit notes were applied to documents
    for doc_id, doc in docs.items():
        allocations = {
            a["payment"]["id"]: D(a["allocation"]["totalAmount"]) for a in doc["paymentAllocations"]
        }
        assert allocations == paid.get(doc_id, {}), doc_id
    for credit_id, credit in credit_docs.items():
        allocations = {
            a["payment"]["id"]: D(a["allocation"]["totalAmount"])
            for a in credit["paymentAllocations"]
        }
        assert allocations == credited.get(credit_id, {}), credit_id


def test_every_document_has_its_journal_entry(company: Served) -> None:
    entries: dict[tuple[str, str], list[Doc]] = defaultdict(list)
    for entry in company[DataType.JOURNAL_ENTRIES]:
        ref = entry.get("recordRef")
        if ref:
            entries[(ref["dataType"], ref["id"])].append(entry)
            assert any(d["id"] == ref["id"] for d in company[DataType(ref["dataType"])])
    for data_type in (
        DataType.INVOICES,
        DataType.CREDIT_NOTES,
        DataType.BILLS,
        DataType.BILL_CREDIT_NOTES,
    ):
        for doc in company[data_type]:
            posted = entries.get((data_type.value, doc["id"]), [])
            expected = {"Draft": 0, "Void": 2}.get(doc["status"], 1)  # a void is reversed
            assert len(posted) == expected, doc["id"]
            if posted:
                debits = sum(
                    D(x["netAmount"]) for x in posted[0]["journalLines"] if x["netAmount"] > 0
                )
                assert debits == D(doc["totalAmount"]), doc["id"]
    for data_type in (DataType.PAYMENTS, DataType.BILL_PAYMENTS, DataType.DIRECT_COSTS):
        for doc in company[data_type]:
            posted = entries.get((data_type.value, doc["id"]), [])
            # A credit note applied to an invoice moves no money: nothing to post.
            assert len(posted) == (1 if D(doc["totalAmount"]) else 0), doc["id"]
    # Bank lines no document explains (fees, VAT, dividends) have their own entries.
    documented = {p["id"] for t in (DataType.PAYMENTS, DataType.BILL_PAYMENTS) for p in company[t]}
    documented |= {d["reference"] for d in company[DataType.DIRECT_COSTS]}
    for line in company[DataType.BANK_TRANSACTIONS]:
        if line["reference"] not in documented:
            assert len(entries[("bankTransactions", line["id"])]) == 1, line["id"]
    kinds = Counter(t["transactionType"] for t in company[DataType.BANK_TRANSACTIONS])
    assert {"Credit", "Debit", "DirectDebit", "Pos", "Fee"} <= set(kinds)


def test_references_point_at_records(company: Served) -> None:
    ids = {data_type: set(company.by_id(data_type)) for data_type in DATA_TYPES[1:]}
    for doc in company[DataType.INVOICES] + company[DataType.CREDIT_NOTES]:
        assert doc["customerRef"]["id"] in ids[DataType.CUSTOMERS]
    for doc in company[DataType.BILLS] + company[DataType.BILL_CREDIT_NOTES]:
        assert doc["supplierRef"]["id"] in ids[DataType.SUPPLIERS]
    for data_type in (DataType.INVOICES, DataType.BILLS, DataType.DIRECT_COSTS):
        for doc in company[data_type]:
            for line in doc["lineItems"]:
                assert line["accountRef"]["id"] in ids[DataType.CHART_OF_ACCOUNTS]
                assert line["taxRateRef"]["id"] in ids[DataType.TAX_RATES]
                if "itemRef" in line:
                    assert line["itemRef"]["id"] in ids[DataType.ITEMS]
                for ref in line.get("tracking", {}).get("categoryRefs", []):
                    assert ref["id"] in ids[DataType.TRACKING_CATEGORIES]
    for entry in company[DataType.JOURNAL_ENTRIES]:
        assert entry["journalRef"]["id"] in ids[DataType.JOURNALS]
        for line in entry["journalLines"]:
            assert line["accountRef"]["id"] in ids[DataType.CHART_OF_ACCOUNTS]
    for data_type in (DataType.PAYMENTS, DataType.BILL_PAYMENTS):
        for payment in company[data_type]:
            if "paymentMethodRef" in payment:
                assert payment["paymentMethodRef"]["id"] in ids[DataType.PAYMENT_METHODS]


def test_the_same_seed_gives_the_same_business() -> None:
    a, b = books("seed-a"), books("seed-b")
    assert a.records(DataType.INVOICES)[:20] == books("seed-a").records(DataType.INVOICES)[:20]
    assert a.records(DataType.INVOICES)[:20] != b.records(DataType.INVOICES)[:20]
    counts = {t: len(a.rows(t)) for t in (DataType.CUSTOMERS, DataType.SUPPLIERS)}
    assert counts == {DataType.CUSTOMERS: 50, DataType.SUPPLIERS: 80}
    assert len(a.rows(DataType.INVOICES)) == 1500
    assert len(a.rows(DataType.BILLS)) == 1200
    assert len(a.rows(DataType.DIRECT_COSTS)) == 360
    # Two years of history end on the books' date.
    issued = sorted(i["issueDate"] for i in a.records(DataType.INVOICES))
    assert "2024-10-31" <= issued[0] < "2024-11-10"
    assert "2026-10-20" < issued[-1] < "2026-10-31"
