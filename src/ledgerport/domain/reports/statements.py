"""Codat's three financial statements, computed from a :class:`Ledger`.

Shapes follow Codat's Accounting API (``BalanceSheet``, ``ProfitAndLossReport``,
``CashFlowStatement``): each section is a ``ReportLine`` ``{accountId, name, value,
items}`` whose value is exactly the sum of its items (sums are taken in Decimal), one
leaf per account. Every report of one response lists the same accounts, so periods
compare line by line; an account with nothing in any requested period is left out.

- Balance sheet: balances at the end of each period. Equity gets the profit not yet
  closed to it, so it always equals net assets when the ledger balances: this financial
  year's profit as *Current Year Earnings*, earlier years' added to the retained earnings
  account (both onto an existing account of that name when the chart has one).
- Profit and loss (accrual basis): movements within each period.
- Cash flow statement (cash basis, *direct* method): Codat's shape has only
  ``cashReceipts`` and ``cashPayments``, which is the direct method, and the ledger
  gives it exactly: each journal entry that moves a bank account contributes to the
  accounts on its other side (a customer receipt to Accounts Receivable, a card payment
  to the expense). Transfers between bank accounts net to nothing and do not appear.
  Receipts less payments is each period's change in the bank balances.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledgerport.domain.reports.amounts import (
    ZERO,
    Month,
    first_day,
    last_day,
    report_date,
)
from ledgerport.domain.reports.ledger import (
    BALANCE_SHEET_SECTIONS,
    CREDIT_SECTIONS,
    Ledger,
    LedgerAccount,
    Section,
    normalise,
)
from ledgerport.domain.reports.periods import Period, ReportRequest

UNKNOWN_CURRENCY = "XXX"  # ISO 4217's "no currency", which Codat uses too
RETAINED_EARNINGS = "Retained Earnings"
CURRENT_YEAR_EARNINGS = "Current Year Earnings"
# Category groups that only restate the type (``Asset.Assets.Bank``) add no level.
_TYPE_WORDS = frozenset(
    {"asset", "assets", "liability", "liabilities", "equity", "income", "expense", "expenses"}
)
_PL_SECTIONS = (
    Section.INCOME,
    Section.COST_OF_SALES,
    Section.EXPENSES,
    Section.OTHER_INCOME,
    Section.OTHER_EXPENSES,
)


@dataclass(frozen=True)
class StatementOptions:
    """What the ledger alone does not say: the company's base currency, the month its
    financial year starts (1-12), and the month to report from when the ledger is empty."""

    currency: str = UNKNOWN_CURRENCY
    financial_year_start: int = 1
    current_month: Month | None = None


@dataclass
class Line:
    """A ReportLine while it is built: Decimal values, turned into JSON at the end."""

    name: str
    account_id: str = ""
    value: Decimal = ZERO
    items: list[Line] = field(default_factory=list)

    def add(self, child: Line) -> None:
        self.items.append(child)
        self.value += child.value

    def to_json(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "name": self.name,
            "value": float(self.value),
            "items": [item.to_json() for item in self.items],
        }


@dataclass(frozen=True)
class _Leaf:
    """One row of a section: an account, or a line we add (earnings) with no account."""

    key: str
    name: str
    account_id: str
    groups: tuple[str, ...] = ()
    order: tuple[str, str] = ("", "")


def _leaf(account: LedgerAccount, grouped: bool) -> _Leaf:
    return _Leaf(
        key=account.id,
        name=account.name,
        account_id=account.id,
        groups=account.groups if grouped else (),
        order=(account.nominal_code, account.name),
    )


def _section_line(
    section: Section, leaves: list[_Leaf], values: Mapping[str, Decimal], *, name: str = ""
) -> Line:
    """A section, its accounts nested under their category groups (below the type, and
    skipping a group that only repeats the section's own name)."""
    root = Line(name or section.value)
    redundant = _TYPE_WORDS | {normalise(section.value)}
    groups: dict[tuple[str, ...], Line] = {(): root}
    placed: list[tuple[tuple[str, ...], _Leaf]] = []
    for leaf in leaves:
        path = tuple(g for g in leaf.groups if normalise(g) not in redundant)
        placed.append((path, leaf))
    # Every prefix of a path is a group; leaves join theirs, then groups are folded into
    # their parents deepest first, so a parent only ever adds finished subtotals.
    children: dict[tuple[str, ...], list[Line]] = {}
    for path, leaf in sorted(placed, key=lambda p: (p[0], p[1].order)):
        line = Line(leaf.name, leaf.account_id, values.get(leaf.key, ZERO))
        children.setdefault(path, []).append(line)
        for depth in range(1, len(path) + 1):
            groups.setdefault(path[:depth], Line(path[depth - 1]))
    for path in sorted(groups, key=len, reverse=True):
        group = groups[path]
        for line in children.get(path, []):
            group.add(line)
        subgroups = sorted(
            (p for p in groups if len(p) == len(path) + 1 and p[: len(path)] == path),
        )
        for sub in subgroups:
            group.add(groups[sub])
    return root


def _signed(section: Section | None, amount: Decimal) -> Decimal:
    return -amount if section in CREDIT_SECTIONS else amount


def _accounts(ledger: Ledger, sections: Iterable[Section]) -> dict[Section, list[LedgerAccount]]:
    wanted = set(sections)
    found: dict[Section, list[LedgerAccount]] = {s: [] for s in wanted}
    for account in ledger.accounts.values():
        if account.section in wanted and account.id in ledger.movements:
            found[account.section].append(account)
    return found


def _available(ledger: Ledger) -> tuple[Month | None, Month | None]:
    months = ledger.months
    return (months[0], months[-1]) if months else (None, None)


def _periods(ledger: Ledger, request: ReportRequest, options: StatementOptions) -> list[Period]:
    _, latest = _available(ledger)
    default = latest if latest is not None else options.current_month
    if default is None:
        raise ValueError("an empty ledger needs StatementOptions.current_month")
    return request.periods(default)


def _keep(leaves: list[_Leaf], per_period: list[dict[str, Decimal]]) -> list[_Leaf]:
    """Leaves with a value in at least one period, so every report lists the same rows."""
    return [leaf for leaf in leaves if any(values.get(leaf.key) for values in per_period)]


def _net_profit(
    ledger: Ledger, pl_accounts: list[LedgerAccount], first: Month | None, last: Month
) -> Decimal:
    # Income is credit (negative), expenses debit: profit is minus their net movement.
    return -sum((ledger.total(a.id, first, last) for a in pl_accounts), ZERO)


def _find(accounts: list[LedgerAccount], marker: str) -> LedgerAccount | None:
    matches = [a for a in accounts if a.mentions(marker)]
    return min(matches, key=lambda a: (a.nominal_code, a.id)) if matches else None


def _year_start(month: Month, first_month: int) -> Month:
    return month - ((month - (first_month - 1)) % 12)


def balance_sheet(
    ledger: Ledger, request: ReportRequest, options: StatementOptions | None = None
) -> dict[str, Any]:
    options = options or StatementOptions()
    periods = _periods(ledger, request, options)
    by_section = _accounts(ledger, BALANCE_SHEET_SECTIONS)
    pl_accounts = [a for group in _accounts(ledger, _PL_SECTIONS).values() for a in group]
    equity = by_section[Section.EQUITY]
    all_equity = [a for a in ledger.accounts.values() if a.section is Section.EQUITY]
    retained = _find(all_equity, "retainedearnings")
    current = _find(all_equity, "currentyearearnings")
    if current is not None and current is retained:
        current = None
    for extra in (retained, current):
        if extra is not None and extra not in equity:
            equity.append(extra)
    retained_key = retained.id if retained else RETAINED_EARNINGS
    current_key = current.id if current else CURRENT_YEAR_EARNINGS

    leaves = {s: [_leaf(a, grouped=True) for a in accounts] for s, accounts in by_section.items()}
    if retained is None:
        leaves[Section.EQUITY].append(
            _Leaf(RETAINED_EARNINGS, RETAINED_EARNINGS, "", (), ("~", "1"))
        )
    if current is None:
        leaves[Section.EQUITY].append(
            _Leaf(CURRENT_YEAR_EARNINGS, CURRENT_YEAR_EARNINGS, "", (), ("~", "2"))
        )

    values: list[dict[str, Decimal]] = []
    for period in periods:
        at = period.last
        row = {
            a.id: _signed(section, ledger.total(a.id, None, at))
            for section, accounts in by_section.items()
            for a in accounts
        }
        start = _year_start(at, options.financial_year_start)
        row[retained_key] = row.get(retained_key, ZERO) + _net_profit(
            ledger, pl_accounts, None, start - 1
        )
        row[current_key] = row.get(current_key, ZERO) + _net_profit(ledger, pl_accounts, start, at)
        values.append(row)

    kept = {s: _keep(section_leaves, values) for s, section_leaves in leaves.items()}
    # Current Year Earnings is always shown, as platforms do, even when it is nil.
    if current is None and not any(
        leaf.key == CURRENT_YEAR_EARNINGS for leaf in kept[Section.EQUITY]
    ):
        kept[Section.EQUITY].append(leaves[Section.EQUITY][-1])
    reports = []
    for period, row in zip(periods, values, strict=True):
        assets = _section_line(Section.ASSETS, kept[Section.ASSETS], row)
        liabilities = _section_line(Section.LIABILITIES, kept[Section.LIABILITIES], row)
        equity_line = _section_line(Section.EQUITY, kept[Section.EQUITY], row)
        reports.append(
            {
                "date": report_date(period.to_date),
                "assets": assets.to_json(),
                "liabilities": liabilities.to_json(),
                "equity": equity_line.to_json(),
                "netAssets": float(assets.value - liabilities.value),
            }
        )
    earliest, latest = _available(ledger)
    return {
        "currency": options.currency,
        "reports": reports,
        "mostRecentAvailableMonth": report_date(last_day(latest)) if latest is not None else None,
        "earliestAvailableMonth": report_date(first_day(earliest))
        if earliest is not None
        else None,
    }


def _months_meta(ledger: Ledger) -> dict[str, str]:
    earliest, latest = _available(ledger)
    if earliest is None or latest is None:
        return {}
    return {
        "mostRecentAvailableMonth": report_date(first_day(latest)),
        "earliestAvailableMonth": report_date(first_day(earliest)),
    }


def profit_and_loss(
    ledger: Ledger, request: ReportRequest, options: StatementOptions | None = None
) -> dict[str, Any]:
    options = options or StatementOptions()
    periods = _periods(ledger, request, options)
    by_section = _accounts(ledger, _PL_SECTIONS)
    # The main sections keep the platform's grouping; the split-off ones list accounts.
    grouped = {Section.INCOME, Section.EXPENSES}
    leaves = {
        s: [_leaf(a, grouped=s in grouped) for a in accounts] for s, accounts in by_section.items()
    }
    values = [
        {
            a.id: _signed(section, ledger.total(a.id, period.first, period.last))
            for section, accounts in by_section.items()
            for a in accounts
        }
        for period in periods
    ]
    kept = {s: _keep(section_leaves, values) for s, section_leaves in leaves.items()}
    reports = []
    for period, row in zip(periods, values, strict=True):
        lines = {s: _section_line(s, kept[s], row) for s in _PL_SECTIONS}
        gross = lines[Section.INCOME].value - lines[Section.COST_OF_SALES].value
        operating = gross - lines[Section.EXPENSES].value
        other = lines[Section.OTHER_INCOME].value - lines[Section.OTHER_EXPENSES].value
        reports.append(
            {
                "fromDate": report_date(period.from_date),
                "toDate": report_date(period.to_date),
                "income": lines[Section.INCOME].to_json(),
                "costOfSales": lines[Section.COST_OF_SALES].to_json(),
                "grossProfit": float(gross),
                "expenses": lines[Section.EXPENSES].to_json(),
                "netOperatingProfit": float(operating),
                "otherExpenses": lines[Section.OTHER_EXPENSES].to_json(),
                "otherIncome": lines[Section.OTHER_INCOME].to_json(),
                "netOtherIncome": float(other),
                "netProfit": float(operating + other),
            }
        )
    return {
        "reports": reports,
        "reportBasis": "Accrual",
        "currency": options.currency,
        **_months_meta(ledger),
    }


def cash_flow_statement(
    ledger: Ledger, request: ReportRequest, options: StatementOptions | None = None
) -> dict[str, Any]:
    options = options or StatementOptions()
    periods = _periods(ledger, request, options)

    def section(book: Mapping[str, Mapping[Month, Decimal]], name: str) -> Callable[[Period], Line]:
        keys = [
            k
            for k in book
            if any(amount for month, amount in book[k].items() if any(month in p for p in periods))
        ]
        leaves = sorted(
            (
                _Leaf(
                    key=k,
                    name=ledger.name_of(k),
                    account_id=k,
                    order=(
                        ledger.accounts[k].nominal_code if k in ledger.accounts else "~",
                        ledger.name_of(k),
                    ),
                )
                for k in keys
            ),
            key=lambda leaf: leaf.order,
        )

        def build(period: Period) -> Line:
            row = {k: sum((a for m, a in book[k].items() if m in period), ZERO) for k in keys}
            return _section_line(Section.ASSETS, leaves, row, name=name)

        return build

    receipts = section(ledger.receipts, "Cash Receipts")
    payments = section(ledger.payments, "Cash Payments")
    reports = [
        {
            "fromDate": report_date(period.from_date),
            "toDate": report_date(period.to_date),
            "cashReceipts": receipts(period).to_json(),
            "cashPayments": payments(period).to_json(),
        }
        for period in periods
    ]
    return {
        "reports": reports,
        "reportBasis": "Cash",
        "reportInput": "Direct",
        "currency": options.currency,
        **_months_meta(ledger),
    }
