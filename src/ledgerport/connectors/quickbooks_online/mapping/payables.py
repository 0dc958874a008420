"""The purchase side: Vendor → suppliers, Bill → bills, VendorCredit → billCreditNotes,
BillPayment → billPayments.

As on the sales side, ``TotalAmt`` includes tax and status comes from ``Balance``. A
bill payment is made by cheque (``CheckPayment.BankAccountRef``) or card
(``CreditCardPayment.CCAccountRef``): that account is the payment's ``accountRef``.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from ledgerport.connectors.quickbooks_online.mapping.receivables import contact_name, is_void
from ledgerport.domain.accounting import Bill, BillCreditNote, BillPayment, Supplier


def _supplier(raw: Raw) -> Doc:
    return {
        **envelope(raw),
        "supplierName": text(raw.get("DisplayName")) or text(raw.get("CompanyName")),
        "contactName": contact_name(raw),
        "emailAddress": text(nested(raw, "PrimaryEmailAddr", "Address")),
        "phone": text(nested(raw, "PrimaryPhone", "FreeFormNumber")),
        "addresses": addresses(raw, "BillAddr"),
        "registrationNumber": None,
        "taxNumber": text(raw.get("TaxIdentifier")),
        "status": status(raw),
        "defaultCurrency": currency(raw),
    }


def _supplier_ref(raw: Raw) -> Doc | None:
    found = ref_id(raw, "VendorRef")
    return {"id": found, "supplierName": ref_name(raw, "VendorRef")} if found else None


def _bill(raw: Raw) -> Doc:
    total = money(raw.get("TotalAmt"))
    tax = total_tax(raw)
    balance = money(raw.get("Balance"))
    doc: Doc = {
        **envelope(raw),
        "reference": text(raw.get("DocNumber")),
        "issueDate": business_date(raw.get("TxnDate")),
        "dueDate": business_date(raw.get("DueDate")),
        "currency": currency(raw),
        "currencyRate": amount(raw.get("ExchangeRate")),
        "lineItems": line_items(raw, purchase=True),
        "status": "Void" if is_void(raw) else settlement_status(total, balance, "Open"),
        "subTotal": total - tax,
        "taxAmount": tax,
        "totalAmount": total,
        "amountDue": balance,
        "note": text(raw.get("PrivateNote")),
        "paymentAllocations": [
            {"payment": {"id": txn}, "allocation": {}}
            for txn in linked(raw, "BillPaymentCheck", "BillPaymentCreditCard", "BillPayment")
        ],
    }
    supplier = _supplier_ref(raw)
    if supplier:
        doc["supplierRef"] = supplier
    return doc


def _bill_credit_note(raw: Raw) -> Doc:
    total = money(raw.get("TotalAmt"))
    tax = total_tax(raw)
    # Balance arrived in a later minor version; without it nothing says the credit
    # was used, so all of it is taken as remaining.
    remaining = amount(raw.get("Balance"))
    if remaining is None:
        remaining = total
    doc: Doc = {
        **envelope(raw),
        "billCreditNoteNumber": text(raw.get("DocNumber")),
        "issueDate": business_date(raw.get("TxnDate")),
        "currency": currency(raw),
        "currencyRate": amount(raw.get("ExchangeRate")),
        "lineItems": line_items(raw, purchase=True),
        "totalAmount": total,
        "totalDiscount": total_discount(raw),
        "subTotal": total - tax,
        "totalTaxAmount": tax,
        "discountPercentage": Decimal(0),
        "remainingCredit": remaining,
        "status": "Void" if is_void(raw) else settlement_status(total, remaining, "Submitted"),
        "note": text(raw.get("PrivateNote")),
    }
    supplier = _supplier_ref(raw)
    if supplier:
        doc["supplierRef"] = supplier
    return doc


_LINK_TYPES = {"Bill": "Bill", "VendorCredit": "CreditNote", "JournalEntry": "ManualJournal"}


def _payment_lines(raw: Raw) -> list[Doc]:
    return settlement_lines(raw, _LINK_TYPES)


def payment_account(raw: Raw) -> tuple[str | None, str | None]:
    for holder, key in (("CheckPayment", "BankAccountRef"), ("CreditCardPayment", "CCAccountRef")):
        detail = raw.get(holder)
        if isinstance(detail, Mapping) and ref_id(detail, key):
            return ref_id(detail, key), ref_name(detail, key)
    return None, None


def _bill_payment(raw: Raw) -> Doc:
    doc: Doc = {
        **envelope(raw),
        "totalAmount": money(raw.get("TotalAmt")),
        "currency": currency(raw),
        "currencyRate": amount(raw.get("ExchangeRate")),
        "date": business_date(raw.get("TxnDate")),
        "note": text(raw.get("PrivateNote")),
        "reference": text(raw.get("DocNumber")),
        "lines": _payment_lines(raw),
    }
    supplier = _supplier_ref(raw)
    if supplier:
        doc["supplierRef"] = supplier
    account, name = payment_account(raw)
    if account:
        doc["accountRef"] = {"id": account, "name": name}
    return doc


supplier = mapper(Supplier, _supplier)
bill = mapper(Bill, _bill)
bill_credit_note = mapper(BillCreditNote, _bill_credit_note)
bill_payment = mapper(BillPayment, _bill_payment)
