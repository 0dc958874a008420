"""Document lines (invoices, credit memos, bills, vendor credits) as Codat line items.

QBO lines carry a ``DetailType`` naming which detail object holds the rest:
``SalesItemLineDetail`` (sales), ``ItemBasedExpenseLineDetail`` and
``AccountBasedExpenseLineDetail`` (purchases), ``GroupLineDetail`` (a bundle: its own
lines are flattened), ``DiscountLineDetail`` (a document discount, summed into
``totalDiscount``) and ``SubTotalLineDetail``/``DescriptionOnly`` (layout, not money:
left out). QBO keeps tax per document (``TxnTaxDetail``), not per line, so a line's
``taxAmount`` and ``totalAmount`` are null and its ``subTotal`` is QBO's ``Amount``.

Tracking: a line's ``ClassRef`` and the document's ``DepartmentRef`` become tracking
category references (``class-{Id}``, ``department-{Id}``: see ``catalog.py``); a
purchase line's ``BillableStatus``/``CustomerRef`` say it is billed on to a customer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ledgerport.connectors.quickbooks_online.mapping.common import (
    Doc,
    Raw,
    amount,
    money,
    ref_id,
    ref_name,
    text,
)

ITEM_DETAILS = ("SalesItemLineDetail", "ItemBasedExpenseLineDetail")
ACCOUNT_DETAIL = "AccountBasedExpenseLineDetail"
DISCOUNT_DETAIL = "DiscountLineDetail"
GROUP_DETAIL = "GroupLineDetail"


def class_id(value: str) -> str:
    return f"class-{value}"


def department_id(value: str) -> str:
    return f"department-{value}"


def _flat(lines: Any) -> Iterator[Raw]:
    for line in lines if isinstance(lines, list) else []:
        if not isinstance(line, Mapping):
            continue
        if line.get("DetailType") == GROUP_DETAIL:
            yield from _flat((line.get(GROUP_DETAIL) or {}).get("Line"))
        else:
            yield line


def _category_refs(detail: Raw, document: Raw) -> list[Doc]:
    refs = []
    class_ = ref_id(detail, "ClassRef")
    if class_:
        refs.append({"id": class_id(class_), "name": ref_name(detail, "ClassRef")})
    department = ref_id(document, "DepartmentRef")
    if department:
        refs.append({"id": department_id(department), "name": ref_name(document, "DepartmentRef")})
    return refs


def _ref(detail: Raw, key: str) -> Doc | None:
    found = ref_id(detail, key)
    return {"id": found, "name": ref_name(detail, key)} if found else None


def _line(line: Raw, document: Raw, purchase: bool) -> Doc | None:
    kind = line.get("DetailType")
    detail = line.get(str(kind)) if isinstance(kind, str) else None
    if kind not in (*ITEM_DETAILS, ACCOUNT_DETAIL) or not isinstance(detail, Mapping):
        return None
    subtotal = money(line.get("Amount"))
    quantity = amount(detail.get("Qty"))
    unit = amount(detail.get("UnitPrice"))
    if quantity is None or unit is None:  # account lines and lump-sum item lines
        quantity, unit = Decimal(1), subtotal
    categories = _category_refs(detail, document)
    doc: Doc = {
        "description": text(line.get("Description")),
        "unitAmount": unit,
        "quantity": quantity,
        "discountAmount": None,
        "subTotal": subtotal,
        "taxAmount": None,
        "totalAmount": None,
        "trackingCategoryRefs": categories or None,
    }
    account = _ref(detail, "AccountRef") or _ref(detail, "ItemAccountRef")
    if account:
        doc["accountRef"] = account
    item = _ref(detail, "ItemRef")
    if item:
        doc["itemRef"] = item
    tax_code = ref_id(detail, "TaxCodeRef")
    if tax_code:
        doc["taxRateRef"] = {"id": tax_code}
    tracking: Doc = {
        "categoryRefs": categories,
        "isBilledTo": "NotApplicable",
        "isRebilledTo": "NotApplicable",
    }
    customer = ref_id(detail, "CustomerRef")
    if purchase and customer:
        tracking["customerRef"] = {"id": customer, "companyName": ref_name(detail, "CustomerRef")}
        billable = detail.get("BillableStatus")
        if billable in ("Billable", "HasBeenBilled"):
            tracking["isBilledTo"] = "Customer"
        if billable == "HasBeenBilled":
            tracking["isRebilledTo"] = "Customer"
    doc["tracking"] = tracking
    return doc


def line_items(document: Raw, *, purchase: bool) -> list[Doc]:
    found = (_line(line, document, purchase) for line in _flat(document.get("Line")))
    return [line for line in found if line is not None]


def total_discount(document: Raw) -> Decimal:
    return sum(
        (money(line.get("Amount")) for line in _flat(document.get("Line"))
         if line.get("DetailType") == DISCOUNT_DETAIL),
        Decimal(0),
    )  # fmt: skip


def total_tax(document: Raw) -> Decimal:
    detail = document.get("TxnTaxDetail")
    return money(detail.get("TotalTax")) if isinstance(detail, Mapping) else Decimal(0)


def linked(document: Raw, *types: str) -> list[str]:
    """Ids of the transactions of ``types`` QBO says this one is linked to."""
    return [
        str(link["TxnId"])
        for link in document.get("LinkedTxn") or []
        if isinstance(link, Mapping) and link.get("TxnType") in types and link.get("TxnId")
    ]


def settlement_status(total: Decimal, balance: Decimal, open_status: str) -> str:
    """QBO has no status field on documents: what is still owed says it."""
    if total > 0 and balance == 0:
        return "Paid"
    if 0 < balance < total:
        return "PartiallyPaid"
    return open_status


def settlement_lines(raw: Raw, link_types: Mapping[str, str]) -> list[Doc]:
    """A payment's lines: each QBO line pays (or, for a credit, spends) its linked
    transactions. Codat signs the link against the line: paying a document is +line /
    -link, a credit used is -line / +link, so the lines add up to ``TotalAmt``."""
    lines: list[Doc] = []
    for line in raw.get("Line") or []:
        if not isinstance(line, Mapping):
            continue
        value = money(line.get("Amount"))
        for link in line.get("LinkedTxn") or []:
            kind = link_types.get(str(link.get("TxnType")), "Other")
            signed = -value if kind == "CreditNote" else value
            target = {"type": kind, "id": str(link.get("TxnId")), "amount": -signed}
            lines.append({"amount": signed, "links": [target]})
    return lines
