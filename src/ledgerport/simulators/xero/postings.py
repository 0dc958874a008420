"""Xero's money writes as the sandbox engine's records: invoices, bills and their
credit notes (``apply_document``), payments, credit-note allocations, accounts and
spend/receive bank transactions, each checked first as Xero checks it (see
``translate`` for contacts, lines and the shared rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.state import Document
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import mapping
from ledgerport.simulators.xero.index import DOCUMENT_KINDS
from ledgerport.simulators.xero.records import View
from ledgerport.simulators.xero.translate import (
    ACCOUNT_CLASSES,
    Element,
    RefusedError,
    amount_of,
    date_value,
    lines_of,
    party_for,
    text,
    write_record,
)

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator

_DOCUMENT_TYPES = {
    "ACCREC": DataType.INVOICES,
    "ACCPAY": DataType.BILLS,
    "ACCRECCREDIT": DataType.CREDIT_NOTES,
    "ACCPAYCREDIT": DataType.BILL_CREDIT_NOTES,
}
_SALES = (DataType.INVOICES, DataType.CREDIT_NOTES)
_POSTED = {DataType.INVOICES: "Submitted", DataType.BILLS: "Open"}


# -- invoices and credit notes ------------------------------------------------------------


def _existing_document(view: View, guid: str, types: tuple[DataType, ...]) -> Document:
    ref = view.sim.index(view.built).find(guid, *types)
    if ref is None or not isinstance(ref.obj, Document) or ref.obj.deleted:
        raise RefusedError(f"The document with id {guid} could not be found.")
    return ref.obj


def apply_document(sim: XeroSimulator, element: Element, guid: str | None, credit: bool) -> str:
    """An invoice or bill (``credit``: a credit note) created or updated."""
    view = View(sim, sim.books())
    id_field, number_field = (
        ("CreditNoteID", "CreditNoteNumber") if credit else ("InvoiceID", "InvoiceNumber")
    )
    guid = guid or text(element, id_field)
    existing = None
    if guid is not None:
        types = (
            (DataType.CREDIT_NOTES, DataType.BILL_CREDIT_NOTES)
            if credit
            else (DataType.INVOICES, DataType.BILLS)
        )
        existing = _existing_document(view, guid, types)
        data_type = DataType(existing.data_type)
    else:
        xero_type = element.get("Type")
        allowed = ("ACCRECCREDIT", "ACCPAYCREDIT") if credit else ("ACCREC", "ACCPAY")
        if xero_type not in allowed:
            raise RefusedError(f"Type must be {' or '.join(allowed)}.")
        data_type = _DOCUMENT_TYPES[str(xero_type)]
    sales = data_type in _SALES
    record: dict[str, Any] = {}
    if existing is None or element.get("Contact") is not None:
        record["customerRef" if sales else "supplierRef"] = {
            "id": party_for(sim, view, element.get("Contact"), sales)
        }
        view = View(sim, sim.books())  # a contact or twin may have just been made
    number = text(element, number_field)
    if number is not None:
        key = {
            DataType.INVOICES: "invoiceNumber",
            DataType.BILLS: "reference",
            DataType.CREDIT_NOTES: "creditNoteNumber",
            DataType.BILL_CREDIT_NOTES: "billCreditNoteNumber",
        }[data_type]
        record[key] = number
    if "Reference" in element:
        record["note"] = text(element, "Reference")
    for xero_key, codat_key in (("Date", "issueDate"), ("DueDate", "dueDate")):
        value = date_value(element.get(xero_key), xero_key)
        if value is not None and (codat_key == "issueDate" or not credit):
            record[codat_key] = value
    lines = lines_of(view, element, sales)
    if lines is not None:
        record["lineItems"] = lines
    if element.get("CurrencyCode") is not None:
        record["currency"] = element["CurrencyCode"]
    status = element.get("Status")
    kind = WriteKind.UPDATE if existing is not None else WriteKind.CREATE
    posted = _POSTED.get(data_type, "Submitted")
    if status in ("DRAFT", "SUBMITTED"):
        record["status"] = "Draft"
    elif status == "AUTHORISED":
        record["status"] = posted
    elif status == "VOIDED" and existing is not None:
        if existing.draft:
            raise RefusedError("A draft document cannot be voided: delete it instead.")
        record["status"] = "Void"
    elif status == "DELETED" and existing is not None and data_type in _POSTED:
        if not existing.draft:
            raise RefusedError("Only draft or submitted documents can be deleted: void it instead.")
        kind = WriteKind.DELETE
        record = {}
    elif status is not None:
        raise RefusedError(f"Status {status} is not valid here.")
    elif existing is None:
        record["status"] = "Draft"  # Xero's default for a new document
    sandbox_id = write_record(
        sim, data_type, kind, record, existing.id if existing is not None else None
    )
    return mapping.xero_id(sim.tenant.tenant_id, DOCUMENT_KINDS[data_type], sandbox_id)


# -- payments and allocations -------------------------------------------------------------


def _document_ref(view: View, ref: Any, types: tuple[DataType, ...], what: str) -> Document:
    if not isinstance(ref, Mapping):
        raise RefusedError(f"{what} must be specified.")
    index = view.sim.index(view.built)
    doc = None
    for key in ("InvoiceID", "CreditNoteID"):
        if ref.get(key):
            found = index.find(str(ref[key]), *types)
            doc = found.obj if found is not None else None
    number = ref.get("InvoiceNumber") or ref.get("CreditNoteNumber")
    if doc is None and number:
        doc = next(
            (
                index.by_number.get((t, str(number).casefold()))
                for t in types
                if (t, str(number).casefold()) in index.by_number
            ),
            None,
        )
    if not isinstance(doc, Document) or doc.deleted:
        raise RefusedError(f"{what} could not be found.")
    return doc


def _bank_account(view: View, ref: Any) -> c.AccountDef:
    if not isinstance(ref, Mapping) or not (ref.get("AccountID") or ref.get("Code")):
        raise RefusedError("An Account must be specified: the bank account the money went through.")
    account = None
    if ref.get("AccountID"):
        found = view.sim.index(view.built).find(str(ref["AccountID"]), DataType.CHART_OF_ACCOUNTS)
        account = found.obj if found is not None else None
    else:
        account = view.company.chart_by_code.get(str(ref["Code"]))
    if not isinstance(account, c.AccountDef):
        raise RefusedError("The Account could not be found.")
    if not account.is_bank:
        raise RefusedError(
            f"Account {account.code} is not a bank account: payments go through a bank account."
        )
    return account


def apply_payment(sim: XeroSimulator, element: Element, guid: str | None) -> str:
    if guid is not None or element.get("PaymentID"):
        raise RefusedError("A payment cannot be changed; delete it and create a new one.")
    view = View(sim, sim.books())
    if element.get("Invoice") is None:
        raise RefusedError(
            "The simulator takes payments against invoices and bills only"
            " (an Invoice must be specified)."
        )
    doc = _document_ref(
        view, element.get("Invoice"), (DataType.INVOICES, DataType.BILLS), "The Invoice"
    )
    if doc.draft:
        raise RefusedError("Payments can only be made against Authorised documents.")
    if doc.void:
        raise RefusedError("Payments cannot be made against voided documents.")
    if element.get("Amount") is None:
        raise RefusedError("Amount must be specified.")
    amount = amount_of(element["Amount"], "Amount")
    if amount <= 0:
        raise RefusedError("Payment amount must be greater than zero.")
    if amount * 100 > doc.due:
        raise RefusedError("Payment amount exceeds the amount outstanding on this document.")
    bank = _bank_account(view, element.get("Account"))
    sales = doc.data_type == "invoices"
    record = {
        "customerRef" if sales else "supplierRef": {"id": doc.party.id},
        "accountRef": {"id": bank.id},
        "totalAmount": amount,
        "reference": text(element, "Reference"),
        "currency": bank.currency,
        "lines": [
            {
                "amount": amount,
                "links": [
                    {"type": "Invoice" if sales else "Bill", "id": doc.id, "amount": -amount}
                ],
            }
        ],
    }
    when = date_value(element.get("Date"), "Date")
    if when is not None:
        record["date"] = when
    data_type = DataType.PAYMENTS if sales else DataType.BILL_PAYMENTS
    payment_id = write_record(sim, data_type, WriteKind.CREATE, record)
    return mapping.xero_id(sim.tenant.tenant_id, "payment", f"{payment_id}:0:0")


def apply_allocation(sim: XeroSimulator, element: Element, credit_guid: str) -> dict[str, Any]:
    """``PUT /CreditNotes/{CreditNoteID}/Allocations``: part of a credit note used
    against an invoice or bill of the same contact (a payment of 0 in the sandbox)."""
    view = View(sim, sim.books())
    credit = _existing_document(
        view, credit_guid, (DataType.CREDIT_NOTES, DataType.BILL_CREDIT_NOTES)
    )
    sales = credit.data_type == "creditNotes"
    target_type = DataType.INVOICES if sales else DataType.BILLS
    doc = _document_ref(view, element.get("Invoice"), (target_type,), "The Invoice")
    amount = amount_of(element.get("Amount"), "Amount")
    if amount <= 0:
        raise RefusedError("Amount must be greater than zero.")
    if amount * 100 > credit.due:
        raise RefusedError("The amount allocated exceeds the credit remaining on the credit note.")
    if amount * 100 > doc.due:
        raise RefusedError("The amount allocated exceeds the amount outstanding on the invoice.")
    record: dict[str, Any] = {
        "customerRef" if sales else "supplierRef": {"id": doc.party.id},
        "totalAmount": 0,
        "lines": [
            {
                "amount": 0,
                "links": [
                    {"type": "Invoice" if sales else "Bill", "id": doc.id, "amount": -amount},
                    {"type": "CreditNote", "id": credit.id, "amount": amount},
                ],
            }
        ],
    }
    when = date_value(element.get("Date"), "Date")
    if when is not None:
        record["date"] = when
    payment_id = write_record(
        sim, DataType.PAYMENTS if sales else DataType.BILL_PAYMENTS, WriteKind.CREATE, record
    )
    tenant = sim.tenant.tenant_id
    return {
        "AllocationID": mapping.xero_id(tenant, "allocation", payment_id),
        "Invoice": {"InvoiceID": mapping.xero_id(tenant, DOCUMENT_KINDS[target_type], doc.id)},
        "CreditNote": {"CreditNoteID": credit_guid.lower()},
        "Amount": amount,
        "Date": element.get("Date") or "",
        "IsDeleted": False,
    }


# -- accounts and bank transactions -------------------------------------------------------


def apply_account(sim: XeroSimulator, element: Element, guid: str | None) -> str:
    if guid is not None or element.get("AccountID"):
        raise RefusedError("The simulator creates accounts; it does not change them.")
    view = View(sim, sim.books())
    name, code = text(element, "Name"), text(element, "Code")
    if name is None:
        raise RefusedError("Please enter a Name.")
    if code is not None and code in view.company.chart_by_code:
        raise RefusedError("Please enter a unique Code.")
    account_type = str(element.get("Type") or "")
    if account_type == "BANK":
        number = text(element, "BankAccountNumber")
        if number is None:
            raise RefusedError("Please enter a Bank Account Number.")
        record = {
            "accountName": name,
            "accountNumber": number,
            "currency": element.get("CurrencyCode") or "GBP",
        }
        if code is not None:
            record["nominalCode"] = code
        account_id = write_record(sim, DataType.BANK_ACCOUNTS, WriteKind.CREATE, record)
    else:
        if account_type not in ACCOUNT_CLASSES:
            raise RefusedError(f"Type must be one of BANK, {', '.join(ACCOUNT_CLASSES)}.")
        if code is None:
            raise RefusedError("Please enter a Code.")
        codat_type, category = ACCOUNT_CLASSES[account_type]
        record = {
            "name": name,
            "nominalCode": code,
            "type": codat_type,
            "fullyQualifiedCategory": category,
            "description": text(element, "Description"),
        }
        account_id = write_record(sim, DataType.CHART_OF_ACCOUNTS, WriteKind.CREATE, record)
    return mapping.xero_id(sim.tenant.tenant_id, "account", account_id)


def apply_bank_transaction(sim: XeroSimulator, element: Element, guid: str | None) -> str:
    """A SPEND (the sandbox's direct cost) or RECEIVE (direct income) created."""
    if guid is not None or element.get("BankTransactionID"):
        raise RefusedError("The simulator creates bank transactions; it does not change them.")
    view = View(sim, sim.books())
    kind = element.get("Type")
    if kind not in ("SPEND", "RECEIVE"):
        raise RefusedError(
            "Type must be SPEND or RECEIVE (transfers and prepayments are not simulated)."
        )
    income = kind == "RECEIVE"
    bank = _bank_account(view, element.get("BankAccount"))
    record: dict[str, Any] = {
        "paymentAllocations": [{"payment": {"accountRef": {"id": bank.id}}, "allocation": {}}],
        "reference": text(element, "Reference"),
    }
    if element.get("Contact") is not None:
        party = party_for(sim, view, element["Contact"], income)
        record["contactRef"] = {"id": party, "dataType": "customers" if income else "suppliers"}
        view = View(sim, sim.books())
    lines = lines_of(view, element, income)
    if not lines:
        raise RefusedError("A bank transaction must have at least one line item.")
    record["lineItems"] = lines
    when = date_value(element.get("Date"), "Date")
    if when is not None:
        record["issueDate"] = when
    if element.get("CurrencyCode") is not None:
        record["currency"] = element["CurrencyCode"]
    data_type = DataType.DIRECT_INCOMES if income else DataType.DIRECT_COSTS
    sandbox_id = write_record(sim, data_type, WriteKind.CREATE, record)
    return mapping.xero_id(sim.tenant.tenant_id, "bank-transaction", sandbox_id)
