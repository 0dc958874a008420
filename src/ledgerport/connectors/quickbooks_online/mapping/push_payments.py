"""Codat payments and bill payments as QBO Payment and BillPayment bodies (writes).

Each Codat line's links say what it settles; QBO wants one line per linked
transaction, with a positive ``Amount`` and ``LinkedTxn`` naming it (``Invoice`` or
``CreditMemo`` for a payment, ``Bill`` or ``VendorCredit`` for a bill payment). Money
not linked to anything stays unapplied (a payment on account): QBO works it out from
``TotalAmt``. A bill payment is by cheque from a bank account unless the account is a
credit card (the writer looks that up): ``PayType`` and the matching detail follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ledgerport.connectors.errors import RejectedError
from ledgerport.connectors.quickbooks_online.mapping.common import (
    Doc,
    amount,
    day,
    json_number,
    qbo_ref,
    text,
)

Record = Mapping[str, Any]

PAYMENT_LINKS = {"Invoice": "Invoice", "CreditNote": "CreditMemo"}
BILL_PAYMENT_LINKS = {"Bill": "Bill", "CreditNote": "VendorCredit"}


def _ref_id(record: Record, key: str) -> str | None:
    ref = record.get(key)
    return text(ref.get("id")) if isinstance(ref, Mapping) else None


def _lines(record: Record, kinds: Mapping[str, str]) -> list[Doc]:
    lines = []
    for n, line in enumerate(record.get("lines") or []):
        for m, link in enumerate(line.get("links") or []):
            kind = kinds.get(str(link.get("type")))
            if kind is None:
                continue  # on account, or a kind QBO does not link: unapplied
            if not link.get("id"):
                raise RejectedError(
                    "A link must name the document it settles.",
                    fields=((f"lines[{n}].links[{m}].id", "Required."),),
                )
            value = amount(link.get("amount"))
            if value is None:
                value = amount(line.get("amount")) or Decimal(0)
            lines.append(
                {
                    "Amount": json_number(abs(value)),
                    "LinkedTxn": [{"TxnId": str(link["id"]), "TxnType": kind}],
                }
            )
    return lines


def _header(record: Record) -> Doc:
    body: Doc = {}
    total = amount(record.get("totalAmount"))
    if total is not None:
        body["TotalAmt"] = json_number(total)
    if day(record.get("date")):
        body["TxnDate"] = day(record.get("date"))
    if text(record.get("note")):
        body["PrivateNote"] = text(record.get("note"))
    if text(record.get("currency")):
        body["CurrencyRef"] = qbo_ref(record["currency"])
    rate = amount(record.get("currencyRate"))
    if rate is not None:
        body["ExchangeRate"] = json_number(rate)
    return body


def payment(record: Record) -> Doc:
    body = _header(record)
    customer = _ref_id(record, "customerRef")
    if customer:
        body["CustomerRef"] = qbo_ref(customer)
    account = _ref_id(record, "accountRef")
    if account:
        body["DepositToAccountRef"] = qbo_ref(account)
    method = _ref_id(record, "paymentMethodRef")
    if method:
        body["PaymentMethodRef"] = qbo_ref(method)
    if text(record.get("reference")):
        body["PaymentRefNum"] = text(record.get("reference"))
    body["Line"] = _lines(record, PAYMENT_LINKS)
    return body


def bill_payment(record: Record, *, credit_card: bool) -> Doc:
    body = _header(record)
    supplier = _ref_id(record, "supplierRef")
    if supplier:
        body["VendorRef"] = qbo_ref(supplier)
    if text(record.get("reference")):
        body["DocNumber"] = text(record.get("reference"))
    account = _ref_id(record, "accountRef")
    if account is None:
        raise RejectedError(
            "A bill payment needs the account it is paid from.",
            fields=(("accountRef.id", "Required by QuickBooks Online."),),
        )
    if credit_card:
        body["PayType"] = "CreditCard"
        body["CreditCardPayment"] = {"CCAccountRef": qbo_ref(account)}
    else:
        body["PayType"] = "Check"
        body["CheckPayment"] = {"BankAccountRef": qbo_ref(account)}
    body["Line"] = _lines(record, BILL_PAYMENT_LINKS)
    return body
