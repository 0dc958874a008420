"""Invoices and bills (Xero ``Invoices``, ``Type`` ACCREC and ACCPAY) and credit notes
(``CreditNotes``, ACCRECCREDIT and ACCPAYCREDIT), both ways.

Statuses: Xero's DRAFT, SUBMITTED (awaiting approval), AUTHORISED (approved, owed),
PAID, VOIDED and DELETED. AUTHORISED is Codat's Submitted (invoices, credit notes) or
Open (bills) until something is paid or credited, then PartiallyPaid. Codat's bills
have no Submitted, so a bill awaiting approval is a Draft. VOIDED is Void; DELETED is
Void too and the record is flagged ``metadata.isDeleted`` (Xero only deletes drafts and
submitted documents, which never reached the ledger).

A bill's ``reference`` is Xero's ``InvoiceNumber``: on ACCPAY that is the supplier's
invoice number, which Xero's own screens call the bill's Reference.
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
    as_list,
    codat_rate,
    envelope,
    money,
    rendered,
    text,
    xero_rate,
)
from ledgerport.connectors.xero.mapping.lines import (
    Lookups,
    UnwritableError,
    line_items,
    lines_to_xero,
)
from ledgerport.domain.accounting.payables import Bill, BillCreditNote
from ledgerport.domain.accounting.receivables import CreditNote, Invoice

_VOID = ("VOIDED", DELETED)


def invoice_status(raw: Raw) -> str:
    status = raw.get("Status")
    if status == "AUTHORISED":
        return "PartiallyPaid" if _part_settled(raw) else "Submitted"
    return {"DRAFT": "Draft", "SUBMITTED": "Submitted", "PAID": "Paid"}.get(
        str(status), "Void" if status in _VOID else "Unknown"
    )


def bill_status(raw: Raw) -> str:
    status = raw.get("Status")
    if status == "AUTHORISED":
        return "PartiallyPaid" if _part_settled(raw) else "Open"
    return {"DRAFT": "Draft", "SUBMITTED": "Draft", "PAID": "Paid"}.get(
        str(status), "Void" if status in _VOID else "Unknown"
    )


def credit_note_status(raw: Raw) -> str:
    status = raw.get("Status")
    if status == "AUTHORISED":
        remaining, total = money(raw.get("RemainingCredit")), money(raw.get("Total"))
        return "PartiallyPaid" if 0 < remaining < total else "Submitted"
    return {"DRAFT": "Draft", "SUBMITTED": "Submitted", "PAID": "Paid"}.get(
        str(status), "Void" if status in _VOID else "Unknown"
    )


def _part_settled(raw: Raw) -> bool:
    settled = money(raw.get("AmountPaid")) + money(raw.get("AmountCredited"))
    return settled > 0 and money(raw.get("AmountDue")) > 0


def _allocation(raw: Raw, doc_id: Any, amount: Any, when: Any, reference: Any, rate: Any) -> Doc:
    currency = text(raw.get("CurrencyCode"))
    day = business_date({"Date": when}, "Date")
    return {
        "payment": {
            "id": str(doc_id) if doc_id else None,
            "reference": text(reference),
            "currency": currency,
            "currencyRate": codat_rate(rate),
            "paidOnDate": day,
            "totalAmount": money(amount),
        },
        "allocation": {"currency": currency, "allocatedOnDate": day, "totalAmount": money(amount)},
    }


def invoice_allocations(raw: Raw) -> list[Doc]:
    """What settled an invoice or bill: payments, then credit notes, prepayments and
    overpayments applied to it (their ``AppliedAmount``)."""
    found = [
        _allocation(raw, p.get("PaymentID"), p.get("Amount"), p.get("Date"), p.get("Reference"),
                    p.get("CurrencyRate"))
        for p in as_list(raw.get("Payments"))
    ]  # fmt: skip
    for key, id_key in (
        ("CreditNotes", "CreditNoteID"),
        ("Prepayments", "PrepaymentID"),
        ("Overpayments", "OverpaymentID"),
    ):
        for applied in as_list(raw.get(key)):
            reference = applied.get("CreditNoteNumber") or applied.get("Reference")
            amount = applied.get("AppliedAmount", applied.get("Total"))
            found.append(
                _allocation(raw, applied.get(id_key), amount, applied.get("Date"), reference,
                            applied.get("CurrencyRate"))
            )  # fmt: skip
    return found


def credit_note_allocations(raw: Raw) -> list[Doc]:
    """What a credit note was used for: allocations to invoices or bills, and cash
    refunds (``Payments``)."""
    found = [
        _allocation(raw, (a.get("Invoice") or {}).get("InvoiceID"), a.get("Amount"),
                    a.get("Date"), (a.get("Invoice") or {}).get("InvoiceNumber"), None)
        for a in as_list(raw.get("Allocations"))
        if not a.get("IsDeleted")
    ]  # fmt: skip
    found += [
        _allocation(raw, p.get("PaymentID"), p.get("Amount"), p.get("Date"), p.get("Reference"),
                    p.get("CurrencyRate"))
        for p in as_list(raw.get("Payments"))
    ]  # fmt: skip
    return found


def _document(raw: Raw, id_key: str) -> Doc:
    doc = envelope(raw, id_key, deleted=raw.get("Status") == DELETED)
    doc |= {
        "issueDate": business_date(raw, "Date"),
        "dueDate": business_date(raw, "DueDate"),
        "currency": text(raw.get("CurrencyCode")),
        "currencyRate": codat_rate(raw.get("CurrencyRate")),
        "subTotal": money(raw.get("SubTotal")),
        "totalAmount": money(raw.get("Total")),
    }
    return doc


def _contact_ref(raw: Raw, name_key: str) -> Doc | None:
    contact = raw.get("Contact")
    if not isinstance(contact, Mapping) or not contact.get("ContactID"):
        return None
    return {"id": str(contact["ContactID"]), name_key: text(contact.get("Name"))}


def _amount_due(raw: Raw, status: str) -> Decimal:
    return Decimal(0) if status == "Void" else money(raw.get("AmountDue"))


def to_invoice(raw: Raw) -> Doc:
    status = invoice_status(raw)
    doc = _document(raw, "InvoiceID") | {
        "invoiceNumber": text(raw.get("InvoiceNumber")),
        "customerRef": _contact_ref(raw, "companyName"),
        "paidOnDate": business_date(raw, "FullyPaidOnDate"),
        "lineItems": line_items(raw, "receivable"),
        "paymentAllocations": invoice_allocations(raw),
        "totalDiscount": money(raw.get("TotalDiscount")),
        "totalTaxAmount": money(raw.get("TotalTax")),
        "amountDue": _amount_due(raw, status),
        "status": status,
    }
    return rendered(Invoice, doc)


def to_bill(raw: Raw) -> Doc:
    status = bill_status(raw)
    doc = _document(raw, "InvoiceID") | {
        "reference": text(raw.get("InvoiceNumber")),
        "supplierRef": _contact_ref(raw, "supplierName"),
        "lineItems": line_items(raw, "payable"),
        "paymentAllocations": invoice_allocations(raw),
        "taxAmount": money(raw.get("TotalTax")),
        "amountDue": _amount_due(raw, status),
        "status": status,
    }
    return rendered(Bill, doc)


def _credit(raw: Raw) -> Doc:
    status = credit_note_status(raw)
    allocations = credit_note_allocations(raw)
    allocated = [a["allocation"]["allocatedOnDate"] for a in allocations
                 if a["allocation"].get("allocatedOnDate")]  # fmt: skip
    doc = _document(raw, "CreditNoteID") | {
        "totalDiscount": Decimal(0),  # Xero discounts lines only; the total is theirs
        "discountPercentage": Decimal(0),
        "totalTaxAmount": money(raw.get("TotalTax")),
        "remainingCredit": Decimal(0) if status == "Void" else money(raw.get("RemainingCredit")),
        "status": status,
        "allocatedOnDate": max(allocated) if allocated else None,
        "paymentAllocations": allocations,
    }
    del doc["dueDate"]
    return doc


def to_credit_note(raw: Raw) -> Doc:
    doc = _credit(raw) | {
        "creditNoteNumber": text(raw.get("CreditNoteNumber")),
        "customerRef": _contact_ref(raw, "companyName"),
        "lineItems": line_items(raw, "receivable"),
    }
    return rendered(CreditNote, doc)


def to_bill_credit_note(raw: Raw) -> Doc:
    doc = _credit(raw) | {
        "billCreditNoteNumber": text(raw.get("CreditNoteNumber")),
        "supplierRef": _contact_ref(raw, "supplierName"),
        "lineItems": line_items(raw, "payable"),
    }
    return rendered(BillCreditNote, doc)


# -- writing ------------------------------------------------------------------------

INVOICE_STATUSES_OUT = {"Draft": "DRAFT", "Submitted": "AUTHORISED"}
BILL_STATUSES_OUT = {"Draft": "DRAFT", "Open": "AUTHORISED"}
CREDIT_STATUSES_OUT = {"Draft": "DRAFT", "Submitted": "AUTHORISED"}


def _contact_id(record: Mapping[str, Any], ref_key: str) -> str:
    ref = record.get(ref_key)
    contact_id = text(ref.get("id")) if isinstance(ref, Mapping) else None
    if contact_id is None:
        raise UnwritableError(f"{ref_key}.id", f"{ref_key}.id is required by Xero.")
    return contact_id


def _status(record: Mapping[str, Any], allowed: Mapping[str, str]) -> str:
    status = record.get("status") or "Draft"
    if status not in allowed:
        choices = ", ".join(allowed)
        raise UnwritableError("status", f"Xero creates these as {choices}, not {status}.")
    return allowed[str(status)]


def _common_out(record: Mapping[str, Any], lookups: Lookups, date_key: str) -> Doc:
    out: Doc = {"LineAmountTypes": "Exclusive", "LineItems": lines_to_xero(record, lookups)}
    day = xero_date(record.get(date_key))
    if day is None:
        raise UnwritableError(date_key, f"{date_key} must be a date.")
    out["Date"] = day
    if (due := xero_date(record.get("dueDate"))) is not None:
        out["DueDate"] = due
    if (currency := text(record.get("currency"))) is not None:
        out["CurrencyCode"] = currency
        rate = xero_rate(record.get("currencyRate"))
        if rate is not None and rate != 1:
            out["CurrencyRate"] = rate
    return out


def invoice_to_xero(record: Mapping[str, Any], lookups: Lookups) -> Doc:
    out = {"Type": "ACCREC", "Contact": {"ContactID": _contact_id(record, "customerRef")}}
    out |= _common_out(record, lookups, "issueDate")
    out["Status"] = _status(record, INVOICE_STATUSES_OUT)
    if (number := text(record.get("invoiceNumber"))) is not None:
        out["InvoiceNumber"] = number
    return out


def bill_to_xero(record: Mapping[str, Any], lookups: Lookups) -> Doc:
    out = {"Type": "ACCPAY", "Contact": {"ContactID": _contact_id(record, "supplierRef")}}
    out |= _common_out(record, lookups, "issueDate")
    out["Status"] = _status(record, BILL_STATUSES_OUT)
    if (reference := text(record.get("reference"))) is not None:
        out["InvoiceNumber"] = reference
    return out


def credit_note_to_xero(record: Mapping[str, Any], lookups: Lookups) -> Doc:
    out = {"Type": "ACCRECCREDIT", "Contact": {"ContactID": _contact_id(record, "customerRef")}}
    out |= _common_out(record, lookups, "issueDate")
    out["Status"] = _status(record, CREDIT_STATUSES_OUT)
    if (number := text(record.get("creditNoteNumber"))) is not None:
        out["CreditNoteNumber"] = number
    return out


def bill_credit_note_to_xero(record: Mapping[str, Any], lookups: Lookups) -> Doc:
    out = {"Type": "ACCPAYCREDIT", "Contact": {"ContactID": _contact_id(record, "supplierRef")}}
    out |= _common_out(record, lookups, "issueDate")
    out["Status"] = _status(record, CREDIT_STATUSES_OUT)
    if (number := text(record.get("billCreditNoteNumber"))) is not None:
        out["CreditNoteNumber"] = number
    return out
