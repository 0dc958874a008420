"""Statement checks: our statements pass; a tampered one is caught line by line."""

from __future__ import annotations

import copy
from typing import Any

from ledgerport.domain.quality import reports as checks
from ledgerport.domain.reports import (
    Ledger,
    ReportRequest,
    StatementOptions,
    balance_sheet,
    cash_flow_statement,
    profit_and_loss,
)
from tests.factories import ledger as f

REQUEST = ReportRequest(1, 4)


def _ledger(extra: list[dict[str, Any]] | None = None) -> Ledger:
    return Ledger.from_documents(f.chart(), [*f.trading_year(), *(extra or [])])


def test_statements_of_a_balanced_ledger_pass() -> None:
    assert list(checks.check_statements(_ledger(), StatementOptions("GBP"))) == []
    assert (
        list(checks.check_statements(Ledger.from_documents(f.chart(), []), StatementOptions()))
        == []
    )


def test_a_tampered_balance_sheet() -> None:
    sheet = balance_sheet(_ledger(), REQUEST)
    bad = copy.deepcopy(sheet)
    bad["reports"][0]["assets"]["items"][0]["items"][0]["value"] += 1
    findings = list(checks.check_balance_sheet(bad))
    assert [x.rule for x in findings] == [checks.BALANCE_SHEET_LINES]
    assert findings[0].item_id == "2024-02-29T00:00:00"
    assert "Line 'Assets > Current' is" in findings[0].message
    bad = copy.deepcopy(sheet)
    bad["reports"][1]["netAssets"] += 10
    assert [x.rule for x in checks.check_balance_sheet(bad)] == [checks.BALANCE_SHEET_BALANCES]


def test_a_ledger_that_does_not_balance_gives_a_balance_sheet_that_does_not() -> None:
    ledger = _ledger([f.entry("je-bad", "2024-01-20", [(f.BANK, 50), (f.SALES, -45)])])
    findings = list(checks.check_statements(ledger, StatementOptions()))
    assert {x.rule for x in findings} == {checks.BALANCE_SHEET_BALANCES}
    assert "does not balance" in findings[0].message


def test_a_tampered_profit_and_loss() -> None:
    report = profit_and_loss(_ledger(), REQUEST)
    bad = copy.deepcopy(report)
    bad["reports"][1]["grossProfit"] = 0
    findings = list(checks.check_profit_and_loss(bad))
    assert [x.rule for x in findings] == [checks.PROFIT_AND_LOSS_TOTALS]
    assert findings[0].item_id == "2024-01-01T00:00:00/2024-01-31T00:00:00"
    bad = copy.deepcopy(report)
    bad["reports"][1]["expenses"]["value"] = 1
    rules = [x.rule for x in checks.check_profit_and_loss(bad)]
    assert checks.PROFIT_AND_LOSS_LINES in rules
    assert checks.PROFIT_AND_LOSS_TOTALS in rules  # the subtotals no longer follow either


def test_a_tampered_cash_flow_statement() -> None:
    report = cash_flow_statement(_ledger(), REQUEST)
    assert list(checks.check_cash_flow_statement(report)) == []
    report["reports"][1]["cashReceipts"]["value"] = 0
    assert [x.rule for x in checks.check_cash_flow_statement(report)] == [checks.CASH_FLOW_LINES]
