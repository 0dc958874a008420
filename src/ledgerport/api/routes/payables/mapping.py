"""Sync for Payables v2 shapes from and to the accounting standard model. Pure: the
route modules beside it read and write; this module only translates.

Where the v2 model is narrower than the accounting one, closed enums are never widened:
an account, bank account or tax rate status other than Active/Archived is left out of
the option (never guessed); a bank account type other than Credit/Debit is ``Unknown``.
A bill without a due date is shown due on its issue date, and one without a currency as
``XXX`` (ISO 4217's "no currency", Codat's own rule), since the SDK requires both.
Amounts are added up as Decimal and written as JSON numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ledgerport.api.models import payables as v2
from ledgerport.domain.reports.amounts import to_decimal


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: integral values as integers, others as the float whose
    repr is that decimal (amounts carry far fewer than 15 significant digits)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def json_amount(value: Any) -> int | float | None:
    return json_number(to_decimal(value))


def _omit_none(document: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """``document`` without the given keys when they are None (fields the spec makes
    optional but not nullable)."""
    return {k: v for k, v in document.items() if not (k in keys and v is None)}


_ADDRESS_FIELDS = ("type", "line1", "line2", "city", "region", "country", "postalCode")


def _addresses(value: Any) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        return None
    return [
        {key: address.get(key) for key in _ADDRESS_FIELDS}
        for address in value
        if isinstance(address, Mapping) and address.get("type")
    ]


def supplier_out(document: Mapping[str, Any], balance: Decimal | None = None) -> dict[str, Any]:
    """An accounting Supplier as a v2 Supplier. ``balance`` is what the supplier is owed
    on its open bills, when the bills have been pulled (accounting suppliers have none)."""
    return _omit_none(
        {
            "id": str(document.get("id")),
            "supplierName": document.get("supplierName"),
            "contactName": document.get("contactName"),
            "emailAddress": document.get("emailAddress"),
            "phone": document.get("phone"),
            "addresses": _addresses(document.get("addresses")),
            "status": document.get("status") or "Unknown",
            "balance": json_number(balance),
            "defaultCurrency": document.get("defaultCurrency"),
            "sourceModifiedDate": document.get("sourceModifiedDate"),
        },
        "sourceModifiedDate",
    )


def supplier_in(body: v2.SupplierPrototype) -> dict[str, Any]:
    """A v2 supplier prototype as an accounting Supplier to write (``balance`` is derived
    by the platform, never written)."""
    record = body.model_dump(mode="json", exclude={"balance"})
    if body.addresses is None:
        record.pop("addresses")
    return record


def _tracking_refs(line: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    tracking = line.get("tracking")
    refs: list[dict[str, Any]] = []
    categories: Iterable[Any] = ()
    if isinstance(tracking, Mapping):
        categories = tracking.get("categoryRefs") or ()
    elif isinstance(line.get("trackingCategoryRefs"), list):
        categories = line["trackingCategoryRefs"]
    for ref in categories:
        if isinstance(ref, Mapping) and ref.get("id"):
            refs.append({"id": str(ref["id"]), "dataType": "trackingCategories"})
    if isinstance(tracking, Mapping):
        customer = tracking.get("customerRef")
        if isinstance(customer, Mapping) and customer.get("id"):
            refs.append(
                {
                    "id": str(customer["id"]),
                    "dataType": "customers",
                    "isBillable": tracking.get("isBilledTo") == "Customer",
                }
            )
    return refs or None


def _ref(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping) and value.get("id") is not None:
        return {"id": str(value["id"])}
    return None


def _line_out(line: Mapping[str, Any]) -> dict[str, Any]:
    return _omit_none(
        {
            "description": line.get("description"),
            "unitAmount": json_amount(line.get("unitAmount")),
            "quantity": json_amount(line.get("quantity")),
            "taxAmount": json_amount(line.get("taxAmount")),
            "accountRef": _ref(line.get("accountRef")),
            "totalAmount": json_amount(line.get("totalAmount")),
            "taxRateRef": _ref(line.get("taxRateRef")),
            "trackingRefs": _tracking_refs(line),
        },
        "unitAmount",
        "quantity",
        "taxAmount",
        "accountRef",
        "taxRateRef",
    )


def bill_out(document: Mapping[str, Any]) -> dict[str, Any]:
    """An accounting Bill as a v2 Bill (see the module docstring for due date and
    currency when the platform gave none)."""
    supplier = document.get("supplierRef") or {}
    lines = document.get("lineItems")
    issue = document.get("issueDate")
    return _omit_none(
        {
            "id": str(document.get("id")),
            "reference": document.get("reference"),
            "supplierRef": {
                "id": str(supplier.get("id") or ""),
                "supplierName": supplier.get("supplierName"),
            },
            "issueDate": issue,
            "dueDate": document.get("dueDate") or issue,
            "currency": document.get("currency") or "XXX",
            "currencyRate": json_amount(document.get("currencyRate")),
            "lineItems": (
                [_line_out(line) for line in lines if isinstance(line, Mapping)]
                if isinstance(lines, list)
                else None
            ),
            "status": document.get("status") or "Unknown",
            "totalAmount": json_amount(document.get("totalAmount")),
            "amountDue": json_amount(document.get("amountDue")),
            "sourceModifiedDate": document.get("sourceModifiedDate"),
        },
        "totalAmount",
        "sourceModifiedDate",
    )


def _tracking_in(refs: Sequence[v2.TrackingRef] | None) -> dict[str, Any] | None:
    """v2 ``trackingRefs`` as accounting line ``tracking``: categories as ``categoryRefs``,
    a customer as ``customerRef`` billed on to it when ``isBillable``."""
    if not refs:
        return None
    categories = [
        {"id": ref.id}
        for ref in refs
        if ref.dataType is v2.TrackingRefType.TRACKING_CATEGORIES and ref.id
    ]
    customers = [ref for ref in refs if ref.dataType is v2.TrackingRefType.CUSTOMERS and ref.id]
    tracking: dict[str, Any] = {
        "categoryRefs": categories,
        "isBilledTo": "NotApplicable",
        "isRebilledTo": "NotApplicable",
    }
    if customers:
        tracking["customerRef"] = {"id": customers[0].id}
        if customers[0].isBillable:
            tracking["isBilledTo"] = "Customer"
    return tracking


def bill_in(body: v2.BillPrototype) -> dict[str, Any]:
    """A v2 bill prototype as an accounting Bill to write. Line and bill totals are
    worked out in Decimal: a line's ``subTotal`` is unit amount x quantity, its total
    the one given or subtotal + tax; the bill's are their sums."""
    lines: list[dict[str, Any]] = []
    sub_total = tax_total = grand_total = Decimal(0)
    for item in body.lineItems or []:
        line_sub = (
            item.unitAmount * item.quantity
            if item.unitAmount is not None and item.quantity is not None
            else None
        )
        tax = item.taxAmount if item.taxAmount is not None else Decimal(0)
        line_total = item.totalAmount
        if line_total is None and line_sub is not None:
            line_total = line_sub + tax
        sub_total += line_sub or Decimal(0)
        tax_total += tax
        grand_total += line_total or Decimal(0)
        line: dict[str, Any] = {
            "description": item.description,
            "unitAmount": json_number(item.unitAmount),
            "quantity": json_number(item.quantity),
            "subTotal": json_number(line_sub),
            "taxAmount": json_number(item.taxAmount),
            "totalAmount": json_number(line_total),
        }
        if item.accountRef is not None and item.accountRef.id:
            line["accountRef"] = {"id": item.accountRef.id}
        if item.taxRateRef is not None and item.taxRateRef.id:
            line["taxRateRef"] = {"id": item.taxRateRef.id}
        tracking = _tracking_in(item.trackingRefs)
        if tracking is not None:
            line["tracking"] = tracking
        lines.append(line)
    supplier: dict[str, Any] = {"id": body.supplierRef.id}
    if body.supplierRef.supplierName is not None:
        supplier["supplierName"] = body.supplierRef.supplierName
    return {
        "reference": body.reference,
        "supplierRef": supplier,
        "issueDate": body.issueDate,
        "dueDate": body.dueDate,
        "currency": body.currency,
        "currencyRate": json_number(body.currencyRate),
        "lineItems": lines,
        "status": body.status.value,
        "subTotal": json_number(sub_total),
        "taxAmount": json_number(tax_total),
        "totalAmount": json_number(grand_total),
    }


def _payables_status(value: Any) -> str | None:
    """An accounting status in payables' narrower enum: Active and Archived as they are;
    Unknown or missing is left out (None), never guessed."""
    return value if value in ("Active", "Archived") else None


def account_option(document: Mapping[str, Any]) -> dict[str, Any]:
    return _omit_none(
        {
            "id": str(document.get("id")),
            "nominalCode": document.get("nominalCode"),
            "name": document.get("name"),
            "type": document.get("type"),
            "currency": document.get("currency"),
            "status": _payables_status(document.get("status")),
            "sourceModifiedDate": document.get("sourceModifiedDate"),
        },
        "currency",
        "status",
        "sourceModifiedDate",
    )


def tax_rate_option(document: Mapping[str, Any]) -> dict[str, Any]:
    return _omit_none(
        {
            "id": str(document.get("id")),
            "name": document.get("name"),
            "code": document.get("code"),
            "effectiveTaxRate": json_amount(document.get("effectiveTaxRate")),
            "totalTaxRate": json_amount(document.get("totalTaxRate")),
            "status": _payables_status(document.get("status")),
        },
        "status",
    )


def bank_account_out(document: Mapping[str, Any]) -> dict[str, Any]:
    """An accounting BankAccount as a v2 bank account (mapping option or created)."""
    account_type = document.get("accountType")
    return _omit_none(
        {
            "id": str(document.get("id")),
            "name": document.get("accountName"),
            "accountNumber": document.get("accountNumber"),
            "nominalCode": document.get("nominalCode"),
            "sortCode": document.get("sortCode"),
            "currency": document.get("currency"),
            "status": _payables_status(document.get("status")),
            "accountType": account_type if account_type in ("Credit", "Debit") else "Unknown",
            "sourceModifiedDate": document.get("sourceModifiedDate"),
        },
        "status",
        "sourceModifiedDate",
    )


def for_bills(account: Mapping[str, Any]) -> bool:
    """Accounts a bill line may be coded to: expense accounts that are not bank
    accounts, unless the platform's ``validDatatypeLinks`` says which accounts bills
    may use; never one still ``Pending``."""
    if account.get("status") == "Pending":
        return False
    links = account.get("validDatatypeLinks")
    if isinstance(links, list) and links:
        return any(
            isinstance(link, Mapping)
            and any(
                isinstance(path, str) and path.startswith("bills.")
                for path in link.get("links") or ()
            )
            for link in links
        )
    return account.get("type") == "Expense" and not account.get("isBankAccount")


def attachment_out(document: Mapping[str, Any]) -> dict[str, Any]:
    return _omit_none(
        {
            "id": str(document.get("id")),
            "name": document.get("name"),
            "contentType": document.get("contentType"),
            "dateCreated": document.get("dateCreated"),
            "fileSize": document.get("fileSize"),
            "includeWhenSent": document.get("includeWhenSent"),
            "sourceModifiedDate": document.get("sourceModifiedDate"),
        },
        "dateCreated",
        "includeWhenSent",
        "sourceModifiedDate",
    )
