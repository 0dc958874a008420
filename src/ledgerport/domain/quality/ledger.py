"""Checks on the general ledger: each journal entry balances, the trial balance sums to
zero, every posting lands on a known, typed account, and the debtors and creditors
control accounts agree with the open invoices and bills (the aged receivables and
payables) when both sides were pulled.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerport.domain.quality.findings import Finding, Rule, Severity
from ledgerport.domain.reports.amounts import ZERO, agree, money, month_of, to_decimal
from ledgerport.domain.reports.ledger import Ledger, LedgerAccount

ENTRY_BALANCES = Rule(
    "accounting-journalentry-030",
    "JournalEntryValidator",
    Severity.ERROR,
    "A journal entry's lines (debits positive, credits negative) sum to zero.",
)
UNKNOWN_ACCOUNT = Rule(
    "accounting-journalentry-031",
    "JournalEntryValidator",
    Severity.WARNING,
    "Journal lines post to accounts that are in the chart of accounts.",
)
UNDATED = Rule(
    "accounting-journalentry-032",
    "JournalEntryValidator",
    Severity.WARNING,
    "A journal entry has a postedOn date, so it can be placed in a period.",
)
TRIAL_BALANCE = Rule(
    "accounting-ledger-001",
    "LedgerValidator",
    Severity.ERROR,
    "The trial balance (all journal lines) sums to zero.",
)
UNTYPED_ACCOUNT = Rule(
    "accounting-ledger-002",
    "LedgerValidator",
    Severity.WARNING,
    "Accounts with postings have a type, so they appear in the financial statements.",
)
RECEIVABLES_CONTROL = Rule(
    "accounting-ledger-010",
    "LedgerValidator",
    Severity.WARNING,
    "The debtors control account equals the open invoices less open credit notes.",
)
PAYABLES_CONTROL = Rule(
    "accounting-ledger-011",
    "LedgerValidator",
    Severity.WARNING,
    "The creditors control account equals the open bills less open bill credit notes.",
)


def check_journal_entry(doc: Mapping[str, Any]) -> Iterator[Finding]:
    item = str(doc.get("id"))
    if month_of(doc.get("postedOn")) is None and month_of(doc.get("createdOn")) is None:
        yield UNDATED.finding(
            item, "A journal entry has no postedOn date; the financial statements leave it out."
        )
    net = ZERO
    for line in doc.get("journalLines") or ():
        net += to_decimal((line or {}).get("netAmount")) or ZERO
    if not agree(net, ZERO):
        yield ENTRY_BALANCES.finding(
            item, f"A journal entry's lines sum to {money(net)}; debits should equal credits."
        )


@dataclass
class TrialBalance:
    """The sum of every journal line, taken as entries stream past."""

    net: Decimal = ZERO
    entries: int = 0
    unbalanced: int = 0

    def add(self, doc: Mapping[str, Any]) -> None:
        if (doc.get("metadata") or {}).get("isDeleted"):
            return
        entry = sum(
            (
                to_decimal((line or {}).get("netAmount")) or ZERO
                for line in doc.get("journalLines") or ()
            ),
            ZERO,
        )
        self.entries += 1
        self.net += entry
        self.unbalanced += 0 if agree(entry, ZERO) else 1

    def findings(self) -> Iterator[Finding]:
        if not agree(self.net, ZERO):
            side = "debits exceed credits" if self.net > 0 else "credits exceed debits"
            yield TRIAL_BALANCE.finding(
                "journalEntries",
                f"The trial balance does not sum to zero: {side} by {money(abs(self.net))} "
                f"across {self.entries} journal entries ({self.unbalanced} unbalanced).",
            )


def check_accounts(ledger: Ledger) -> Iterator[Finding]:
    """Postings to accounts missing from the chart, or of type ``Unknown``: either way
    the statements cannot place them, so the balance sheet will not balance."""
    for account_id in sorted(ledger.movements):
        posted = sum(ledger.movements[account_id].values(), ZERO)
        account = ledger.accounts.get(account_id)
        if account is None:
            yield UNKNOWN_ACCOUNT.finding(
                account_id,
                f"Journal lines post {money(posted)} to account '{ledger.name_of(account_id)}' "
                f"({account_id}), which is not in the chart of accounts.",
            )
        elif account.section is None:
            yield UNTYPED_ACCOUNT.finding(
                account_id,
                f"Account '{account.name}' has postings ({money(posted)}) but type "
                f"{account.type}; the financial statements leave it out.",
            )


_RECEIVABLES = ("accountsreceivable", "debtors", "tradereceivables")
_PAYABLES = ("accountspayable", "creditors", "tradepayables")


def control_accounts(ledger: Ledger, kind: str) -> list[LedgerAccount]:
    """The debtors (``kind="receivables"``) or creditors control accounts, recognised by
    name or category: Codat's documents do not point at them."""
    markers, wanted = (_RECEIVABLES, "Asset") if kind == "receivables" else (_PAYABLES, "Liability")
    return [
        a
        for a in ledger.accounts.values()
        if a.type == wanted and any(a.mentions(m) for m in markers)
    ]


def check_control(ledger: Ledger, kind: str, open_total: Decimal) -> Iterator[Finding]:
    """Compare the control accounts' balance with ``open_total`` (what the open
    documents say is owed): a difference is a warning, since payments on account or
    entries posted straight to the control account can explain it."""
    accounts = control_accounts(ledger, kind)
    if not accounts:
        return
    balance = sum((sum(ledger.movements.get(a.id, {}).values(), ZERO) for a in accounts), ZERO)
    if kind == "payables":
        balance = -balance
    if agree(balance, open_total):
        return
    rule, documents = (
        (RECEIVABLES_CONTROL, "open invoices less open credit notes")
        if kind == "receivables"
        else (PAYABLES_CONTROL, "open bills less open bill credit notes")
    )
    names = ", ".join(f"'{a.name}'" for a in accounts)
    yield rule.finding(
        ",".join(a.id for a in accounts),
        f"The control account balance {names} ({money(balance)}) differs from the "
        f"{documents} ({money(open_total)}) by {money(balance - open_total)}.",
    )
