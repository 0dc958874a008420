"""What an accountant would check in a sandbox company, done on the records it serves
(Codat JSON), not on the generator's internals: the journal balances, the chart of
accounts and the bank agree with it, documents add up, payments agree with the
allocations on what they paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.connectors.sandbox.books import DATA_TYPES, Books
from ledgerport.domain.enums import DataType

Doc = dict[str, Any]


def D(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass
class Served:
    """Every record of every type a company's books serve."""

    records: dict[DataType, list[Doc]]

    def __getitem__(self, data_type: DataType) -> list[Doc]:
        return self.records[data_type]

    def by_id(self, data_type: DataType) -> dict[str, Doc]:
        return {doc["id"]: doc for doc in self.records[data_type]}

    @property
    def company(self) -> Doc:
        return self.records[DataType.COMPANY][0]

    @property
    def accounts(self) -> dict[str, Doc]:
        return self.by_id(DataType.CHART_OF_ACCOUNTS)


def served(books: Books) -> Served:
    return Served({data_type: books.records(data_type) for data_type in DATA_TYPES})


def ledger_balances(s: Served) -> dict[str, Decimal]:
    """Each account's balance computed from the journal entries alone, presented as a
    trial balance: income and expenses for the current financial year, earlier years'
    profit in Retained Earnings."""
    year_start = s.company["financialYearStartDate"]
    accounts = s.accounts
    retained = next(a["id"] for a in accounts.values() if a["name"] == "Retained Earnings")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in s[DataType.JOURNAL_ENTRIES]:
        current = entry["postedOn"] >= year_start
        for line in entry["journalLines"]:
            account = accounts[line["accountRef"]["id"]]
            profit_and_loss = account["type"] in ("Income", "Expense")
            target = retained if profit_and_loss and not current else account["id"]
            totals[target] += D(line["netAmount"])
    return {account_id: totals[account_id] for account_id in accounts}


def sum_by_type(s: Served) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for account in s.accounts.values():
        totals[account["type"]] += D(account["currentBalance"])
    return totals


def assert_books_balance(s: Served) -> None:
    """The checks every moment's books must pass."""
    # Every journal entry balances, so the whole journal does.
    for entry in s[DataType.JOURNAL_ENTRIES]:
        assert sum(D(line["netAmount"]) for line in entry["journalLines"]) == 0, entry["id"]
    # The chart of accounts carries the journal's balances, and so sums to zero.
    ledger = ledger_balances(s)
    assert {k: D(a["currentBalance"]) for k, a in s.accounts.items()} == ledger
    assert sum(ledger.values()) == 0
    # Assets = liabilities + equity + this year's earnings (debits positive).
    by_type = sum_by_type(s)
    earnings = -(by_type["Income"] + by_type["Expense"])
    assert by_type["Asset"] == -by_type["Liability"] - by_type["Equity"] + earnings
    # The bank account is the ledger's bank account, and the statement agrees with both.
    (bank,) = s[DataType.BANK_ACCOUNTS]
    assert D(bank["balance"]) == ledger[bank["id"]]
    lines = s[DataType.BANK_TRANSACTIONS]
    opening = next(
        D(line["netAmount"])
        for entry in s[DataType.JOURNAL_ENTRIES]
        if entry["description"] == "Opening balances"
        for line in entry["journalLines"]
        if line["accountRef"]["id"] == bank["id"]
    )
    running = opening
    for line in lines:
        running += D(line["amount"])
        assert D(line["balance"]) == running, line["id"]
        assert line["accountId"] == bank["id"]
    assert running == D(bank["balance"])
    # The debtors and creditors control accounts are what documents say is owed.
    owed_to_us = sum(
        D(i["amountDue"]) for i in s[DataType.INVOICES] if i["status"] not in ("Draft", "Void")
    ) - sum(D(n["remainingCredit"]) for n in s[DataType.CREDIT_NOTES] if n["status"] != "Void")
    owed_by_us = sum(
        D(b["amountDue"]) for b in s[DataType.BILLS] if b["status"] not in ("Draft", "Void")
    ) - sum(D(n["remainingCredit"]) for n in s[DataType.BILL_CREDIT_NOTES] if n["status"] != "Void")
    assert ledger["acc-1100"] == owed_to_us
    assert ledger["acc-2100"] == -owed_by_us


def profit_and_loss_from_documents(s: Served) -> tuple[Decimal, Decimal]:
    """This financial year's income and expenses computed from documents and bank
    lines (not from the ledger), with the one non-cash cost, depreciation, from its
    journals."""
    year_start = s.company["financialYearStartDate"]

    def this_year(docs: list[Doc], date_key: str = "issueDate") -> list[Doc]:
        return [d for d in docs if d[date_key] >= year_start and d["status"] not in _UNPOSTED]

    income = sum(D(i["subTotal"]) for i in this_year(s[DataType.INVOICES])) - sum(
        D(n["subTotal"]) for n in this_year(s[DataType.CREDIT_NOTES])
    )
    expenses = (
        sum(D(b["subTotal"]) for b in this_year(s[DataType.BILLS]))
        - sum(D(n["subTotal"]) for n in this_year(s[DataType.BILL_CREDIT_NOTES]))
        + sum(D(d["subTotal"]) for d in s[DataType.DIRECT_COSTS] if d["issueDate"] >= year_start)
        - sum(
            D(t["amount"])
            for t in s[DataType.BANK_TRANSACTIONS]
            if t["transactionType"] == "Fee" and t["clearedOnDate"] >= year_start
        )
        + sum(
            D(line["netAmount"])
            for entry in s[DataType.JOURNAL_ENTRIES]
            if entry["description"] == "Monthly depreciation" and entry["postedOn"] >= year_start
            for line in entry["journalLines"]
            if line["netAmount"] > 0
        )
    )
    return Decimal(income), Decimal(expenses)


_UNPOSTED = ("Draft", "Void")
