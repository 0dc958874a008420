"""Transactions: Invoice and CreditMemo (sales), Bill and VendorCredit (purchases),
Payment and BillPayment (a credit note applied to a document is a payment of 0 linking
both, as QBO records it), JournalEntry (manual journals only: QBO keeps a document's
own posting inside the document) and Purchase (the sandbox's card spending, paid from
the bank account with no bill).

A document's ``SyncToken`` counts the changes it has been through (approved, paid, part
paid, voided): each at its own hour, so a later look at the books never lowers it. A
voided document keeps its lines with amounts zeroed and ``Voided`` in its memo, as QBO
voids them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.state import (
    Company,
    DirectCost,
    Document,
    JournalEntry,
    Line,
    Payment,
)
from ledgerport.simulators.qbo.dates import txn_date
from ledgerport.simulators.qbo.entities import from_sandbox
from ledgerport.simulators.qbo.mapping.common import (
    GBP_REF,
    Json,
    account_ref,
    envelope,
    pounds,
    ref,
    tax_code_ref,
    tax_rate_id,
)
from ledgerport.simulators.qbo.mapping.names import tracking_ref

LINK_TYPES = {
    ("payments", "Invoice"): "Invoice",
    ("payments", "CreditNote"): "CreditMemo",
    ("billPayments", "Bill"): "Bill",
    ("billPayments", "CreditNote"): "VendorCredit",
}
_KINDS = {
    "invoices": "Invoice",
    "creditNotes": "CreditMemo",
    "bills": "Bill",
    "billCreditNotes": "VendorCredit",
}


def kind_of(doc: Document) -> str:
    return _KINDS[doc.data_type]


def sync_token(doc: Document) -> int:
    events = {doc.created, doc.modified, *(a.t for a in doc.allocations)}
    if doc.posted is not None:
        events.add(doc.posted)
    return len(events) - 1


def _doc_envelope(co: Company, doc: Document) -> Json:
    return envelope(
        from_sandbox(kind_of(doc), doc.id),
        sync_token(doc),
        co.moment(doc.created),
        co.moment(doc.modified),
    )


def _class_ref(line: Line) -> Json | None:
    for category in line.tracking:
        found = tracking_ref(category)
        if found is not None and found[0] == "Class":
            return found[1]
    return None


def _department_ref(lines: Iterable[Line]) -> Json | None:
    for line in lines:
        for category in line.tracking:
            found = tracking_ref(category)
            if found is not None and found[0] == "Department":
                return found[1]
    return None


def _item_ref(item_id: str) -> Json:
    return ref(from_sandbox("Item", item_id), c.ITEM_BY_ID[item_id].name)


def _amount(pence: int, void: bool) -> object:
    return pounds(0 if void else pence)


def sales_lines(co: Company, lines: Iterable[Line], void: bool = False) -> list[Json]:
    out: list[Json] = []
    net = 0
    for n, line in enumerate(lines, 1):
        detail: Json = {
            "UnitPrice": pounds(line.unit),
            "Qty": 0 if void else line.quantity,
            "TaxCodeRef": tax_code_ref(line.tax_rate),
            "ItemAccountRef": account_ref(co.chart_by_code[line.account]),
        }
        if line.item is not None:
            detail["ItemRef"] = _item_ref(line.item)
        class_ref = _class_ref(line)
        if class_ref is not None:
            detail["ClassRef"] = class_ref
        out.append(
            {
                "Id": str(n),
                "LineNum": n,
                "Description": line.description,
                "Amount": _amount(line.sub, void),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": detail,
            }
        )
        net += line.sub
    out.append(
        {
            "Amount": _amount(net, void),
            "DetailType": "SubTotalLineDetail",
            "SubTotalLineDetail": {},
        }
    )
    return out


def expense_lines(co: Company, lines: Iterable[Line], void: bool = False) -> list[Json]:
    out: list[Json] = []
    for n, line in enumerate(lines, 1):
        detail: Json = {"TaxCodeRef": tax_code_ref(line.tax_rate), "BillableStatus": "NotBillable"}
        class_ref = _class_ref(line)
        if class_ref is not None:
            detail["ClassRef"] = class_ref
        if line.item is not None:
            kind = "ItemBasedExpenseLineDetail"
            detail |= {
                "ItemRef": _item_ref(line.item),
                "UnitPrice": pounds(line.unit),
                "Qty": 0 if void else line.quantity,
            }
        else:
            kind = "AccountBasedExpenseLineDetail"
            detail["AccountRef"] = account_ref(co.chart_by_code[line.account])
        out.append(
            {
                "Id": str(n),
                "LineNum": n,
                "Description": line.description,
                "Amount": _amount(line.sub, void),
                "DetailType": kind,
                kind: detail,
            }
        )
    return out


def tax_detail(lines: Iterable[Line], *, sales: bool, void: bool = False) -> Json:
    net: dict[c.TaxRateDef, int] = defaultdict(int)
    tax: dict[c.TaxRateDef, int] = defaultdict(int)
    for line in lines:
        net[line.tax_rate] += line.sub
        tax[line.tax_rate] += line.tax
    return {
        "TotalTax": _amount(sum(tax.values()), void),
        "TaxLine": [
            {
                "Amount": _amount(tax[rate], void),
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": ref(tax_rate_id(rate, sales=sales)),
                    "PercentBased": True,
                    "TaxPercent": rate.rate,
                    "NetAmountTaxable": _amount(net[rate], void),
                },
            }
            for rate in net
        ],
    }


def _links(doc: Document, txn_type: str, kind: str) -> list[Json]:
    seen: list[str] = []
    for allocation in doc.allocations:
        if allocation.payment_id not in seen:
            seen.append(allocation.payment_id)
    return [{"TxnId": from_sandbox(kind, pid), "TxnType": txn_type} for pid in seen]


def _document(co: Company, doc: Document, *, sales: bool) -> Json:
    void = doc.void
    result = _doc_envelope(co, doc) | {
        "DocNumber": doc.number[:21],
        "TxnDate": txn_date(co.date(doc.day)),
        "CurrencyRef": GBP_REF,
        "ExchangeRate": 1,
        "GlobalTaxCalculation": "TaxExcluded",
        "TxnTaxDetail": tax_detail(doc.lines, sales=sales, void=void),
        "TotalAmt": _amount(doc.total, void),
        "Balance": _amount(doc.due, void),
    }
    if doc.note or void:
        result["PrivateNote"] = ("Voided " if void else "") + (doc.note or "")
    department = _department_ref(doc.lines)
    if department is not None:
        result["DepartmentRef"] = department
    return result


def invoice(co: Company, doc: Document) -> Json:
    party = doc.party
    result = _document(co, doc, sales=True) | {
        "DueDate": txn_date(co.date(doc.due_day)),
        "CustomerRef": ref(from_sandbox("Customer", party.id), party.name),
        "Line": sales_lines(co, doc.lines, doc.void),
        "LinkedTxn": _links(doc, "Payment", "Payment"),
        "Deposit": 0,
        "ApplyTaxAfterDiscount": False,
        "PrintStatus": "NotSet",
        "EmailStatus": "NotSet" if doc.draft else "EmailSent",
        "AllowOnlineCreditCardPayment": False,
        "AllowOnlineACHPayment": False,
        "HomeTotalAmt": _amount(doc.total, doc.void),
    }
    if party.email:
        result["BillEmail"] = {"Address": party.email}
    return result


def credit_memo(co: Company, doc: Document) -> Json:
    party = doc.party
    return _document(co, doc, sales=True) | {
        "CustomerRef": ref(from_sandbox("Customer", party.id), party.name),
        "Line": sales_lines(co, doc.lines, doc.void),
        "LinkedTxn": _links(doc, "Payment", "Payment"),
        "RemainingCredit": _amount(doc.due, doc.void),
        "PrintStatus": "NotSet",
        "EmailStatus": "NotSet",
        "ApplyTaxAfterDiscount": False,
    }


def bill(co: Company, doc: Document) -> Json:
    party = doc.party
    return _document(co, doc, sales=False) | {
        "DueDate": txn_date(co.date(doc.due_day)),
        "VendorRef": ref(from_sandbox("Vendor", party.id), party.name),
        "APAccountRef": account_ref(c.ACCOUNT_BY_CODE[c.CREDITORS]),
        "Line": expense_lines(co, doc.lines, doc.void),
        "LinkedTxn": _links(doc, "BillPaymentCheck", "BillPayment"),
    }


def vendor_credit(co: Company, doc: Document) -> Json:
    party = doc.party
    return _document(co, doc, sales=False) | {
        "VendorRef": ref(from_sandbox("Vendor", party.id), party.name),
        "APAccountRef": account_ref(c.ACCOUNT_BY_CODE[c.CREDITORS]),
        "Line": expense_lines(co, doc.lines, doc.void),
        "LinkedTxn": _links(doc, "BillPaymentCheck", "BillPayment"),
    }


def document(co: Company, doc: Document) -> Json:
    return {
        "invoices": invoice,
        "creditNotes": credit_memo,
        "bills": bill,
        "billCreditNotes": vendor_credit,
    }[doc.data_type](co, doc)


def _payment_lines(payment: Payment) -> list[Json]:
    return [
        {
            "Amount": pounds(abs(link.amount)),
            "LinkedTxn": [
                {
                    "TxnId": from_sandbox(LINK_TYPES[(payment.data_type, link.type)], link.id),
                    "TxnType": LINK_TYPES[(payment.data_type, link.type)],
                }
            ],
        }
        for line in payment.lines
        for link in line.links
    ]


def _payment_envelope(co: Company, kind: str, payment: Payment) -> Json:
    at = co.moment(payment.t)
    result = envelope(from_sandbox(kind, payment.id), 0, at, at) | {
        "TxnDate": txn_date(co.date(payment.t // 24)),
        "TotalAmt": pounds(payment.total),
        "CurrencyRef": GBP_REF,
        "ExchangeRate": 1,
        "Line": _payment_lines(payment),
    }
    if payment.note:
        result["PrivateNote"] = payment.note
    return result


def payment(co: Company, p: Payment) -> Json:
    result = _payment_envelope(co, "Payment", p) | {
        "CustomerRef": ref(from_sandbox("Customer", p.party.id), p.party.name),
        "ARAccountRef": account_ref(c.ACCOUNT_BY_CODE[c.DEBTORS]),
        "UnappliedAmt": 0,
        "ProcessPayment": False,
    }
    if p.total:
        result["DepositToAccountRef"] = account_ref(co.chart_by_code[p.account])
    if p.reference:
        result["PaymentRefNum"] = p.reference[:21]
    return result


def bill_payment(co: Company, p: Payment) -> Json:
    result = _payment_envelope(co, "BillPayment", p) | {
        "VendorRef": ref(from_sandbox("Vendor", p.party.id), p.party.name),
        "APAccountRef": account_ref(c.ACCOUNT_BY_CODE[c.CREDITORS]),
        "PayType": "Check",
        "CheckPayment": {
            "BankAccountRef": account_ref(co.chart_by_code[p.account]),
            "PrintStatus": "NotSet",
        },
    }
    if p.reference:
        result["DocNumber"] = p.reference[:21]
    return result


def is_manual(entry: JournalEntry) -> bool:
    """Entries QBO keeps as JournalEntry: those no document or payment posted (opening
    balances, depreciation, VAT returns) and the bank's own fees."""
    return entry.record is None or entry.record[1] == "bankTransactions"


def journal_entry(co: Company, entry: JournalEntry) -> Json:
    at = co.moment(entry.t)
    lines = [
        {
            "Id": str(n),
            "Description": line.description or entry.description,
            "Amount": pounds(abs(line.amount)),
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {
                "PostingType": "Debit" if line.amount > 0 else "Credit",
                "AccountRef": account_ref(co.chart_by_code[line.account]),
            },
        }
        for n, line in enumerate(entry.lines, 1)
    ]
    return envelope(from_sandbox("JournalEntry", entry.id), 0, at, at) | {
        "DocNumber": entry.id.removeprefix("je-"),
        "TxnDate": txn_date(co.date(entry.day)),
        "PrivateNote": entry.description,
        "Adjustment": False,
        "CurrencyRef": GBP_REF,
        "ExchangeRate": 1,
        "TotalAmt": pounds(sum(line.amount for line in entry.lines if line.amount > 0)),
        "Line": lines,
    }


def purchase(co: Company, cost: DirectCost) -> Json:
    at = co.moment(cost.t)
    result = envelope(from_sandbox("Purchase", cost.id), 0, at, at) | {
        "PaymentType": "Cash",
        "AccountRef": account_ref(co.chart_by_code[cost.account]),
        "TxnDate": txn_date(co.date(cost.day)),
        "CurrencyRef": GBP_REF,
        "ExchangeRate": 1,
        "Credit": False,
        "GlobalTaxCalculation": "TaxExcluded",
        "TxnTaxDetail": tax_detail(cost.lines, sales=False),
        "TotalAmt": pounds(cost.total),
        "Line": expense_lines(co, cost.lines),
    }
    if cost.reference:
        result["DocNumber"] = cost.reference[:21]
    if cost.note:
        result["PrivateNote"] = cost.note
    return result
