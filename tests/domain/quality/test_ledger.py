"""Ledger checks: entries balance, the trial balance sums to zero, postings land on
known typed accounts, control accounts agree with the open documents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgerport.domain.quality import ledger as checks
from ledgerport.domain.reports import Ledger
from tests.factories import ledger as f


def _trial(entries: list[dict[str, Any]]) -> list[str]:
    trial = checks.TrialBalance()
    for entry in entries:
        trial.add(entry)
    return [x.message for x in trial.findings()]


def test_a_balanced_ledger_passes() -> None:
    entries = f.trading_year()
    assert [x for e in entries for x in checks.check_journal_entry(e)] == []
    assert _trial(entries) == []
    assert list(checks.check_accounts(Ledger.from_documents(f.chart(), entries))) == []


def test_an_unbalanced_entry_and_the_trial_balance() -> None:
    bad = f.entry("je-bad", "2024-01-20", [(f.BANK, 50), (f.SALES, -45.5)])
    findings = list(checks.check_journal_entry(bad))
    assert [(x.rule, x.item_id) for x in findings] == [(checks.ENTRY_BALANCES, "je-bad")]
    assert "sum to 4.50" in findings[0].message
    (message,) = _trial([*f.trading_year(), bad])
    assert "debits exceed credits by 4.50 across 13 journal entries (1 unbalanced)" in message
    # A deleted entry does not count.
    assert _trial([*f.trading_year(), {**bad, "metadata": {"isDeleted": True}}]) == []


def test_an_undated_entry() -> None:
    findings = list(checks.check_journal_entry(f.entry("je-x", None, [(f.BANK, 1), (f.SALES, -1)])))
    assert [x.rule for x in findings] == [checks.UNDATED]


def test_postings_to_unknown_and_untyped_accounts() -> None:
    chart = [*f.chart(), f.account("9999", "Suspense", "Unknown", None)]
    entries = [
        *f.trading_year(),
        f.entry("je-s", "2024-01-02", [(f.BANK, 20), ("9999", -20)]),
        f.entry("je-g", "2024-01-03", [(f.BANK, 3), ("ghost", -3)]),
    ]
    findings = list(checks.check_accounts(Ledger.from_documents(chart, entries)))
    assert [(x.rule, x.item_id) for x in findings] == [
        (checks.UNTYPED_ACCOUNT, "9999"),
        (checks.UNKNOWN_ACCOUNT, "ghost"),
    ]
    assert "not in the chart of accounts" in findings[1].message


def test_control_accounts_agree_with_open_documents() -> None:
    ledger = Ledger.from_documents(f.chart(), f.trading_year())
    assert [a.id for a in checks.control_accounts(ledger, "receivables")] == [f.RECEIVABLE]
    assert [a.id for a in checks.control_accounts(ledger, "payables")] == [f.PAYABLE]
    # The ledger says customers owe 600 and suppliers nothing.
    assert list(checks.check_control(ledger, "receivables", Decimal(600))) == []
    assert list(checks.check_control(ledger, "payables", Decimal(0))) == []
    (finding,) = checks.check_control(ledger, "receivables", Decimal("650.00"))
    assert finding.rule is checks.RECEIVABLES_CONTROL
    assert finding.item_id == f.RECEIVABLE
    assert "(600.00) differs from the open invoices less open credit notes (650.00) by -50.00" in (
        finding.message
    )
    (finding,) = checks.check_control(ledger, "payables", Decimal(10))
    assert finding.rule is checks.PAYABLES_CONTROL


def test_no_control_account_no_comparison() -> None:
    chart = [a for a in f.chart() if a["id"] != f.RECEIVABLE]
    ledger = Ledger.from_documents(chart, f.trading_year())
    assert list(checks.check_control(ledger, "receivables", Decimal(1))) == []
