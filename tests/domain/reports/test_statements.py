"""The statements drawn from a ledger: a worked example checked by hand, the rules
that make them add up on any balanced ledger, period planning, and Codat's shapes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledgerport.domain.reports import (
    Ledger,
    ReportRequest,
    ReportRequestError,
    Section,
    StatementOptions,
    balance_sheet,
    cash_flow_statement,
    classify,
    parse_start_month,
    profit_and_loss,
)
from ledgerport.domain.reports.amounts import month_from_date
from tests.conformance.codat_schema import errors
from tests.factories import ledger as f

JAN_2024 = parse_start_month("2024-01")


def _ledger(entries: list[dict[str, Any]] | None = None) -> Ledger:
    return Ledger.from_documents(f.chart(), f.trading_year() if entries is None else entries)


def _leaves(line: dict[str, Any]) -> dict[str, float]:
    """Leaf name -> value, flattening the groups."""
    if not line["items"]:
        return {line["name"]: line["value"]}
    found: dict[str, float] = {}
    for item in line["items"]:
        found.update(_leaves(item))
    return found


def assert_adds_up(line: dict[str, Any]) -> None:
    if line["items"]:
        assert sum(Decimal(str(i["value"])) for i in line["items"]) == pytest.approx(
            Decimal(str(line["value"])), abs=Decimal("0.001")
        ), line["name"]
        for item in line["items"]:
            assert_adds_up(item)


def test_balance_sheet_of_the_worked_example() -> None:
    sheet = balance_sheet(_ledger(), ReportRequest(1, 2, JAN_2024), StatementOptions("GBP"))
    january, december = sheet["reports"]
    assert january["date"] == "2024-01-31T00:00:00"
    assert december["date"] == "2023-12-31T00:00:00"
    assert january["assets"]["value"] == 12605
    assert _leaves(january["assets"]) == {
        "Accounts Receivable": 0,
        "Business Current Account": 9605,
        "Savings Account": 1000,
        "Office Equipment": 2000,
    }
    assert january["liabilities"]["value"] == 2500
    assert _leaves(january["equity"]) == {
        "Share Capital": 10000,
        "Retained Earnings": 500,  # 2023's profit, closed to the account
        "Current Year Earnings": -395,
    }
    assert january["netAssets"] == january["equity"]["value"] == 10105
    # December: the year's profit so far is current, nothing is retained yet.
    assert _leaves(december["equity"])["Current Year Earnings"] == 500
    assert _leaves(december["equity"])["Retained Earnings"] == 0
    assert december["netAssets"] == december["equity"]["value"] == 10500
    assert sheet["currency"] == "GBP"
    assert sheet["mostRecentAvailableMonth"] == "2024-02-29T00:00:00"
    assert sheet["earliestAvailableMonth"] == "2023-11-01T00:00:00"
    # Groups follow the platform's categories: the bank accounts sit under Current > Bank.
    current = next(i for i in january["assets"]["items"] if i["name"] == "Current")
    bank = next(i for i in current["items"] if i["name"] == "Bank")
    assert [i["accountId"] for i in bank["items"]] == ["1200", "1210"]
    assert errors(sheet, "BalanceSheet", spec="accounting") == []


def test_the_financial_year_decides_what_is_retained() -> None:
    april = StatementOptions("GBP", financial_year_start=4)
    (january,) = balance_sheet(_ledger(), ReportRequest(1, 1, JAN_2024), april)["reports"]
    # The year began in April 2023: all the profit so far (500 - 395) is current.
    assert _leaves(january["equity"])["Current Year Earnings"] == 105
    assert "Retained Earnings" not in _leaves(january["equity"])  # nil in every period
    assert january["netAssets"] == january["equity"]["value"]


def test_a_chart_without_earnings_accounts_gets_lines_of_its_own() -> None:
    chart = [a for a in f.chart() if a["id"] != f.RETAINED]
    ledger = Ledger.from_documents(chart, f.trading_year())
    (january,) = balance_sheet(ledger, ReportRequest(1, 1, JAN_2024))["reports"]
    equity = {i["name"]: i for i in january["equity"]["items"]}
    assert equity["Retained Earnings"]["accountId"] == ""
    assert equity["Retained Earnings"]["value"] == 500
    assert january["netAssets"] == january["equity"]["value"] == 10105


def test_profit_and_loss_of_the_worked_example() -> None:
    report = profit_and_loss(_ledger(), ReportRequest(1, 2, JAN_2024), StatementOptions("GBP"))
    january, december = report["reports"]
    assert (january["fromDate"], january["toDate"]) == (
        "2024-01-01T00:00:00",
        "2024-01-31T00:00:00",
    )
    assert january["income"]["value"] == 0
    assert january["costOfSales"]["value"] == 300
    assert january["grossProfit"] == -300
    assert _leaves(january["expenses"]) == {"Rent": 0, "Advertising": 100}
    assert january["netOperatingProfit"] == -400
    assert _leaves(january["otherIncome"]) == {"Interest Income": 10}
    assert _leaves(january["otherExpenses"]) == {"Bank Interest Paid": 5}
    assert january["netOtherIncome"] == 5
    assert january["netProfit"] == -395
    assert december["income"]["value"] == 1000
    assert december["expenses"]["value"] == 500
    assert december["netProfit"] == 500
    assert report["reportBasis"] == "Accrual"
    assert report["mostRecentAvailableMonth"] == "2024-02-01T00:00:00"
    assert errors(report, "ProfitAndLossReport", spec="accounting") == []


def test_cash_flow_is_direct_from_the_bank_lines() -> None:
    report = cash_flow_statement(_ledger(), ReportRequest(1, 2, JAN_2024))
    january, december = report["reports"]
    assert _leaves(january["cashReceipts"]) == {"Accounts Receivable": 1200, "Interest Income": 10}
    # The transfer to savings is bank to bank: neither a receipt nor a payment.
    assert _leaves(january["cashPayments"]) == {
        "Rent": 0,
        "Advertising": 100,
        "Bank Interest Paid": 5,
    }
    assert december["cashPayments"]["value"] == 500
    assert (report["reportBasis"], report["reportInput"]) == ("Cash", "Direct")
    assert errors(report, "CashFlowStatement", spec="accounting") == []


def test_periods_run_back_from_the_start_month() -> None:
    request = ReportRequest(3, 2, parse_start_month("2024-02-01T00:00:00"))
    report = profit_and_loss(_ledger(), request)
    spans = [(r["fromDate"][:10], r["toDate"][:10]) for r in report["reports"]]
    assert spans == [("2023-12-01", "2024-02-29"), ("2023-09-01", "2023-11-30")]
    # Dec-Feb: sales 1500, rent 500, purchases 300, advertising 100, interest 10 - 5.
    assert report["reports"][0]["netProfit"] == 1500 - 500 - 300 - 100 + 10 - 5
    sheet = balance_sheet(_ledger(), request)
    assert [r["date"] for r in sheet["reports"]] == ["2024-02-29T00:00:00", "2023-11-30T00:00:00"]


def test_the_default_start_is_the_latest_month_with_entries() -> None:
    report = profit_and_loss(_ledger(), ReportRequest(1, 1))
    assert report["reports"][0]["fromDate"] == "2024-02-01T00:00:00"


def test_an_empty_ledger_reports_zeros_from_the_current_month() -> None:
    today = month_from_date(date(2025, 5, 17))
    options = StatementOptions("GBP", current_month=today)
    sheet = balance_sheet(_ledger([]), ReportRequest(1, 1), options)
    assert sheet["reports"][0]["date"] == "2025-05-31T00:00:00"
    assert sheet["reports"][0]["netAssets"] == 0
    assert sheet["mostRecentAvailableMonth"] is None
    assert errors(sheet, "BalanceSheet", spec="accounting") == []
    report = profit_and_loss(_ledger([]), ReportRequest(1, 1), options)
    assert "mostRecentAvailableMonth" not in report
    assert errors(report, "ProfitAndLossReport", spec="accounting") == []
    with pytest.raises(ValueError, match="current_month"):
        profit_and_loss(_ledger([]), ReportRequest(1, 1))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_balanced_ledger_gives_statements_that_add_up(seed: int) -> None:
    entries = f.random_ledger(400, seed=seed)
    ledger = _ledger(entries)
    request = ReportRequest(2, 12)
    sheet = balance_sheet(ledger, request, StatementOptions(financial_year_start=seed + 3))
    for report in sheet["reports"]:
        for key in ("assets", "liabilities", "equity"):
            assert_adds_up(report[key])
        assert report["netAssets"] == pytest.approx(
            report["assets"]["value"] - report["liabilities"]["value"], abs=0.001
        )
        assert report["netAssets"] == pytest.approx(report["equity"]["value"], abs=0.001)
    pl = profit_and_loss(ledger, request)
    for report in pl["reports"]:
        for key in ("income", "costOfSales", "expenses", "otherIncome", "otherExpenses"):
            assert_adds_up(report[key])
        assert report["netProfit"] == pytest.approx(
            report["income"]["value"]
            - report["costOfSales"]["value"]
            - report["expenses"]["value"]
            + report["otherIncome"]["value"]
            - report["otherExpenses"]["value"],
            abs=0.001,
        )
    # Cash in less cash out is the change in the bank balances over each period.
    cash = cash_flow_statement(ledger, request)
    banks = {f.BANK, f.SAVINGS}
    for report, period in zip(cash["reports"], request.periods(ledger.months[-1]), strict=True):
        assert_adds_up(report["cashReceipts"])
        assert_adds_up(report["cashPayments"])
        moved = sum(ledger.total(b, period.first, period.last) for b in banks)
        net = report["cashReceipts"]["value"] - report["cashPayments"]["value"]
        assert net == pytest.approx(float(moved), abs=0.001)


def test_unbalanced_and_unplaceable_entries() -> None:
    entries = [
        *f.trading_year(),
        f.entry("je-bad", "2024-01-20", [(f.BANK, 50), (f.SALES, -45)]),  # 5 short
        f.entry("je-nodate", None, [(f.BANK, 1), (f.SALES, -1)]),
        f.entry(
            "je-gone", "2024-01-20", [(f.BANK, 7), (f.SALES, -7)], metadata={"isDeleted": True}
        ),
    ]
    ledger = _ledger(entries)
    assert ledger.undated_entries == 1
    assert ledger.entries == 13
    report = cash_flow_statement(ledger, ReportRequest(1, 1, JAN_2024))["reports"][0]
    receipts = _leaves(report["cashReceipts"])
    # The 5 the entry does not explain is kept apart, so the section still adds up.
    assert receipts["Unbalanced journal entries"] == 5
    assert receipts["Sales"] == 45
    (january,) = balance_sheet(ledger, ReportRequest(1, 1, JAN_2024))["reports"]
    assert january["netAssets"] - january["equity"]["value"] == pytest.approx(5)


def test_accounts_without_a_type_are_left_out() -> None:
    chart = [*f.chart(), f.account("9999", "Suspense", "Unknown", None)]
    entries = [*f.trading_year(), f.entry("je-s", "2024-01-02", [(f.BANK, 20), ("9999", -20)])]
    (january,) = balance_sheet(
        Ledger.from_documents(chart, entries), ReportRequest(1, 1, JAN_2024)
    )["reports"]
    names = set(_leaves(january["equity"])) | set(_leaves(january["liabilities"]))
    assert "Suspense" not in names
    assert january["netAssets"] - january["equity"]["value"] == pytest.approx(20)


@pytest.mark.parametrize(
    ("kind", "category", "section"),
    [
        ("Asset", "Asset.Current", Section.ASSETS),
        ("Liability", None, Section.LIABILITIES),
        ("Equity", "Equity.Owners", Section.EQUITY),
        ("Income", "Income.Revenue", Section.INCOME),
        ("Income", "Income.Other", Section.OTHER_INCOME),
        ("Income", "Income.ExceptionalIncome.InterestIncome", Section.OTHER_INCOME),
        ("Expense", "Expense.CostOfSales", Section.COST_OF_SALES),
        ("Expense", "Expense.NetIncome.CostOfGoods", Section.COST_OF_SALES),
        ("Expense", "Expense.Cost of Goods Sold", Section.COST_OF_SALES),
        ("Expense", "Expense.NetIncome.OtherCosts", Section.EXPENSES),
        ("Expense", "Expense.Other", Section.OTHER_EXPENSES),
        ("Expense", "Expense.ExceptionalIncome.IncomeTaxes", Section.OTHER_EXPENSES),
        ("Unknown", None, None),
    ],
)
def test_classification(kind: str, category: str | None, section: Section | None) -> None:
    assert classify({"type": kind, "fullyQualifiedCategory": category}) is section


def test_request_limits_and_start_months() -> None:
    with pytest.raises(ReportRequestError, match="periodLength"):
        ReportRequest(0, 1)
    with pytest.raises(ReportRequestError, match="periodLength"):
        ReportRequest(13, 1)
    with pytest.raises(ReportRequestError, match="periodsToCompare"):
        ReportRequest(1, 0)
    expected = parse_start_month("2023-02")
    for text in (
        "2023-02-01",
        "2023-02-28T00:00:00",
        "2023-02-01T00:00:00.000Z",
        "2023-02-10T12:00:00+01:00",
    ):
        assert parse_start_month(text) == expected
    with pytest.raises(ReportRequestError, match="startMonth"):
        parse_start_month("February")


def test_groups_that_restate_the_type_add_no_level() -> None:
    chart = [
        f.account("1", "Current Account", "Asset", "Asset.Assets.Bank", bank=True),
        f.account("2", "Overdraft", "Liability", "Liability.Liabilities"),
        f.account("3", "Capital", "Equity", "Equity"),
    ]
    entries = [f.entry("e", "2024-01-01", [("1", 10), ("2", -4), ("3", -6)])]
    (report,) = balance_sheet(Ledger.from_documents(chart, entries), ReportRequest(1, 1))["reports"]
    assert [i["name"] for i in report["assets"]["items"]] == ["Bank"]
    assert [i["name"] for i in report["assets"]["items"][0]["items"]] == ["Current Account"]
    assert [i["name"] for i in report["liabilities"]["items"]] == ["Overdraft"]
    assert {i["name"] for i in report["equity"]["items"]} == {"Capital", "Current Year Earnings"}
