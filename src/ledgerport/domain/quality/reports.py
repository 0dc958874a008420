"""Checks that a financial statement adds up: every ReportLine is the sum of its items,
the profit and loss subtotals follow from the sections, and a balance sheet's net
assets equal its equity. Any statement can be checked, ours or a platform's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ledgerport.domain.quality.findings import Finding, Rule, Severity
from ledgerport.domain.reports.amounts import ZERO, agree, money, to_decimal
from ledgerport.domain.reports.ledger import Ledger
from ledgerport.domain.reports.periods import ReportRequest
from ledgerport.domain.reports.statements import (
    StatementOptions,
    balance_sheet,
    cash_flow_statement,
    profit_and_loss,
)

BALANCE_SHEET_LINES = Rule(
    "accounting-balancesheet-001",
    "BalanceSheetValidator",
    Severity.ERROR,
    "Every line of the balance sheet is the sum of its items.",
)
BALANCE_SHEET_BALANCES = Rule(
    "accounting-balancesheet-002",
    "BalanceSheetValidator",
    Severity.ERROR,
    "netAssets is assets less liabilities, and equals equity.",
)
PROFIT_AND_LOSS_LINES = Rule(
    "accounting-profitandloss-001",
    "ProfitAndLossValidator",
    Severity.ERROR,
    "Every line of the profit and loss is the sum of its items.",
)
PROFIT_AND_LOSS_TOTALS = Rule(
    "accounting-profitandloss-002",
    "ProfitAndLossValidator",
    Severity.ERROR,
    "grossProfit, netOperatingProfit, netOtherIncome and netProfit follow from the sections.",
)
CASH_FLOW_LINES = Rule(
    "accounting-cashflowstatement-001",
    "CashFlowStatementValidator",
    Severity.ERROR,
    "Every line of the cash flow statement is the sum of its items.",
)


def _value(node: Any) -> Decimal:
    if isinstance(node, Mapping):
        node = node.get("value")
    return to_decimal(node) or ZERO


def _lines(line: Any, path: str, rule: Rule, item: str) -> Iterator[Finding]:
    if not isinstance(line, Mapping):
        return
    items = [i for i in line.get("items") or () if isinstance(i, Mapping)]
    name = str(line.get("name") or line.get("accountId") or "?")
    here = f"{path} > {name}" if path else name
    if items:
        summed = sum((_value(i) for i in items), ZERO)
        if not agree(summed, _value(line)):
            yield rule.finding(
                item,
                f"Line '{here}' is {money(_value(line))} but its items sum to {money(summed)}.",
            )
        for child in items:
            yield from _lines(child, here, rule, item)


def check_balance_sheet(doc: Mapping[str, Any]) -> Iterator[Finding]:
    for report in doc.get("reports") or ():
        item = str(report.get("date"))
        for key in ("assets", "liabilities", "equity"):
            yield from _lines(report.get(key), "", BALANCE_SHEET_LINES, item)
        assets, liabilities = _value(report.get("assets")), _value(report.get("liabilities"))
        equity, net = _value(report.get("equity")), _value(report.get("netAssets"))
        if not agree(net, assets - liabilities):
            yield BALANCE_SHEET_BALANCES.finding(
                item,
                f"netAssets ({money(net)}) should be assets ({money(assets)}) less "
                f"liabilities ({money(liabilities)}).",
            )
        elif not agree(net, equity):
            yield BALANCE_SHEET_BALANCES.finding(
                item,
                f"The balance sheet does not balance: net assets {money(net)}, equity "
                f"{money(equity)} (a difference of {money(net - equity)}; postings to "
                "accounts without a type, or an unbalanced ledger, cause this).",
            )


def check_profit_and_loss(doc: Mapping[str, Any]) -> Iterator[Finding]:
    for report in doc.get("reports") or ():
        item = f"{report.get('fromDate')}/{report.get('toDate')}"
        sections = ("income", "costOfSales", "expenses", "otherIncome", "otherExpenses")
        for key in sections:
            yield from _lines(report.get(key), "", PROFIT_AND_LOSS_LINES, item)
        v = {key: _value(report.get(key)) for key in sections}
        gross = v["income"] - v["costOfSales"]
        operating = gross - v["expenses"]
        other = v["otherIncome"] - v["otherExpenses"]
        for key, expected in (
            ("grossProfit", gross),
            ("netOperatingProfit", operating),
            ("netOtherIncome", other),
            ("netProfit", operating + other),
        ):
            stated = _value(report.get(key))
            if not agree(stated, expected):
                yield PROFIT_AND_LOSS_TOTALS.finding(
                    item, f"{key} is {money(stated)} but its sections give {money(expected)}."
                )


def check_cash_flow_statement(doc: Mapping[str, Any]) -> Iterator[Finding]:
    for report in doc.get("reports") or ():
        item = f"{report.get('fromDate')}/{report.get('toDate')}"
        for key in ("cashReceipts", "cashPayments"):
            yield from _lines(report.get(key), "", CASH_FLOW_LINES, item)


STATEMENT_MONTHS = 24  # Codat's default history for the statements


def check_statements(ledger: Ledger, options: StatementOptions) -> Iterator[Finding]:
    """Draw the three statements from the ledger, month by month over its last two
    years, and check each adds up: the balance sheet balances only if the ledger does
    and every posting lands on a typed account."""
    months = ledger.months
    if not months:
        return
    request = ReportRequest(1, min(STATEMENT_MONTHS, months[-1] - months[0] + 1))
    yield from check_balance_sheet(balance_sheet(ledger, request, options))
    yield from check_profit_and_loss(profit_and_loss(ledger, request, options))
    yield from check_cash_flow_statement(cash_flow_statement(ledger, request, options))
