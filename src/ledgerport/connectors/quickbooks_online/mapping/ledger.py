"""The ledger: Account → chartOfAccounts (and Bank accounts → bankAccounts too),
JournalEntry → journalEntries.

QBO gives each account a ``Classification`` (Asset, Liability, Equity, Revenue,
Expense), an ``AccountType`` ("Bank", "Accounts Receivable", "Credit Card"...) and an
``AccountSubType``: Codat's ``type`` is the classification (Revenue is Codat's Income)
and ``fullyQualifiedCategory`` the three joined with dots. QBO reports balances as
their natural side (a loan owed is positive); Codat's ``currentBalance`` is signed as the
ledger is, debit positive, so credit-natured accounts (liabilities, equity, income) are
negated. QBO keeps no running balance on income and expense accounts (it reports 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ledgerport.connectors.quickbooks_online.mapping.common import (
    Doc,
    Raw,
    amount,
    business_date,
    created_at,
    currency,
    envelope,
    mapper,
    money,
    ref_id,
    ref_name,
    status,
    text,
    updated_at,
)
from ledgerport.connectors.quickbooks_online.mapping.lines import class_id, department_id
from ledgerport.domain.accounting import Account, BankAccount, JournalEntry

BANK = "Bank"
CREDIT_CARD = "Credit Card"
ACCOUNT_TYPES = {
    "Asset": "Asset",
    "Liability": "Liability",
    "Equity": "Equity",
    "Revenue": "Income",
    "Expense": "Expense",
}
_CREDIT_NATURED = frozenset({"Liability", "Equity", "Income"})


def account_type(raw: Raw) -> str:
    return ACCOUNT_TYPES.get(str(raw.get("Classification")), "Unknown")


def ledger_balance(raw: Raw) -> Decimal | None:
    balance = amount(raw.get("CurrentBalance"))
    if balance is None:
        return None
    return -balance if account_type(raw) in _CREDIT_NATURED else balance


def _category(raw: Raw) -> str | None:
    parts = [account_type(raw), text(raw.get("AccountType")), text(raw.get("AccountSubType"))]
    named = [p.replace(" ", "") for p in parts if p and p != "Unknown"]
    return ".".join(named) or None


def _account(raw: Raw) -> Doc:
    return {
        **envelope(raw),
        "nominalCode": text(raw.get("AcctNum")),
        "name": text(raw.get("Name")),
        "description": text(raw.get("Description")),
        "fullyQualifiedCategory": _category(raw),
        "fullyQualifiedName": text(raw.get("FullyQualifiedName")),
        "currency": currency(raw),
        "currentBalance": ledger_balance(raw),
        "type": account_type(raw),
        "status": status(raw),
        "isBankAccount": raw.get("AccountType") == BANK,
    }


def is_bank_account(raw: Raw) -> bool:
    return raw.get("AccountType") == BANK


def _bank_account(raw: Raw) -> Doc:
    """QBO's ``CurrentBalance`` on a bank account is what the ledger says is in it."""
    return {
        **envelope(raw),
        "accountName": text(raw.get("Name")),
        "accountType": "Debit",
        "nominalCode": text(raw.get("AcctNum")),
        "sortCode": None,
        "accountNumber": text(raw.get("BankNum")),
        "iBan": None,
        "currency": currency(raw),
        "balance": amount(raw.get("CurrentBalance")),
        "institution": None,
        "availableBalance": None,
        "overdraftLimit": None,
        "status": "Active" if raw.get("Active", True) is not False else "Archived",
    }


_ENTITY_TYPES = {"Customer": "customers", "Vendor": "suppliers"}


def _journal_line(line: Raw, document_currency: str | None) -> Doc | None:
    detail = line.get("JournalEntryLineDetail")
    if line.get("DetailType") != "JournalEntryLineDetail" or not isinstance(detail, Mapping):
        return None
    value = money(line.get("Amount"))
    refs: list[Doc] = []
    entity = detail.get("Entity")
    if isinstance(entity, Mapping):
        entity_id = ref_id(entity, "EntityRef")
        data_type = _ENTITY_TYPES.get(str(entity.get("Type")))
        if entity_id and data_type:
            refs.append({"id": entity_id, "dataType": data_type})
    class_ = ref_id(detail, "ClassRef")
    if class_:
        refs.append({"id": class_id(class_), "dataType": "trackingCategories"})
    department = ref_id(detail, "DepartmentRef")
    if department:
        refs.append({"id": department_id(department), "dataType": "trackingCategories"})
    doc: Doc = {
        "description": text(line.get("Description")),
        "netAmount": value if detail.get("PostingType") == "Debit" else -value,
        "currency": document_currency,
        "tracking": {"recordRefs": refs},
    }
    account = ref_id(detail, "AccountRef")
    if account:
        doc["accountRef"] = {"id": account, "name": ref_name(detail, "AccountRef")}
    return doc


def _journal_entry(raw: Raw) -> Doc:
    document_currency = currency(raw)
    lines = (
        _journal_line(line, document_currency)
        for line in raw.get("Line") or []
        if isinstance(line, Mapping)
    )
    return {
        **envelope(raw),
        "description": text(raw.get("PrivateNote")) or text(raw.get("DocNumber")),
        "postedOn": business_date(raw.get("TxnDate")),
        "createdOn": created_at(raw),
        "updatedOn": updated_at(raw),
        "journalLines": [line for line in lines if line is not None],
    }


account = mapper(Account, _account)
bank_account = mapper(BankAccount, _bank_account)
journal_entry = mapper(JournalEntry, _journal_entry)
