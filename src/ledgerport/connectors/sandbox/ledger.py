"""Balances as the ledger has them at a moment: the chart of accounts' ``currentBalance``
and the bank account's ``balance``, and the hour each last changed.

Balances are signed like journal lines (debit positive, credit negative), so the chart
of accounts sums to zero. As in a trial balance from Xero or QuickBooks, an income or
expense account shows the current financial year to date, and Retained Earnings carries
the profit of every earlier year (no year-end journal is posted: the split is computed),
so the balance sheet balances with current-year earnings as the P&L accounts' total.

Modified dates must move whenever a balance does, including when a new financial year
starts and the profit and loss accounts roll into Retained Earnings; they may move
without a visible change (a posting and its reversal), which only costs a re-read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.state import HOUR, Company

REFERENCE_CREATED = -24 * 30  # the chart, VAT rates, items... were set up a month before


@dataclass(frozen=True)
class AccountBalance:
    account: c.AccountDef
    balance: int
    modified: int  # t


def financial_year(company: Company, as_of: int) -> tuple[int, datetime, int]:
    """The current financial year at ``as_of``: its name, its first moment, and that
    moment as ``t``."""
    year = company.year_of(max(0, as_of) // 24)
    start = company.year_start(year)
    return year, start, int((start - company.start) / HOUR)


def balances(company: Company, as_of: int) -> list[AccountBalance]:
    """Every account's balance and modified hour, in chart order."""
    year, _, rollover = financial_year(company, as_of)
    earlier_profit, earlier_touched = 0, REFERENCE_CREATED
    rolled = False
    for account in company.chart:
        if not account.is_profit_and_loss:
            continue
        totals = company.accounts[account.code]
        for y, amount in totals.by_year.items():
            if y < year:
                earlier_profit += amount
                earlier_touched = max(earlier_touched, totals.last_by_year[y])
                rolled = True
    result = []
    for account in company.chart:
        totals = company.accounts[account.code]
        created = company.account_created.get(account.code, REFERENCE_CREATED)
        touched = max([created, *totals.last_by_year.values()])
        if account.is_profit_and_loss:
            balance = totals.by_year.get(year, 0)
            touched = max(created, totals.last_by_year.get(year, REFERENCE_CREATED))
            if any(y < year for y in totals.by_year):
                touched = max(touched, rollover)
        elif account.code == c.RETAINED_EARNINGS:
            balance = sum(totals.by_year.values()) + earlier_profit
            if rolled:
                touched = max(touched, earlier_touched, rollover)
        else:
            balance = sum(totals.by_year.values())
        result.append(AccountBalance(account, balance, touched))
    return result
