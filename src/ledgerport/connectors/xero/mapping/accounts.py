"""The chart of accounts and bank accounts (Xero ``Accounts``), both ways.

Codat's ``type`` comes from Xero's ``Class`` (REVENUE is Income); its dotted
``fullyQualifiedCategory`` from Xero's account ``Type`` (``CURRLIAB`` is
``Liability.Current``). Xero's Accounts API gives no balances, so ``currentBalance``
and a bank account's ``balance`` are null (financial statements come from the
journals). A DELETED account is Archived and flagged deleted.

Bank accounts are the accounts of ``Type`` BANK; ``BankAccountType`` CREDITCARD is
Codat's Credit, BANK and PAYPAL are Debit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerport.connectors.xero.mapping.common import DELETED, Doc, Raw, envelope, rendered, text
from ledgerport.connectors.xero.mapping.lines import UnwritableError
from ledgerport.domain.accounting.banking import BankAccount
from ledgerport.domain.accounting.ledger import Account

_CLASSES = {
    "ASSET": "Asset",
    "EQUITY": "Equity",
    "EXPENSE": "Expense",
    "LIABILITY": "Liability",
    "REVENUE": "Income",
}
# Xero's account types (its "Account Types" list) -> Codat's category under the class.
CATEGORIES = {
    "BANK": "Asset.Bank",
    "CURRENT": "Asset.Current",
    "FIXED": "Asset.Fixed",
    "INVENTORY": "Asset.Inventory",
    "NONCURRENT": "Asset.NonCurrent",
    "PREPAYMENT": "Asset.Prepayment",
    "EQUITY": "Equity.Equity",
    "DEPRECIATN": "Expense.Depreciation",
    "DIRECTCOSTS": "Expense.DirectCosts",
    "EXPENSE": "Expense.Expense",
    "OVERHEADS": "Expense.Overheads",
    "CURRLIAB": "Liability.Current",
    "LIABILITY": "Liability.Liability",
    "PAYGLIABILITY": "Liability.PayAsYouGo",
    "SUPERANNUATIONEXPENSE": "Expense.Superannuation",
    "SUPERANNUATIONLIABILITY": "Liability.Superannuation",
    "TERMLIAB": "Liability.NonCurrent",
    "WAGESEXPENSE": "Expense.Wages",
    "OTHERINCOME": "Income.OtherIncome",
    "REVENUE": "Income.Revenue",
    "SALES": "Income.Sales",
}


def account_type(raw: Raw) -> str:
    """Codat's account type: from ``Class``, else from the category ``Type`` implies."""
    klass = _CLASSES.get(str(raw.get("Class")))
    if klass is not None:
        return klass
    category = CATEGORIES.get(str(raw.get("Type")))
    return category.split(".")[0] if category else "Unknown"


def account_status(raw: Raw) -> str:
    return "Active" if raw.get("Status", "ACTIVE") == "ACTIVE" else "Archived"


def to_account(raw: Raw) -> Doc:
    kind = account_type(raw)
    name = text(raw.get("Name"))
    category = CATEGORIES.get(str(raw.get("Type")), kind)
    if category.split(".")[0] != kind:  # a Type under another Class: trust the Class
        category = kind
    doc = envelope(raw, "AccountID", deleted=raw.get("Status") == DELETED) | {
        "nominalCode": text(raw.get("Code")),
        "name": name,
        "description": text(raw.get("Description")),
        "fullyQualifiedCategory": category,
        "fullyQualifiedName": f"{category}.{name}" if name else category,
        "currency": text(raw.get("CurrencyCode")),
        "currentBalance": None,
        "type": kind,
        "status": account_status(raw),
        "isBankAccount": raw.get("Type") == "BANK",
    }
    return rendered(Account, doc)


def to_bank_account(raw: Raw) -> Doc:
    doc = envelope(raw, "AccountID", deleted=raw.get("Status") == DELETED) | {
        "accountName": text(raw.get("Name")),
        "accountType": "Credit" if raw.get("BankAccountType") == "CREDITCARD" else "Debit",
        "nominalCode": text(raw.get("Code")),
        "accountNumber": text(raw.get("BankAccountNumber")),
        "currency": text(raw.get("CurrencyCode")),
        "balance": None,
        "status": account_status(raw),
    }
    return rendered(BankAccount, doc)


# -- writing ------------------------------------------------------------------------


def bank_account_to_xero(record: Mapping[str, Any]) -> Doc:
    """A Codat bank account as a Xero BANK ``Account``: Xero requires a name and, for
    a bank account, its number."""
    name = text(record.get("accountName"))
    if name is None:
        raise UnwritableError("accountName", "accountName is required by Xero.")
    number = text(record.get("accountNumber"))
    if number is None:
        raise UnwritableError("accountNumber", "Xero needs a bank account's number.")
    out: Doc = {
        "Type": "BANK",
        "Name": name,
        "BankAccountNumber": number,
        "BankAccountType": "CREDITCARD" if record.get("accountType") == "Credit" else "BANK",
    }
    if (code := text(record.get("nominalCode"))) is not None:
        out["Code"] = code
    if (currency := text(record.get("currency"))) is not None:
        out["CurrencyCode"] = currency
    return out
