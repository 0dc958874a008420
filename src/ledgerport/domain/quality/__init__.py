"""Data-quality checks over Codat-shaped documents, run after every pull. Pure: each
check takes documents (or a built ledger) and yields findings in Codat's
validation-item shape; ``sync/validation.py`` decides what runs when."""

from ledgerport.domain.quality import documents, ledger, payments, reports
from ledgerport.domain.quality.findings import (
    CHECK_FAILED,
    DEFAULT_CAP,
    Finding,
    Findings,
    Rule,
    Severity,
)

RULES: tuple[Rule, ...] = (
    *(
        rule
        for kind in documents.KINDS.values()
        for rule in (
            kind.lines_total,
            kind.lines_tax,
            kind.lines_sub_total,
            kind.header,
            kind.outstanding,
            kind.status,
        )
    ),
    *(rule for kind in payments.KINDS.values() for rule in (kind.lines_total, kind.links)),
    ledger.ENTRY_BALANCES,
    ledger.UNKNOWN_ACCOUNT,
    ledger.UNDATED,
    ledger.TRIAL_BALANCE,
    ledger.UNTYPED_ACCOUNT,
    ledger.RECEIVABLES_CONTROL,
    ledger.PAYABLES_CONTROL,
    reports.BALANCE_SHEET_LINES,
    reports.BALANCE_SHEET_BALANCES,
    reports.PROFIT_AND_LOSS_LINES,
    reports.PROFIT_AND_LOSS_TOTALS,
    reports.CASH_FLOW_LINES,
    CHECK_FAILED,
)

__all__ = [
    "CHECK_FAILED",
    "DEFAULT_CAP",
    "RULES",
    "Finding",
    "Findings",
    "Rule",
    "Severity",
    "documents",
    "ledger",
    "payments",
    "reports",
]
