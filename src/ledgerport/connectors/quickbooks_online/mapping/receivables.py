"""The sales side: Customer → customers, Invoice → invoices, CreditMemo → creditNotes,
Payment → payments.

QBO's ``TotalAmt`` includes tax, so a document's ``subTotal`` is ``TotalAmt`` less
``TxnTaxDetail.TotalTax``. QBO has no document status: it is derived from ``Balance``
(paid, partly paid, still owed), and a voided document is the one QBO zeroes and notes
"Voided" (QBO has no drafts: every saved invoice is posted).
"""

from __future__ import annotations

from decimal import Decimal

from ledgerport.connectors.quickbooks_online.mapping.common import (
    Doc,
    Raw,
    addresses,
    amount,
    business_date,
    currency,
    envelope,
    mapper,
    money,
    nested,
    ref_id,
    ref_name,
    status,
    text,
)
from ledgerport.connectors.quickbooks_online.mapping.lines import (
    line_items,
    linked,
    settlement_lines,
    settlement_status,
    total_discount,
    total_tax,
)
from ledgerport.domain.accounting import CreditNote, Customer, Invoice, Payment


def contact_name(raw: Raw) -> str | None:
    parts = [text(raw.get(k)) for k in ("GivenName", "MiddleName", "FamilyName")]
    return " ".join(p for p in parts if p) or None


def _customer(raw: Raw) -> Doc:
    return {
        **envelope(raw),
        "customerName": text(raw.get("DisplayName")) or text(raw.get("CompanyName")),
        "contactName": contact_name(raw),
        "emailAddress": text(nested(raw, "PrimaryEmailAddr", "Address")),
        "defaultCurrency": currency(raw),
        "phone": text(nested(raw, "PrimaryPhone", "FreeFormNumber")),
        "addresses": addresses(raw, "BillAddr", "ShipAddr"),
        "contacts": [],
        "registrationNumber": None,
        "taxNumber": text(raw.get("PrimaryTaxIdentifier")),
        "status": status(raw),
    }


def is_void(raw: Raw) -> bool:
    return money(raw.get("TotalAmt")) == 0 and "voided" in str(raw.get("PrivateNote", "")).lower()


def _note(raw: Raw) -> str | None:
    return text(nested(raw, "CustomerMemo", "value")) or text(raw.get("PrivateNote"))


def _customer_ref(raw: Raw) -> Doc | None:
    found = ref_id(raw, "CustomerRef")
    return {"id": found, "companyName": ref_name(raw, "CustomerRef")} if found else None


def _allocations(raw: Raw, *types: str) -> list[Doc]:
    """Who settled this document: QBO links the payment's id, not its amount here."""
    return [{"payment": {"id": txn}, "allocation": {}} for txn in linked(raw, *types)]


def _document(raw: Raw) -> Doc:
    total = money(raw.get("TotalAmt"))
    tax = total_tax(raw)
    doc: Doc = {
        **envelope(raw),
        "issueDate": business_date(raw.get("TxnDate")),
        "currency": currency(raw),
        "currencyRate": amount(raw.get("ExchangeRate")),
        "totalDiscount": total_discount(raw),
        "subTotal": total - tax,
        "totalTaxAmount": tax,
        "totalAmount": total,
        "note": _note(raw),
        "paymentAllocations": _allocations(raw, "Payment"),
    }
    customer = _customer_ref(raw)
    if customer:
        doc["customerRef"] = customer
    return doc


def _invoice(raw: Raw) -> Doc:
    doc = _document(raw)
    balance = money(raw.get("Balance"))
    state = "Void" if is_void(raw) else settlement_status(doc["totalAmount"], balance, "Submitted")
    return {
        **doc,
        "invoiceNumber": text(raw.get("DocNumber")),
        "dueDate": business_date(raw.get("DueDate")),
        "lineItems": line_items(raw, purchase=False),
        "amountDue": balance,
        "status": state,
        "salesOrderRefs": None,
        "discountPercentage": None,
    }


def _credit_note(raw: Raw) -> Doc:
    doc = _document(raw)
    remaining = amount(raw.get("RemainingCredit"))
    if remaining is None:
        remaining = money(raw.get("Balance"))
    total = doc["totalAmount"]
    state = "Void" if is_void(raw) else settlement_status(total, remaining, "Submitted")
    return {
        **doc,
        "creditNoteNumber": text(raw.get("DocNumber")),
        "lineItems": line_items(raw, purchase=False),
        "remainingCredit": remaining,
        "discountPercentage": Decimal(0),
        "status": state,
    }


_LINK_TYPES = {"Invoice": "Invoice", "CreditMemo": "CreditNote", "JournalEntry": "ManualJournal"}


def _payment_lines(raw: Raw) -> list[Doc]:
    """What is left unapplied is a payment on account."""
    lines = settlement_lines(raw, _LINK_TYPES)
    unapplied = money(raw.get("UnappliedAmt"))
    if unapplied:
        on_account = {"type": "PaymentOnAccount", "amount": -unapplied}
        lines.append({"amount": unapplied, "links": [on_account]})
    return lines


def _payment(raw: Raw) -> Doc:
    doc: Doc = {
        **envelope(raw),
        "totalAmount": money(raw.get("TotalAmt")),
        "currency": currency(raw),
        "currencyRate": amount(raw.get("ExchangeRate")),
        "date": business_date(raw.get("TxnDate")),
        "note": text(raw.get("PrivateNote")),
        "reference": text(raw.get("PaymentRefNum")),
        "lines": _payment_lines(raw),
    }
    customer = _customer_ref(raw)
    if customer:
        doc["customerRef"] = customer
    account = ref_id(raw, "DepositToAccountRef")
    if account:
        doc["accountRef"] = {"id": account, "name": ref_name(raw, "DepositToAccountRef")}
    method = ref_id(raw, "PaymentMethodRef")
    if method:
        doc["paymentMethodRef"] = {"id": method, "name": ref_name(raw, "PaymentMethodRef")}
    return doc


customer = mapper(Customer, _customer)
invoice = mapper(Invoice, _invoice)
credit_note = mapper(CreditNote, _credit_note)
payment = mapper(Payment, _payment)
