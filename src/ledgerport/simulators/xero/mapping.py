"""Pure functions from the sandbox's Codat-model records to Xero's shapes (the
``Account``, ``Contact``, ``Invoice``, ``CreditNote``, ``Payment``, ``Item``,
``TaxRate``, ``TrackingCategory`` and ``Organisation`` schemas of
``xero_accounting.yaml``; bank transactions and journals are in ``banking.py`` and
``journals.py``).

Ids become deterministic UUIDs (Xero's ids are GUIDs) derived from the tenant and the
sandbox id, so the same record has the same ``InvoiceID`` on every call. Money stays
Decimal here; it becomes a JSON number only when the response is written."""

from __future__ import annotations

import uuid
from datetime import timedelta
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


def item_code(sandbox_id: str) -> str:
    """The Xero ``Code`` of the sandbox item ``sandbox_id``: derived from the id, which
    is all an invoice line's ``itemRef`` carries, so a line's ``ItemCode`` always
    names an ``Item`` from ``/Items``."""
    return sandbox_id.removeprefix("itm-").upper()


def money(value: Any) -> Decimal:
    """A sandbox amount (int or 2-dp number) as an exact Decimal."""
    return Decimal(str(value)) if value is not None else Decimal(0)


def updated(record: Record) -> str:
    return ms_date(parse_iso(record["sourceModifiedDate"]))


def account_type(category: str, *, is_bank: bool) -> str:
    """Xero's ``AccountType`` for a Codat ``fullyQualifiedCategory``."""
    if is_bank:
        return "BANK"
    top = category.split(".")[0]
    return _ACCOUNT_TYPES.get(".".join(category.split(".")[:2]), _CLASS_TYPES.get(top, "CURRENT"))


def account(tenant_id: str, record: Record) -> Record:
    """A chart-of-accounts record as a Xero ``Account``."""
    category = record.get("fullyQualifiedCategory") or record["type"]
    top = category.split(".")[0]
    is_bank = bool(record.get("isBankAccount"))
    status = "ARCHIVED" if record.get("status") == "Archived" else "ACTIVE"
    result: Record = {
        "AccountID": xero_id(tenant_id, "account", record["id"]),
        "Code": record.get("nominalCode") or "",
        "Name": record["name"],
        "Status": "DELETED" if record["metadata"]["isDeleted"] else status,
        "Type": account_type(category, is_bank=is_bank),
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


def _link_type(codat_type: str | None) -> str:
    """A Codat web link type as Xero's closed ``LinkType`` (anything else: Website)."""
    known = {"facebook": "Facebook", "linkedin": "LinkedIn", "twitter": "Twitter"}
    return known.get((codat_type or "").lower(), "Website")


def organisation(tenant_id: str, record: Record) -> Record:
    """The sandbox's company info as Xero's ``Organisation``: a UK VAT-registered
    company (the sandbox's books use UK VAT rates), its year end the day before the
    financial year starts, and the ledger lock date as ``PeriodLockDate``."""
    year_end = parse_iso(record["financialYearStartDate"]) - timedelta(days=1)
    result: Record = {
        "OrganisationID": tenant_id,
        "Name": record["companyName"],
        "LegalName": record.get("companyLegalName") or record["companyName"],
        "PaysTax": True,
        "Version": "UK",
        "OrganisationType": "COMPANY",
        "OrganisationEntityType": "COMPANY",
        "BaseCurrency": record.get("baseCurrency") or "GBP",
        "CountryCode": "GB",
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": year_end.day,
        "FinancialYearEndMonth": year_end.month,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY1",
        "Timezone": "GMTSTANDARDTIME",
        "Edition": "BUSINESS",
        "Class": "STANDARD",
        "Addresses": _addresses(record),
        "Phones": [
            {
                "PhoneType": "MOBILE" if p.get("type") == "Mobile" else "OFFICE",
                "PhoneNumber": p.get("number") or "",
            }
            for p in record.get("phoneNumbers") or []
        ],
        "ExternalLinks": [
            {"LinkType": _link_type(w.get("type")), "Url": w.get("url") or ""}
            for w in record.get("webLinks") or []
        ],
    }
    if record.get("registrationNumber"):
        result["RegistrationNumber"] = record["registrationNumber"]
    if record.get("taxNumber"):
        result["TaxNumber"] = record["taxNumber"]
    if record.get("ledgerLockDate"):
        result["PeriodLockDate"] = ms_date(parse_iso(record["ledgerLockDate"]))
    if record.get("createdDate"):
        result["CreatedDateUTC"] = ms_date(parse_iso(record["createdDate"]))
    return result


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


def line_item(tenant_id: str, line_key: str, line: Record, *, sales: bool) -> Record:
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
        result["ItemCode"] = item_code(item["id"])
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
    # Money paid came through a bank account; a credit note applied did not.
    paid = sum(
        (
            money(a["allocation"]["totalAmount"])
            for a in record.get("paymentAllocations") or []
            if a["payment"].get("accountRef")
        ),
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
            line_item(tenant_id, f"{record['id']}:{n}", line, sales=sales)
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


# Xero TaxType -> the spec's ReportTaxType (the VAT-return box family it reports in).
_REPORT_TAX_TYPES = {
    "OUTPUT2": "OUTPUT",
    "RROUTPUT": "OUTPUT",
    "INPUT2": "INPUT",
    "RRINPUT": "INPUT",
    "ZERORATEDOUTPUT": "ZERORATEDOUTPUT",
    "ZERORATEDINPUT": "ZERORATEDINPUT",
    "EXEMPTOUTPUT": "EXEMPTOUTPUT",
    "EXEMPTINPUT": "EXEMPTINPUT",
    "NONE": "NONE",
}


def _status(record: Record, field: str = "status") -> str:
    """A sandbox Active/Archived status (or deletion) as Xero's ACTIVE/ARCHIVED/DELETED."""
    if record["metadata"]["isDeleted"]:
        return "DELETED"
    return "ARCHIVED" if record.get(field) == "Archived" else "ACTIVE"


def tax_rates(record: Record) -> list[Record]:
    """A sandbox tax rate as Xero ``TaxRate`` records. Xero keeps a sales and a
    purchases TaxType per UK VAT rate (``OUTPUT2``/``INPUT2``), so each sandbox rate
    becomes both, named as Xero names them; "no VAT" is one ``NONE`` rate. Every
    ``TaxType`` an invoice line carries is therefore listed here."""
    sales_type, purchase_type = _TAX_TYPES.get(record["id"], ("NONE", "NONE"))
    rate = money(record.get("effectiveTaxRate"))
    sides = [(sales_type, "Income"), (purchase_type, "Expenses")]
    if sales_type == purchase_type:
        sides = [(sales_type, "")]
    out: list[Record] = []
    for tax_type, side in sides:
        out.append(
            {
                "Name": f"{record['name']} on {side}" if side else record["name"],
                "TaxType": tax_type,
                "ReportTaxType": _REPORT_TAX_TYPES.get(tax_type, "NONE"),
                "Status": _status(record),
                "TaxComponents": [
                    {
                        "Name": c.get("name") or record["name"],
                        "Rate": money(c.get("rate")),
                        "IsCompound": bool(c.get("isCompound")),
                        "IsNonRecoverable": False,
                    }
                    for c in record.get("components") or []
                ],
                "CanApplyToAssets": True,
                "CanApplyToEquity": True,
                "CanApplyToExpenses": True,
                "CanApplyToLiabilities": True,
                "CanApplyToRevenue": True,
                "DisplayTaxRate": rate,
                "EffectiveRate": rate,
            }
        )
    return out


def tracking_categories(
    tenant_id: str, records: list[Record], *, include_archived: bool
) -> list[Record]:
    """The sandbox's tracking tree as Xero ``TrackingCategory`` records: top-level
    nodes are categories, their children the ``Options`` (Xero has two levels). As in
    Xero, ARCHIVED categories and options appear only with ``include_archived``;
    deleted ones never do."""

    def shown(record: Record) -> bool:
        status = _status(record)
        return status == "ACTIVE" or (include_archived and status == "ARCHIVED")

    out: list[Record] = []
    for category in records:
        if category.get("parentId") or not shown(category):
            continue
        category_id = xero_id(tenant_id, "tracking", category["id"])
        options = [
            {
                "TrackingOptionID": xero_id(tenant_id, "tracking-option", option["id"]),
                "Name": option["name"],
                "Status": _status(option),
            }
            for option in records
            if option.get("parentId") == category["id"] and shown(option)
        ]
        out.append(
            {
                "TrackingCategoryID": category_id,
                "Name": category["name"],
                "Status": _status(category),
                "Options": options,
            }
        )
    return out


def _item_details(details: Record | None, *, sales: bool) -> Record:
    """An item's sales or purchase side as Xero's ``Purchase`` object."""
    details = details or {}
    result: Record = {"UnitPrice": money(details.get("unitPrice"))}
    account_id = (details.get("accountRef") or {}).get("id", "")
    if account_id.startswith("acc-"):
        result["AccountCode"] = account_id.removeprefix("acc-")
    tax = (details.get("taxRateRef") or {}).get("id", "tax-n")
    result["TaxType"] = _TAX_TYPES.get(tax, ("NONE", "NONE"))[0 if sales else 1]
    return result


def item(tenant_id: str, record: Record) -> Record:
    """A sandbox item as a Xero ``Item``: sold when it is an invoice item, purchased
    when a bill item, each side with its price, account and TaxType. The sandbox's
    items are services and non-inventory goods, so none is tracked as inventory."""
    sold, bought = bool(record.get("isInvoiceItem")), bool(record.get("isBillItem"))
    sales, purchase = record.get("invoiceItem") or {}, record.get("billItem") or {}
    result: Record = {
        "ItemID": xero_id(tenant_id, "item", record["id"]),
        "Code": item_code(record["id"]),
        "Name": record["name"],
        "IsSold": sold,
        "IsPurchased": bought,
        "IsTrackedAsInventory": False,
        "UpdatedDateUTC": updated(record),
    }
    if sold:
        result["Description"] = sales.get("description") or record["name"]
        result["SalesDetails"] = _item_details(sales, sales=True)
    if bought:
        result["PurchaseDescription"] = purchase.get("description") or record["name"]
        result["PurchaseDetails"] = _item_details(purchase, sales=False)
    return result


def credit_note(tenant_id: str, record: Record, *, sales: bool) -> Record:
    """A sandbox credit note (``sales``, ACCRECCREDIT) or bill credit note
    (ACCPAYCREDIT) as a Xero ``CreditNote``, with statuses and deletion as for
    invoices and ``RemainingCredit`` the credit not yet allocated."""
    kind = "credit-note" if sales else "bill-credit-note"
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
    voided = status in ("VOIDED", "DELETED")
    issued = parse_iso(record["issueDate"])
    number = record.get("creditNoteNumber" if sales else "billCreditNoteNumber") or ""
    result: Record = {
        "Type": "ACCRECCREDIT" if sales else "ACCPAYCREDIT",
        "CreditNoteID": xero_id(tenant_id, kind, record["id"]),
        "CreditNoteNumber": number,
        "Reference": record.get("note") or "",
        "Contact": contact_json,
        "Date": ms_date(issued),
        "Status": status,
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            line_item(tenant_id, f"{record['id']}:{n}", line, sales=sales)
            for n, line in enumerate(record.get("lineItems") or [])
        ],
        "SubTotal": money(record["subTotal"]),
        "TotalTax": money(record.get("totalTaxAmount")),
        "Total": money(record["totalAmount"]),
        "CurrencyCode": record.get("currency") or "GBP",
        "CurrencyRate": money(record.get("currencyRate") or 1),
        "RemainingCredit": Decimal(0) if voided else money(record.get("remainingCredit")),
        "SentToContact": False,
        "HasAttachments": False,
        "HasErrors": False,
        "UpdatedDateUTC": updated(record),
    }
    allocations = record.get("paymentAllocations") or []
    if status == "PAID" and allocations:
        last = max(parse_iso(a["allocation"]["allocatedOnDate"]) for a in allocations)
        result["FullyPaidOnDate"] = ms_date(last)
    return result


def tax_type(tax_rate_id: str, *, sales: bool) -> str:
    """Xero's sales or purchases ``TaxType`` for a sandbox tax rate id."""
    return _TAX_TYPES.get(tax_rate_id, ("NONE", "NONE"))[0 if sales else 1]


def tax_rate_id(xero_tax_type: str) -> str | None:
    """The sandbox tax rate a Xero ``TaxType`` stands for (None: not one we have)."""
    return next((k for k, pair in _TAX_TYPES.items() if xero_tax_type.upper() in pair), None)


def invoice_number(record: Record) -> str:
    """The ``InvoiceNumber`` :func:`invoice` gives a sandbox invoice or bill."""
    return str(record.get("invoiceNumber") or record.get("reference") or "")


def payments(
    tenant_id: str, record: Record, *, sales: bool, numbers: dict[str, str]
) -> list[Record]:
    """A sandbox payment (``sales``) or bill payment as Xero ``Payment`` records.

    A Xero payment pays exactly one invoice, so each invoice or bill a payment line
    settles becomes one payment of the amount it settled. Lines that apply a credit
    note are allocations of that credit in Xero, not payments, and are left out.
    ``numbers`` gives the invoice numbers by sandbox id."""
    kind, doc_type = ("invoice", "Invoice") if sales else ("bill", "Bill")
    status = "DELETED" if record["metadata"]["isDeleted"] else "AUTHORISED"
    account_id = (record.get("accountRef") or {}).get("id", "")
    paid_on = parse_iso(record["date"])
    out: list[Record] = []
    for n, line in enumerate(record.get("lines") or []):
        links = line.get("links") or []
        if any(link["type"] == "CreditNote" for link in links):
            continue
        for m, link in enumerate(links):
            if link["type"] != doc_type:
                continue
            payment: Record = {
                "PaymentID": xero_id(tenant_id, "payment", f"{record['id']}:{n}:{m}"),
                "Invoice": {
                    "InvoiceID": xero_id(tenant_id, kind, link["id"]),
                    "InvoiceNumber": numbers.get(link["id"], ""),
                    "Type": "ACCREC" if sales else "ACCPAY",
                },
                "InvoiceNumber": numbers.get(link["id"], ""),
                "Date": ms_date(paid_on),
                "CurrencyRate": money(record.get("currencyRate") or 1),
                "Amount": -money(link["amount"]),
                "BankAmount": -money(link["amount"]),
                "Reference": record.get("reference") or "",
                "IsReconciled": False,
                "Status": status,
                "PaymentType": "ACCRECPAYMENT" if sales else "ACCPAYPAYMENT",
                "UpdatedDateUTC": updated(record),
                "HasAccount": account_id.startswith("acc-"),
                "HasValidationErrors": False,
            }
            if account_id.startswith("acc-"):
                payment["Account"] = {
                    "AccountID": xero_id(tenant_id, "account", account_id),
                    "Code": account_id.removeprefix("acc-"),
                }
            out.append(payment)
    return out
