"""The ledger the statements are drawn from: the chart of accounts, each account's net
movement per month, and the cash each bank movement brought in or paid out, by the
account on the other side of the entry.

Built in one pass over the journal entries (``add_entry`` takes them one at a time, so a
store can stream them), after which every report is arithmetic on monthly totals.
Journal lines are signed as Codat signs them: positive is a debit, negative a credit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ledgerport.domain.reports.amounts import ZERO, Month, month_of, to_decimal


class Section(StrEnum):
    """Where an account's balance appears. Accounts of type ``Unknown`` have none: Codat
    leaves them out of the statements rather than guess."""

    ASSETS = "Assets"
    LIABILITIES = "Liabilities"
    EQUITY = "Equity"
    INCOME = "Income"
    COST_OF_SALES = "Cost of Sales"
    EXPENSES = "Expenses"
    OTHER_INCOME = "Other Income"
    OTHER_EXPENSES = "Other Expenses"


BALANCE_SHEET_SECTIONS = frozenset({Section.ASSETS, Section.LIABILITIES, Section.EQUITY})
# Sections whose accounts normally carry a credit balance, shown positive in a report.
CREDIT_SECTIONS = frozenset(
    {Section.LIABILITIES, Section.EQUITY, Section.INCOME, Section.OTHER_INCOME}
)

_COST_OF_SALES = ("costofsales", "costofgoods", "cogs", "directcost", "costofrevenue")
_OTHER = ("otherincome", "otherexpense", "exceptional", "nonoperating")


def normalise(text: Any) -> str:
    """Lower case, letters and digits only: "Cost of Sales" and "CostOfSales" match."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower()) if text else ""


def category_path(account: Mapping[str, Any]) -> list[str]:
    """The account's category below its type: ``Asset.Current.Bank`` → Current, Bank."""
    category = account.get("fullyQualifiedCategory")
    if not isinstance(category, str) or not category.strip():
        return []
    return [part.strip() for part in category.split(".")[1:] if part.strip()]


def classify(account: Mapping[str, Any]) -> Section | None:
    """The statement section of an account, from its ``type`` and, for income and
    expense accounts, its ``fullyQualifiedCategory`` (platforms name the groups
    differently: ``Expense.CostOfSales``, ``Expense.Cost of Goods Sold``, ``Income.Other``)."""
    kind = account.get("type")
    if kind == "Asset":
        return Section.ASSETS
    if kind == "Liability":
        return Section.LIABILITIES
    if kind == "Equity":
        return Section.EQUITY
    if kind not in ("Income", "Expense"):
        return None
    parts = [normalise(part) for part in category_path(account)]
    joined = "".join(parts)
    other = any(marker in joined for marker in _OTHER) or "other" in parts
    if kind == "Income":
        return Section.OTHER_INCOME if other else Section.INCOME
    if any(marker in joined for marker in _COST_OF_SALES):
        return Section.COST_OF_SALES
    return Section.OTHER_EXPENSES if other else Section.EXPENSES


@dataclass(frozen=True)
class LedgerAccount:
    id: str
    name: str
    nominal_code: str
    section: Section | None
    groups: tuple[str, ...]
    is_bank: bool
    type: str

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> LedgerAccount:
        return cls(
            id=str(doc.get("id")),
            name=str(doc.get("name") or doc.get("nominalCode") or doc.get("id")),
            nominal_code=str(doc.get("nominalCode") or ""),
            section=classify(doc),
            groups=tuple(category_path(doc)),
            is_bank=doc.get("isBankAccount") is True,
            type=str(doc.get("type") or "Unknown"),
        )

    def mentions(self, marker: str) -> bool:
        """Whether the name or the category groups hold ``marker`` (a :func:`normalise`d
        word): how accounts Codat's documents never point at are recognised."""
        return marker in normalise(self.name) or marker in normalise(".".join(self.groups))


def _months() -> defaultdict[Month, Decimal]:
    return defaultdict(lambda: ZERO)


@dataclass
class Ledger:
    accounts: dict[str, LedgerAccount]
    # account id -> month -> net movement (debit positive)
    movements: defaultdict[str, defaultdict[Month, Decimal]] = field(
        default_factory=lambda: defaultdict(_months)
    )
    # counterpart account id -> month -> cash in (receipts) / cash out (payments)
    receipts: defaultdict[str, defaultdict[Month, Decimal]] = field(
        default_factory=lambda: defaultdict(_months)
    )
    payments: defaultdict[str, defaultdict[Month, Decimal]] = field(
        default_factory=lambda: defaultdict(_months)
    )
    # names journal lines give accounts missing from the chart
    line_names: dict[str, str] = field(default_factory=dict)
    entries: int = 0
    undated_entries: int = 0

    @classmethod
    def from_documents(
        cls, accounts: Iterable[Mapping[str, Any]], entries: Iterable[Mapping[str, Any]] = ()
    ) -> Ledger:
        ledger = cls.from_accounts(accounts)
        for entry in entries:
            ledger.add_entry(entry)
        return ledger

    @classmethod
    def from_accounts(cls, accounts: Iterable[Mapping[str, Any]]) -> Ledger:
        chart = {}
        for doc in accounts:
            if doc.get("id") is None or (doc.get("metadata") or {}).get("isDeleted"):
                continue
            account = LedgerAccount.from_document(doc)
            chart[account.id] = account
        return cls(accounts=chart)

    @property
    def months(self) -> list[Month]:
        """Every month with a posting, oldest first."""
        return sorted({m for by_month in self.movements.values() for m in by_month})

    def add_entry(self, entry: Mapping[str, Any]) -> None:
        """Post one journal entry. An entry without ``postedOn`` (or ``createdOn``) cannot
        be placed in a period and is counted, not posted; a deleted one is skipped."""
        if (entry.get("metadata") or {}).get("isDeleted"):
            return
        month = month_of(entry.get("postedOn")) or month_of(entry.get("createdOn"))
        if month is None:
            self.undated_entries += 1
            return
        self.entries += 1
        bank = ZERO
        others: list[tuple[str, Decimal]] = []
        for line in entry.get("journalLines") or ():
            amount = to_decimal(line.get("netAmount"))
            ref = line.get("accountRef") or {}
            if amount is None or ref.get("id") is None:
                continue
            account_id = str(ref["id"])
            self.movements[account_id][month] += amount
            account = self.accounts.get(account_id)
            if account is None and account_id not in self.line_names:
                self.line_names[account_id] = str(ref.get("name") or account_id)
            if account is not None and account.is_bank:
                bank += amount
            else:
                others.append((account_id, amount))
        if bank:
            self._cash(bank, others, month)

    def _cash(self, bank: Decimal, others: list[tuple[str, Decimal]], month: Month) -> None:
        """Attribute a bank movement to the entry's other lines. Whatever they do not
        explain (an entry that does not balance) is kept under the empty account id,
        so receipts less payments is always the change in the bank balances."""
        book = self.receipts if bank > 0 else self.payments
        sign = -1 if bank > 0 else 1
        explained = ZERO
        for account_id, amount in others:
            book[account_id][month] += sign * amount
            explained += sign * amount
        residual = abs(bank) - explained
        if residual:
            book[""][month] += residual

    def name_of(self, account_id: str) -> str:
        account = self.accounts.get(account_id)
        if account is not None:
            return account.name
        return self.line_names.get(account_id) or "Unbalanced journal entries"

    def total(self, account_id: str, first: Month | None, last: Month) -> Decimal:
        """Net movement of an account over ``first..last`` (from the beginning if
        ``first`` is None)."""
        return sum(
            (
                amount
                for month, amount in self.movements.get(account_id, {}).items()
                if month <= last and (first is None or month >= first)
            ),
            ZERO,
        )
