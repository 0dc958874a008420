"""Payments and bill payments (Xero ``Payments``), both ways.

A Xero payment settles one document: ACCRECPAYMENT an invoice, ACCPAYPAYMENT a bill,
and ARCREDITPAYMENT / APCREDITPAYMENT refund a credit note in cash. Each is one Codat
payment with one line linking that document. A refund moves money the other way, so,
as Codat signs it, its total and line are negative and its credit-note link positive.
Payments on prepayments and overpayments are not read (Codat has no document for
them to link). A DELETED payment is flagged ``metadata.isDeleted``.

Written payments must likewise settle one document: one line with one link.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ledgerport.connectors.xero.dates import business_date, xero_date
from ledgerport.connectors.xero.mapping.common import (
    DELETED,
    Doc,
    Raw,
    codat_rate,
    envelope,
    money,
    optional_money,
    rendered,
    text,
    xero_rate,
)
from ledgerport.connectors.xero.mapping.lines import UnwritableError
from ledgerport.domain.accounting.payables import BillPayment
from ledgerport.domain.accounting.receivables import Payment

RECEIVABLE_TYPES = ("ACCRECPAYMENT", "ARCREDITPAYMENT")
PAYABLE_TYPES = ("ACCPAYPAYMENT", "APCREDITPAYMENT")
_REFUNDS = ("ARCREDITPAYMENT", "APCREDITPAYMENT")


def _settled(raw: Raw, document_type: str) -> tuple[Raw, str, str | None]:
    """The document paid, the link type, and its id."""
    if raw.get("PaymentType") in _REFUNDS:
        note = raw.get("CreditNote")
        note = note if isinstance(note, Mapping) else {}
        return note, "CreditNote", text(note.get("CreditNoteID"))
    invoice = raw.get("Invoice")
    invoice = invoice if isinstance(invoice, Mapping) else {}
    return invoice, document_type, text(invoice.get("InvoiceID"))


def _payment(raw: Raw, document_type: str, party_key: str, name_key: str) -> Doc:
    document, link_type, document_id = _settled(raw, document_type)
    sign = Decimal(-1) if raw.get("PaymentType") in _REFUNDS else Decimal(1)
    amount = sign * money(raw.get("Amount"))
    day = business_date(raw, "Date")
    rate = codat_rate(raw.get("CurrencyRate"))
    link: Doc = {"type": link_type, "amount": -amount, "currencyRate": rate}
    if document_id is not None:
        link["id"] = document_id
    doc = envelope(raw, "PaymentID", deleted=raw.get("Status") == DELETED) | {
        "totalAmount": amount,
        "currency": text(document.get("CurrencyCode")),
        "currencyRate": rate,
        "date": day,
        "reference": text(raw.get("Reference")),
        "note": None,
        "lines": [{"amount": amount, "links": [link], "allocatedOnDate": day}],
    }
    contact = document.get("Contact")
    if isinstance(contact, Mapping) and contact.get("ContactID"):
        doc[party_key] = {"id": str(contact["ContactID"]), name_key: text(contact.get("Name"))}
    account = raw.get("Account")
    if isinstance(account, Mapping) and account.get("AccountID"):
        doc["accountRef"] = {"id": str(account["AccountID"]), "name": text(account.get("Name"))}
    return doc


def to_payment(raw: Raw) -> Doc:
    return rendered(Payment, _payment(raw, "Invoice", "customerRef", "companyName"))


def to_bill_payment(raw: Raw) -> Doc:
    return rendered(BillPayment, _payment(raw, "Bill", "supplierRef", "supplierName"))


# -- writing ------------------------------------------------------------------------


def payment_to_xero(record: Mapping[str, Any], document_type: str) -> Doc:
    """A Codat payment (``document_type`` Invoice) or bill payment (Bill) as one Xero
    ``Payment``: one line, one link to the document paid, or to a credit note refunded."""
    lines = record.get("lines")
    if not isinstance(lines, list) or len(lines) != 1 or not isinstance(lines[0], Mapping):
        raise UnwritableError("lines", "A Xero payment settles one document: send one line.")
    links = lines[0].get("links")
    if not isinstance(links, list) or len(links) != 1 or not isinstance(links[0], Mapping):
        raise UnwritableError("lines[0].links", "A Xero payment settles one document: one link.")
    link = links[0]
    target = text(link.get("id"))
    if target is None:
        raise UnwritableError("lines[0].links[0].id", "Which document does it pay?")
    amount = optional_money(record.get("totalAmount"))
    if amount is None:
        amount = money(lines[0].get("amount"))
    out: Doc
    if link.get("type") == document_type:
        out = {"Invoice": {"InvoiceID": target}}
    elif link.get("type") == "CreditNote":
        out = {"CreditNote": {"CreditNoteID": target}}
        amount = -amount  # a refund is written as money out, negative in Codat
    else:
        raise UnwritableError(
            "lines[0].links[0].type", f"Xero payments link a {document_type} or a CreditNote."
        )
    if amount <= 0:
        raise UnwritableError("totalAmount", "Xero takes only payments of more than 0.")
    account = record.get("accountRef")
    account_id = text(account.get("id")) if isinstance(account, Mapping) else None
    if account_id is None:
        raise UnwritableError("accountRef.id", "Xero needs the bank account paid from or into.")
    day = xero_date(record.get("date"))
    if day is None:
        raise UnwritableError("date", "date must be a date.")
    out |= {"Account": {"AccountID": account_id}, "Date": day, "Amount": amount}
    if (reference := text(record.get("reference"))) is not None:
        out["Reference"] = reference
    rate = xero_rate(record.get("currencyRate"))
    if rate is not None and rate != 1:
        out["CurrencyRate"] = rate
    return out
