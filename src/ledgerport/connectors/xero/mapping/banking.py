"""Xero ``BankTransactions`` (spend and receive money) as three Codat data types.

- ``bankTransactions``: every Xero bank transaction, one statement line each, signed
  as Codat signs them (money in positive): RECEIVE types in, SPEND types out.
  ``accountId`` is the bank account's AccountID. Xero gives no running balance per
  transaction, so ``balance`` is 0 (Codat requires a number).
- ``directCosts``: the SPEND transactions (money spent with no bill), and
- ``directIncomes``: the RECEIVE transactions (money received with no invoice),
  each with its lines and the bank payment that settled it. Transfers and the
  prepayment and overpayment variants are not costs or incomes: they are only
  ``bankTransactions``.

Codat's three have no status: a VOIDED or DELETED Xero transaction no longer moves
money, so it is flagged ``metadata.isDeleted``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.connectors.xero.dates import business_date
from ledgerport.connectors.xero.mapping.common import (
    Doc,
    Raw,
    as_list,
    codat_rate,
    envelope,
    money,
    rendered,
    text,
)
from ledgerport.connectors.xero.mapping.lines import line_items
from ledgerport.domain.accounting.banking import BankTransaction
from ledgerport.domain.accounting.direct import DirectCost, DirectIncome

SPEND, RECEIVE = "SPEND", "RECEIVE"
_TRANSACTION_TYPES = {
    "RECEIVE": "Credit",
    "SPEND": "Debit",
    "RECEIVE-TRANSFER": "Xfer",
    "SPEND-TRANSFER": "Xfer",
    "RECEIVE-OVERPAYMENT": "Credit",
    "RECEIVE-PREPAYMENT": "Credit",
    "SPEND-OVERPAYMENT": "Debit",
    "SPEND-PREPAYMENT": "Debit",
}


def is_gone(raw: Raw) -> bool:
    return raw.get("Status") in ("VOIDED", "DELETED")


def _bank(raw: Raw) -> Mapping[str, object]:
    bank = raw.get("BankAccount")
    return bank if isinstance(bank, Mapping) else {}


def to_bank_transaction(raw: Raw) -> Doc:
    kind = str(raw.get("Type") or "")
    sign = 1 if kind.startswith(RECEIVE) else -1
    contact = raw.get("Contact")
    counterparty = text(contact.get("Name")) if isinstance(contact, Mapping) else None
    lines = as_list(raw.get("LineItems"))
    description = text(raw.get("Reference")) or next(
        (text(line.get("Description")) for line in lines if text(line.get("Description"))), None
    )
    bank_id = _bank(raw).get("AccountID")
    doc = envelope(raw, "BankTransactionID", deleted=is_gone(raw)) | {
        "accountId": str(bank_id) if bank_id else None,
        "clearedOnDate": business_date(raw, "Date"),
        "description": description,
        "counterparty": counterparty,
        "reference": text(raw.get("Reference")),
        "reconciled": bool(raw.get("IsReconciled")),
        "amount": sign * money(raw.get("Total")),
        "balance": 0,
        "transactionType": _TRANSACTION_TYPES.get(kind, "Unknown"),
    }
    return rendered(BankTransaction, doc)


def _direct(raw: Raw, party: str) -> Doc:
    currency = text(raw.get("CurrencyCode"))
    day = business_date(raw, "Date")
    rate = codat_rate(raw.get("CurrencyRate"))
    total = money(raw.get("Total"))
    bank = _bank(raw)
    payment: Doc = {
        "id": str(raw.get("BankTransactionID") or ""),
        "reference": text(raw.get("Reference")),
        "note": None,
        "currency": currency,
        "currencyRate": rate,
        "paidOnDate": day,
        "totalAmount": total,
    }
    if bank.get("AccountID"):
        payment["accountRef"] = {"id": str(bank["AccountID"]), "name": text(bank.get("Name"))}
    doc = envelope(raw, "BankTransactionID", deleted=is_gone(raw)) | {
        "reference": text(raw.get("Reference")),
        "note": None,
        "issueDate": day,
        "currency": currency,
        "currencyRate": rate,
        "paymentAllocations": [
            {
                "payment": payment,
                "allocation": {"currency": currency, "allocatedOnDate": day, "totalAmount": total},
            }
        ],
        "subTotal": money(raw.get("SubTotal")),
        "taxAmount": money(raw.get("TotalTax")),
        "totalAmount": total,
    }
    contact = raw.get("Contact")
    if isinstance(contact, Mapping) and contact.get("ContactID"):
        doc["contactRef"] = {"id": str(contact["ContactID"]), "dataType": party}
    return doc


def to_direct_cost(raw: Raw) -> Doc:
    doc = _direct(raw, "suppliers") | {"lineItems": line_items(raw, "direct")}
    return rendered(DirectCost, doc)


def to_direct_income(raw: Raw) -> Doc:
    doc = _direct(raw, "customers") | {"lineItems": line_items(raw, "receivable")}
    return rendered(DirectIncome, doc)
