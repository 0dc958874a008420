"""Document lines (invoices, bills, credit notes, bank transactions) both ways.

Xero's ``LineAmount`` is the line after discount, tax included or not as the document's
``LineAmountTypes`` says (``Exclusive``, ``Inclusive``, ``NoTax``); Codat's line has
both ``subTotal`` (net) and ``totalAmount`` (gross), so each is worked out from the other
and ``TaxAmount``. Accounts are referred to by ``AccountID`` (what the chart of accounts
reads as each account's id), tax rates by ``TaxType`` (Xero's tax rates have no other
id), items by ``ItemID`` and tracking by the option's ``TrackingOptionID`` (the leaves
of the tracking tree, as ``trackingCategories`` reads it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ledgerport.connectors.xero.mapping.common import (
    Doc,
    Raw,
    as_list,
    money,
    optional_money,
    text,
)

Tracking = Literal["receivable", "payable", "direct"]
_CENT = Decimal("0.01")


class UnwritableError(ValueError):
    """A standard record Xero cannot take as it is: ``path`` names the field (Codat's
    dotted path), the message says why. The writer turns it into a refusal."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def tracking_refs(line: Raw) -> list[Doc]:
    return [
        {"id": str(t["TrackingOptionID"]), "name": text(t.get("Option"))}
        for t in as_list(line.get("Tracking"))
        if t.get("TrackingOptionID")
    ]


def _tracking(refs: list[Doc], kind: Tracking) -> Doc | None:
    if not refs:
        return None
    if kind == "direct":
        return {"recordRefs": [{"id": r["id"], "dataType": "trackingCategories"} for r in refs]}
    return {"categoryRefs": refs, "isBilledTo": "NotApplicable", "isRebilledTo": "NotApplicable"}


def line_items(document: Raw, kind: Tracking) -> list[Doc]:
    inclusive = document.get("LineAmountTypes") == "Inclusive"
    return [_line(line, inclusive, kind) for line in as_list(document.get("LineItems"))]


def _line(line: Raw, inclusive: bool, kind: Tracking) -> Doc:
    quantity = optional_money(line.get("Quantity"))
    unit = optional_money(line.get("UnitAmount"))
    amount = optional_money(line.get("LineAmount"))
    if amount is None:
        amount = (quantity if quantity is not None else Decimal(1)) * (unit or Decimal(0))
    if quantity is None:
        quantity = Decimal(1)
    if unit is None:
        unit = amount / quantity if quantity else amount
    tax = money(line.get("TaxAmount"))
    sub_total, total = (amount - tax, amount) if inclusive else (amount, amount + tax)
    rate = optional_money(line.get("DiscountRate"))
    discount = optional_money(line.get("DiscountAmount"))
    if discount is None:
        discount = (quantity * unit * rate / 100).quantize(_CENT) if rate else Decimal(0)
    refs = tracking_refs(line)
    doc: Doc = {
        "description": text(line.get("Description")),
        "unitAmount": unit,
        "quantity": quantity,
        "discountAmount": discount,
        "discountPercentage": rate,
        "subTotal": sub_total,
        "taxAmount": tax,
        "totalAmount": total,
        "trackingCategoryRefs": refs or None,
    }
    if line.get("AccountID"):
        doc["accountRef"] = {"id": str(line["AccountID"])}
    if text(line.get("TaxType")):
        doc["taxRateRef"] = {"id": line["TaxType"]}
    item = line.get("Item")
    if isinstance(item, Mapping) and item.get("ItemID"):
        doc["itemRef"] = {"id": str(item["ItemID"]), "name": text(item.get("Name"))}
    tracking = _tracking(refs, kind)
    if tracking is not None:
        doc["tracking"] = tracking
    return doc


# -- writing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    """What a write needs to know of the company to name things as Xero does: account
    codes by AccountID, item codes by ItemID, and (category name, option name) by
    TrackingOptionID. The writer fetches only what a record refers to."""

    account_codes: Mapping[str, str] = field(default_factory=dict)
    item_codes: Mapping[str, str] = field(default_factory=dict)
    tracking_options: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def _ref_id(value: Any) -> str | None:
    return text(value.get("id")) if isinstance(value, Mapping) else None


def line_to_xero(line: Mapping[str, Any], path: str, lookups: Lookups) -> Doc:
    """One Codat line as a Xero ``LineItem`` (amounts exclusive of tax)."""
    out: Doc = {"Description": line.get("description") or ""}
    quantity = optional_money(line.get("quantity"))
    unit = optional_money(line.get("unitAmount"))
    out["Quantity"] = quantity if quantity is not None else Decimal(1)
    if unit is not None:
        out["UnitAmount"] = unit
    rate = optional_money(line.get("discountPercentage"))
    if rate:
        out["DiscountRate"] = rate
    account_id = _ref_id(line.get("accountRef"))
    if account_id is not None:
        code = lookups.account_codes.get(account_id)
        if code is None:
            raise UnwritableError(f"{path}.accountRef.id", f"No account {account_id} in Xero.")
        out["AccountCode"] = code
    tax_type = _ref_id(line.get("taxRateRef"))
    if tax_type is not None:
        out["TaxType"] = tax_type
    item_id = _ref_id(line.get("itemRef"))
    if item_id is not None:
        item_code = lookups.item_codes.get(item_id)
        if item_code is None:
            raise UnwritableError(f"{path}.itemRef.id", f"No item {item_id} in Xero.")
        out["ItemCode"] = item_code
    tracking = []
    for n, option_id in enumerate(_tracking_ids(line)):
        names = lookups.tracking_options.get(option_id)
        if names is None:
            where = f"{path}.tracking.categoryRefs[{n}].id"
            raise UnwritableError(where, f"No tracking option {option_id} in Xero.")
        tracking.append({"Name": names[0], "Option": names[1]})
    if tracking:
        out["Tracking"] = tracking
    return out


def _tracking_ids(line: Mapping[str, Any]) -> list[str]:
    tracking = line.get("tracking")
    refs: Any = tracking.get("categoryRefs") if isinstance(tracking, Mapping) else None
    if not refs:
        refs = line.get("trackingCategoryRefs")
    return [i for i in (_ref_id(r) for r in (refs or [])) if i]


def referenced_ids(record: Mapping[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """The account, item and tracking option ids a record's lines refer to: what the
    writer must look up before writing it."""
    accounts: set[str] = set()
    items: set[str] = set()
    options: set[str] = set()
    for line in record.get("lineItems") or []:
        if not isinstance(line, Mapping):
            continue
        if (account := _ref_id(line.get("accountRef"))) is not None:
            accounts.add(account)
        if (item := _ref_id(line.get("itemRef"))) is not None:
            items.add(item)
        options.update(_tracking_ids(line))
    return accounts, items, options


def lines_to_xero(record: Mapping[str, Any], lookups: Lookups) -> list[Doc]:
    lines = record.get("lineItems")
    if not isinstance(lines, list) or not lines:
        raise UnwritableError("lineItems", "Xero needs at least one line.")
    return [
        line_to_xero(line, f"lineItems[{n}]", lookups)
        for n, line in enumerate(lines)
        if isinstance(line, Mapping)
    ]
