"""Lists documents point into: Item → items, TaxCode (with its TaxRates) → taxRates,
Class and Department → trackingCategories.

**Tax.** QBO lines name a ``TaxCode``; a code is made of ``TaxRate`` components
(``SalesTaxRateList``/``PurchaseTaxRateList``). A Codat tax rate is what a line points
at, so each TaxCode is one Codat tax rate (same id), and its components are the rates it
lists (sales ones, else purchase ones), resolved from the TaxRate list the reader reads
first and passes in the code's ``_rates`` key (id → TaxRate). A component applied on
amount plus earlier tax (``TaxOnAmountPlusTax``) is compound. US companies' ``TAX`` and
``NON`` pseudo-codes list no rates: their rates are unknown (null), not zero.

**Tracking.** Classes and departments (QBO's "locations") are separate lists whose ids
may collide, so ids are prefixed: ``class-{Id}``, ``department-{Id}``. The reader tags
each raw object with ``_entity`` (``Class`` or ``Department``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ledgerport.connectors.quickbooks_online.mapping.common import (
    Doc,
    Raw,
    amount,
    envelope,
    is_deleted,
    mapper,
    nested,
    ref_id,
    ref_name,
    render,
    status,
    text,
    tombstone,
)
from ledgerport.connectors.quickbooks_online.mapping.lines import class_id, department_id
from ledgerport.domain.accounting import Item, TaxRate, TrackingCategory

RATES_KEY = "_rates"
ENTITY_KEY = "_entity"
_ITEM_TYPES = {"Inventory": "Inventory", "NonInventory": "NonInventory", "Service": "Service"}


def _details(raw: Raw, description: str, price: str, account: str, tax: str) -> Doc:
    doc: Doc = {"description": text(raw.get(description)), "unitPrice": amount(raw.get(price))}
    if ref_id(raw, account):
        doc["accountRef"] = {"id": ref_id(raw, account), "name": ref_name(raw, account)}
    if ref_id(raw, tax):
        doc["taxRateRef"] = {"id": ref_id(raw, tax), "name": ref_name(raw, tax)}
    return doc


def _item(raw: Raw) -> Doc:
    doc: Doc = {
        **envelope(raw),
        "name": text(raw.get("Name")),
        "code": text(raw.get("Sku")),
        "itemStatus": status(raw),
        "type": _ITEM_TYPES.get(str(raw.get("Type")), "Unknown"),
        "isBillItem": bool(ref_id(raw, "ExpenseAccountRef")),
        "isInvoiceItem": bool(ref_id(raw, "IncomeAccountRef")),
    }
    if doc["isBillItem"]:
        doc["billItem"] = _details(
            raw, "PurchaseDesc", "PurchaseCost", "ExpenseAccountRef", "PurchaseTaxCodeRef"
        )
    if doc["isInvoiceItem"]:
        doc["invoiceItem"] = _details(
            raw, "Description", "UnitPrice", "IncomeAccountRef", "SalesTaxCodeRef"
        )
    return doc


def _components(raw: Raw) -> list[Doc]:
    found = raw.get(RATES_KEY)
    rates: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    details: list[Any] = []
    for list_key in ("SalesTaxRateList", "PurchaseTaxRateList"):
        listed = nested(raw, list_key, "TaxRateDetail")
        details = [d for d in listed if isinstance(d, Mapping)] if isinstance(listed, list) else []
        if details:
            break
    components = []
    for detail in sorted(details, key=lambda d: int(d.get("TaxOrder") or 0)):
        rate_id = ref_id(detail, "TaxRateRef")
        rate = rates.get(rate_id, {}) if rate_id else {}
        components.append(
            {
                "name": text(rate.get("Name")) or ref_name(detail, "TaxRateRef"),
                "rate": amount(rate.get("RateValue")),
                "isCompound": detail.get("TaxTypeApplicable") == "TaxOnAmountPlusTax",
            }
        )
    return components


def _rates(components: list[Doc]) -> tuple[Decimal | None, Decimal | None]:
    """(effective, total): the plain sum, and what applies once compound components
    are taken on the amount plus the tax before them."""
    if not components or any(c["rate"] is None for c in components):
        return None, None
    total = sum((c["rate"] for c in components), Decimal(0))
    effective = Decimal(0)
    for component in components:
        base = 100 + effective if component["isCompound"] else Decimal(100)
        effective += base * component["rate"] / 100
    return effective, total


def _tax_rate(raw: Raw) -> Doc:
    components = _components(raw)
    effective, total = _rates(components)
    return {
        **envelope(raw),
        "name": text(raw.get("Description")) or text(raw.get("Name")),
        "code": text(raw.get("Name")),
        "status": status(raw),
        "effectiveTaxRate": effective,
        "totalTaxRate": total,
        "components": components,
    }


def tracking_id(raw: Raw) -> str:
    make = department_id if raw.get(ENTITY_KEY) == "Department" else class_id
    return make(str(raw["Id"]))


def _tracking_category(raw: Raw) -> Doc:
    make = department_id if raw.get(ENTITY_KEY) == "Department" else class_id
    parent = ref_id(raw, "ParentRef")
    return {
        **envelope(raw, tracking_id(raw)),
        "name": text(raw.get("FullyQualifiedName")) or text(raw.get("Name")),
        "status": status(raw),
        "parentId": make(parent) if parent else None,
    }


def tracking_category(raw: Raw) -> Doc:
    if is_deleted(raw):
        return tombstone(raw, tracking_id(raw))
    return render(TrackingCategory, _tracking_category(raw))


item = mapper(Item, _item)
tax_rate = mapper(TaxRate, _tax_rate)
