"""Items, tax rates and tracking categories (read only).

- Items: Xero's ``ItemID``; ``IsPurchased``/``IsSold`` say whether it is a bill or an
  invoice item. An item tracked as inventory is Inventory; Xero does not say whether
  an untracked item is a product or a service, so it is Unknown (as Codat reads Xero).
  Xero's items have no status: deleted ones disappear (a full pull flags them).
  An item's sale and purchase accounts are Xero account codes; the reader adds the
  AccountID Xero leaves out (``reader.py``), so ``accountRef.id`` is the account's id.
- Tax rates: a Xero tax rate's id is its ``TaxType`` (``OUTPUT2``), what document lines
  refer to. ``effectiveTaxRate`` is Xero's ``EffectiveRate``; ``totalTaxRate`` its
  ``DisplayTaxRate``. PENDING rates are Active; DELETED ones Archived and flagged.
- Tracking categories: a tree of two levels. Each Xero category is a parent node (id
  ``TrackingCategoryID``) and each of its options a child (id ``TrackingOptionID``,
  ``parentId`` the category): lines refer to options. The reader hands each option
  over as its own record, with its category's id.
"""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.connectors.xero.mapping.common import (
    DELETED,
    Doc,
    Raw,
    as_list,
    envelope,
    optional_money,
    rendered,
    text,
)
from ledgerport.domain.accounting.catalog import Item, TaxRate, TrackingCategory


def _details(raw: Raw, description_key: str, details_key: str) -> Doc:
    details = raw.get(details_key)
    details = details if isinstance(details, Mapping) else {}
    doc: Doc = {
        "description": text(raw.get(description_key)),
        "unitPrice": optional_money(details.get("UnitPrice")),
    }
    if details.get("AccountID"):
        doc["accountRef"] = {"id": str(details["AccountID"])}
    if text(details.get("TaxType")):
        doc["taxRateRef"] = {"id": details["TaxType"]}
    return doc


def to_item(raw: Raw) -> Doc:
    doc = envelope(raw, "ItemID") | {
        "name": text(raw.get("Name")),
        "code": text(raw.get("Code")),
        "itemStatus": "Active",
        "type": "Inventory" if raw.get("IsTrackedAsInventory") else "Unknown",
        "isBillItem": bool(raw.get("IsPurchased")),
        "isInvoiceItem": bool(raw.get("IsSold")),
    }
    if raw.get("IsPurchased"):
        doc["billItem"] = _details(raw, "PurchaseDescription", "PurchaseDetails")
    if raw.get("IsSold"):
        doc["invoiceItem"] = _details(raw, "Description", "SalesDetails")
    return rendered(Item, doc)


def _status(raw: Raw) -> str:
    return "Archived" if raw.get("Status") in ("ARCHIVED", DELETED) else "Active"


def to_tax_rate(raw: Raw) -> Doc:
    doc = envelope(raw, "TaxType", deleted=raw.get("Status") == DELETED) | {
        "name": text(raw.get("Name")),
        "code": text(raw.get("TaxType")),
        "status": _status(raw),
        "effectiveTaxRate": optional_money(raw.get("EffectiveRate")),
        "totalTaxRate": optional_money(raw.get("DisplayTaxRate")),
        "components": [
            {
                "name": text(c.get("Name")),
                "rate": optional_money(c.get("Rate")),
                "isCompound": bool(c.get("IsCompound")),
            }
            for c in as_list(raw.get("TaxComponents"))
        ],
    }
    return rendered(TaxRate, doc)


def to_tracking_category(raw: Raw) -> Doc:
    """A category (no ``TrackingOptionID``) or one of its options."""
    deleted = raw.get("Status") == DELETED
    if raw.get("TrackingOptionID"):
        doc = envelope(raw, "TrackingOptionID", deleted=deleted) | {
            "name": text(raw.get("Name")),
            "status": _status(raw),
            "parentId": text(raw.get("TrackingCategoryID")),
            "hasChildren": False,
        }
    else:
        doc = envelope(raw, "TrackingCategoryID", deleted=deleted) | {
            "name": text(raw.get("Name")),
            "status": _status(raw),
            "parentId": None,
            "hasChildren": bool(as_list(raw.get("Options"))),
        }
    return rendered(TrackingCategory, doc)


def tracking_nodes(category: Raw) -> list[Raw]:
    """A Xero category and its options, each a record of its own (the options carry
    their category's id)."""
    options = [
        {**option, "TrackingCategoryID": category.get("TrackingCategoryID")}
        for option in as_list(category.get("Options"))
    ]
    return [category, *options]
