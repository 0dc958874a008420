"""Codat invoices, credit notes, bills and bill credit notes as QBO Invoice, CreditMemo,
Bill and VendorCredit bodies (writes).

A sales line must name an item (QBO sells items, it has no account-only sales line); a
purchase line with an item is an ``ItemBasedExpenseLineDetail``, otherwise an
``AccountBasedExpenseLineDetail`` on its ``accountRef``. A line's ``Amount`` is its
``subTotal``, else ``unitAmount * quantity``. Tracking references go back to
``ClassRef`` (``class-{Id}``) on the line and ``DepartmentRef`` (``department-{Id}``)
on the document. Dates are sent as the day they name.
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


def _categories(line: Record) -> list[str]:
    tracking = line.get("tracking")
    refs = tracking.get("categoryRefs") if isinstance(tracking, Mapping) else None
    refs = refs or line.get("trackingCategoryRefs") or []
    return [str(r["id"]) for r in refs if isinstance(r, Mapping) and r.get("id")]


def _split(categories: list[str], path: str) -> tuple[str | None, str | None]:
    class_ = department = None
    for category in categories:
        kind, _, value = category.partition("-")
        if kind == "class" and value:
            class_ = value
        elif kind == "department" and value:
            department = value
        else:
            raise RejectedError(
                f"Unknown tracking category {category!r}: QuickBooks Online tracks by"
                " class (class-{Id}) and location (department-{Id}).",
                fields=((path, "Not a QuickBooks class or location."),),
            )
    return class_, department


def _amount(line: Record) -> Decimal:
    subtotal = amount(line.get("subTotal"))
    if subtotal is not None:
        return subtotal
    return (amount(line.get("unitAmount")) or Decimal(0)) * (
        amount(line.get("quantity")) or Decimal(0)
    )


def _ref_id(line: Record, key: str) -> str | None:
    ref = line.get(key)
    return text(ref.get("id")) if isinstance(ref, Mapping) else None


def _common(record: Record, line: Record, path: str, departments: set[str]) -> tuple[Doc, Doc]:
    class_, department = _split(_categories(line), f"{path}.tracking.categoryRefs")
    if department:
        departments.add(department)
    detail: Doc = {}
    if class_:
        detail["ClassRef"] = qbo_ref(class_)
    tax = _ref_id(line, "taxRateRef")
    if tax:
        detail["TaxCodeRef"] = qbo_ref(tax)
    body: Doc = {"Amount": json_number(_amount(line))}
    if text(line.get("description")):
        body["Description"] = text(line.get("description"))
    return body, detail


def _quantities(line: Record, detail: Doc) -> None:
    for source, target in (("unitAmount", "UnitPrice"), ("quantity", "Qty")):
        value = amount(line.get(source))
        if value is not None:
            detail[target] = json_number(value)


def _sales_lines(record: Record, departments: set[str]) -> list[Doc]:
    lines = []
    for n, line in enumerate(record.get("lineItems") or []):
        path = f"lineItems[{n}]"
        body, detail = _common(record, line, path, departments)
        item = _ref_id(line, "itemRef")
        if item is None:
            raise RejectedError(
                "QuickBooks Online sales lines must name an item.",
                fields=((f"{path}.itemRef.id", "Required by QuickBooks Online."),),
            )
        detail["ItemRef"] = qbo_ref(item)
        _quantities(line, detail)
        lines.append({**body, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail})
    return lines


def _purchase_lines(record: Record, departments: set[str]) -> list[Doc]:
    lines = []
    for n, line in enumerate(record.get("lineItems") or []):
        path = f"lineItems[{n}]"
        body, detail = _common(record, line, path, departments)
        tracking = line.get("tracking") if isinstance(line.get("tracking"), Mapping) else {}
        customer = _ref_id(tracking, "customerRef")
        if customer:
            detail["CustomerRef"] = qbo_ref(customer)
            detail["BillableStatus"] = (
                "Billable" if tracking.get("isBilledTo") == "Customer" else "NotBillable"
            )
        item = _ref_id(line, "itemRef")
        if item:
            detail["ItemRef"] = qbo_ref(item)
            _quantities(line, detail)
            kind = "ItemBasedExpenseLineDetail"
        else:
            account = _ref_id(line, "accountRef")
            if account is None:
                raise RejectedError(
                    "A purchase line needs an item or an account.",
                    fields=((f"{path}.accountRef.id", "Required when there is no itemRef."),),
                )
            detail["AccountRef"] = qbo_ref(account)
            kind = "AccountBasedExpenseLineDetail"
        lines.append({**body, "DetailType": kind, kind: detail})
    return lines


def _header(record: Record, party_key: str, party_ref: str, number_key: str) -> Doc:
    body: Doc = {}
    party = _ref_id(record, party_key)
    if party:
        body[party_ref] = qbo_ref(party)
    for source, target in (("issueDate", "TxnDate"), ("dueDate", "DueDate")):
        if day(record.get(source)):
            body[target] = day(record.get(source))
    if text(record.get(number_key)):
        body["DocNumber"] = text(record.get(number_key))
    if text(record.get("currency")):
        body["CurrencyRef"] = qbo_ref(record["currency"])
    rate = amount(record.get("currencyRate"))
    if rate is not None:
        body["ExchangeRate"] = json_number(rate)
    return body


def _finish(body: Doc, lines: list[Doc], departments: set[str]) -> Doc:
    if len(departments) > 1:
        raise RejectedError(
            "QuickBooks Online puts a whole document in one location (department).",
            fields=(("lineItems", "Lines name different locations."),),
        )
    if departments:
        body["DepartmentRef"] = qbo_ref(departments.pop())
    body["Line"] = lines
    return body


def invoice(record: Record) -> Doc:
    departments: set[str] = set()
    body = _header(record, "customerRef", "CustomerRef", "invoiceNumber")
    if text(record.get("note")):
        body["CustomerMemo"] = {"value": text(record.get("note"))}
    return _finish(body, _sales_lines(record, departments), departments)


def credit_note(record: Record) -> Doc:
    departments: set[str] = set()
    body = _header(record, "customerRef", "CustomerRef", "creditNoteNumber")
    if text(record.get("note")):
        body["CustomerMemo"] = {"value": text(record.get("note"))}
    return _finish(body, _sales_lines(record, departments), departments)


def bill(record: Record) -> Doc:
    departments: set[str] = set()
    body = _header(record, "supplierRef", "VendorRef", "reference")
    if text(record.get("note")):
        body["PrivateNote"] = text(record.get("note"))
    return _finish(body, _purchase_lines(record, departments), departments)


def bill_credit_note(record: Record) -> Doc:
    departments: set[str] = set()
    body = _header(record, "supplierRef", "VendorRef", "billCreditNoteNumber")
    body.pop("DueDate", None)
    if text(record.get("note")):
        body["PrivateNote"] = text(record.get("note"))
    return _finish(body, _purchase_lines(record, departments), departments)
