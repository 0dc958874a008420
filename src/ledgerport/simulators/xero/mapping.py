"""Pure functions from the sandbox's Codat-model records to Xero's shapes (the
``Account``, ``Contact`` and ``Invoice`` schemas of ``xero_accounting.yaml``).

Ids become deterministic UUIDs (Xero's ids are GUIDs) derived from the tenant and the
sandbox id, so the same record has the same ``InvoiceID`` on every call. Money stays
Decimal here; it becomes a JSON number only when the response is written."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from ledgerport.simulators.xero.dates import date_string, ms_date, parse_iso

Record = dict[str, Any]

# Codat account category (first two parts) -> Xero AccountType (closed enum in the spec).
_ACCOUNT_TYPES: dict[str, str] = {
    "Asset.Current": "CURRENT",
    "Asset.Fixed": "FIXED",
    "Asset.NonCurrent": "NONCURRENT",
    "Asset.Inventory": "INVENTORY",
    "Asset.Prepayment": "PREPAYMENT",
    "Equity.Dividends": "EQUITY",
    "Equity.RetainedEarnings": "EQUITY",
    "Equity.ShareCapital": "EQUITY",
    "Expense.CostOfSales": "DIRECTCOSTS",
    "Expense.Overheads": "OVERHEADS",
    "Expense.Depreciation": "DEPRECIATN",
    "Income.Revenue": "REVENUE",
    "Income.Other": "OTHERINCOME",
    "Liability.Current": "CURRLIAB",
    "Liability.NonCurrent": "TERMLIAB",
}
_CLASS_TYPES = {"Asset": "CURRENT", "Equity": "EQUITY", "Expense": "EXPENSE"}
_CLASS_TYPES |= {"Income": "REVENUE", "Liability": "CURRLIAB"}
_ACCOUNT_CLASSES = {"Asset": "ASSET", "Equity": "EQUITY", "Expense": "EXPENSE"}
_ACCOUNT_CLASSES |= {"Income": "REVENUE", "Liability": "LIABILITY"}

# Sandbox tax rate id -> Xero UK TaxType, for sales (ACCREC) and purchases (ACCPAY).
_TAX_TYPES: dict[str, tuple[str, str]] = {
    "tax-s": ("OUTPUT2", "INPUT2"),
    "tax-r": ("RROUTPUT", "RRINPUT"),
    "tax-z": ("ZERORATEDOUTPUT", "ZERORATEDINPUT"),
    "tax-e": ("EXEMPTOUTPUT", "EXEMPTINPUT"),
    "tax-n": ("NONE", "NONE"),
}

# Codat document status -> Xero invoice Status: part-paid and open are AUTHORISED.
_INVOICE_STATUSES = {
    "Draft": "DRAFT",
    "Submitted": "AUTHORISED",
    "Open": "AUTHORISED",
    "PartiallyPaid": "AUTHORISED",
    "Paid": "PAID",
    "Void": "VOIDED",
}


def xero_id(tenant_id: str, kind: str, sandbox_id: str) -> str:
    """The GUID Xero would give the sandbox record ``sandbox_id`` of ``kind``: stable
    for a tenant, different between tenants."""
    return str(uuid.uuid5(uuid.UUID(tenant_id), f"{kind}:{sandbox_id}"))


def money(value: Any) -> Decimal:
    """A sandbox amount (int or 2-dp number) as an exact Decimal."""
    return Decimal(str(value)) if value is not None else Decimal(0)


def updated(record: Record) -> str:
    return ms_date(parse_iso(record["sourceModifiedDate"]))


def account(tenant_id: str, record: Record) -> Record:
    """A chart-of-accounts record as a Xero ``Account``."""
    category = record.get("fullyQualifiedCategory") or record["type"]
    top = category.split(".")[0]
    is_bank = bool(record.get("isBankAccount"))
    account_type = (
        "BANK"
        if is_bank
        else _ACCOUNT_TYPES.get(".".join(category.split(".")[:2]), _CLASS_TYPES.get(top, "CURRENT"))
    )
    status = "ARCHIVED" if record.get("status") == "Archived" else "ACTIVE"
    result: Record = {
        "AccountID": xero_id(tenant_id, "account", record["id"]),
        "Code": record.get("nominalCode") or "",
        "Name": record["name"],
        "Status": "DELETED" if record["metadata"]["isDeleted"] else status,
        "Type": account_type,
        "TaxType": "NONE",
        "Class": _ACCOUNT_CLASSES.get(top, "ASSET"),
        "EnablePaymentsToAccount": False,
        "ShowInExpenseClaims": False,
        "BankAccountType": "BANK" if is_bank else "",
        "ReportingCode": "",
        "HasAttachments": False,
        "UpdatedDateUTC": updated(record),
        "AddToWatchlist": False,
    }
    if record.get("description"):
        result["Description"] = record["description"]
    if is_bank:
        result["CurrencyCode"] = record.get("currency") or "GBP"
    return result


def _addresses(record: Record) -> list[Record]:
    return [
        {
            "AddressType": "POBOX" if a.get("type") == "Billing" else "STREET",
            "AddressLine1": a.get("line1") or "",
            "AddressLine2": a.get("line2") or "",
            "City": a.get("city") or "",
            "Region": a.get("region") or "",
            "PostalCode": a.get("postalCode") or "",
            "Country": a.get("country") or "",
        }
        for a in record.get("addresses") or []
    ]


def contact(tenant_id: str, record: Record, *, is_customer: bool) -> Record:
    """A customer (``is_customer``) or supplier record as a Xero ``Contact``. The
    sandbox keeps them apart, so each is exactly one of IsCustomer / IsSupplier."""
    kind = "customer" if is_customer else "supplier"
    name = record["customerName"] if is_customer else record["supplierName"]
    archived = record["metadata"]["isDeleted"] or record.get("status") == "Archived"
    result: Record = {
        "ContactID": xero_id(tenant_id, kind, record["id"]),
        "ContactStatus": "ARCHIVED" if archived else "ACTIVE",
        "Name": name,
        "EmailAddress": record.get("emailAddress") or "",
        "Addresses": _addresses(record),
        "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": record.get("phone") or ""}],
        "IsSupplier": not is_customer,
        "IsCustomer": is_customer,
        "DefaultCurrency": record.get("defaultCurrency") or "GBP",
        "UpdatedDateUTC": updated(record),
        "ContactGroups": [],
        "ContactPersons": [],
        "HasAttachments": False,
        "HasValidationErrors": False,
    }
    person = (record.get("contactName") or "").split(" ", 1)
    if person[0]:
        result["FirstName"] = person[0]
        result["LastName"] = person[1] if len(person) > 1 else ""
    if record.get("taxNumber"):
        result["TaxNumber"] = record["taxNumber"]
    return result


def contact_ref(tenant_id: str, kind: str, sandbox_id: str, name: str) -> Record:
    """The summary ``Contact`` Xero nests in an invoice."""
    return {"ContactID": xero_id(tenant_id, kind, sandbox_id), "Name": name}


def _line(tenant_id: str, line_key: str, line: Record, *, sales: bool) -> Record:
    tax = (line.get("taxRateRef") or {}).get("id", "tax-n")
    account_ref = line.get("accountRef") or {}
    result: Record = {
        "LineItemID": xero_id(tenant_id, "line", line_key),
        "Description": line.get("description") or "",
        "Quantity": money(line.get("quantity")),
        "UnitAmount": money(line.get("unitAmount")),
        "TaxType": _TAX_TYPES.get(tax, ("NONE", "NONE"))[0 if sales else 1],
        "TaxAmount": money(line.get("taxAmount")),
        "LineAmount": money(line.get("subTotal")),
        "Tracking": [],
    }
    if account_ref.get("id", "").startswith("acc-"):
        result["AccountCode"] = account_ref["id"].removeprefix("acc-")
        result["AccountID"] = xero_id(tenant_id, "account", account_ref["id"])
    item = line.get("itemRef")
    if item:
        result["ItemCode"] = item["id"].removeprefix("itm-").upper()
    return result


def invoice(tenant_id: str, record: Record, *, sales: bool) -> Record:
    """A sandbox invoice (``sales``, ACCREC) or bill (ACCPAY) as a Xero ``Invoice``.

    Deleted drafts are DELETED (Xero deletes unapproved documents and voids approved
    ones); the amounts are the record's own, with ``AmountPaid`` what it lacks."""
    kind = "invoice" if sales else "bill"
    if sales:
        party = record["customerRef"]
        contact_json = contact_ref(
            tenant_id, "customer", party["id"], party.get("companyName") or ""
        )
    else:
        party = record["supplierRef"]
        contact_json = contact_ref(
            tenant_id, "supplier", party["id"], party.get("supplierName") or ""
        )
    status = _INVOICE_STATUSES.get(record["status"], "AUTHORISED")
    if record["metadata"]["isDeleted"]:
        status = "DELETED" if status in ("DRAFT", "SUBMITTED") else "VOIDED"
    total = money(record["totalAmount"])
    due = money(record["amountDue"]) if status not in ("VOIDED", "DELETED") else Decimal(0)
    paid = sum(
        (money(a["allocation"]["totalAmount"]) for a in record.get("paymentAllocations") or []),
        Decimal(0),
    )
    issued, due_date = parse_iso(record["issueDate"]), parse_iso(record["dueDate"])
    result: Record = {
        "Type": "ACCREC" if sales else "ACCPAY",
        "InvoiceID": xero_id(tenant_id, kind, record["id"]),
        "InvoiceNumber": record.get("invoiceNumber") or record.get("reference") or "",
        "Reference": (record.get("note") if sales else record.get("reference")) or "",
        "Contact": contact_json,
        "Date": ms_date(issued),
        "DateString": date_string(issued),
        "DueDate": ms_date(due_date),
        "DueDateString": date_string(due_date),
        "Status": status,
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            _line(tenant_id, f"{record['id']}:{n}", line, sales=sales)
            for n, line in enumerate(record.get("lineItems") or [])
        ],
        "SubTotal": money(record["subTotal"]),
        "TotalTax": money(record.get("totalTaxAmount", record.get("taxAmount"))),
        "Total": total,
        "TotalDiscount": money(record.get("totalDiscount")),
        "CurrencyCode": record.get("currency") or "GBP",
        "CurrencyRate": money(record.get("currencyRate") or 1),
        "AmountDue": due,
        "AmountPaid": paid,
        "AmountCredited": (
            Decimal(0) if status in ("VOIDED", "DELETED") else max(total - due - paid, Decimal(0))
        ),
        "SentToContact": False,
        "HasAttachments": True,
        "IsDiscounted": False,
        "HasErrors": False,
        "UpdatedDateUTC": updated(record),
    }
    if status == "PAID":
        allocations = record.get("paymentAllocations") or []
        if allocations:
            last = max(parse_iso(a["allocation"]["allocatedOnDate"]) for a in allocations)
            result["FullyPaidOnDate"] = ms_date(last)
    return result
