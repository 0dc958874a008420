"""Reading Codat's 2023 accounting spec in tests: which schema models each data type, and
a schema's properties with ``allOf`` and ``$ref`` flattened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledgerport.domain.enums import DataType
from tests.conformance.codat_schema import accounting_spec

SCHEMAS: dict[DataType, str] = {
    DataType.CHART_OF_ACCOUNTS: "Account",
    DataType.BANK_ACCOUNTS: "BankAccount",
    DataType.BANK_TRANSACTIONS: "BankTransactions/definitions/bankTransactionLine",
    DataType.BILLS: "Bill",
    DataType.BILL_CREDIT_NOTES: "BillCreditNote",
    DataType.BILL_PAYMENTS: "BillPayment",
    DataType.COMPANY: "CompanyDataset",
    DataType.CREDIT_NOTES: "CreditNote",
    DataType.CUSTOMERS: "Customer",
    DataType.DIRECT_COSTS: "DirectCost",
    DataType.DIRECT_INCOMES: "DirectIncome",
    DataType.INVOICES: "Invoice",
    DataType.ITEMS: "Item",
    DataType.JOURNAL_ENTRIES: "JournalEntry",
    DataType.JOURNALS: "Journal",
    DataType.PAYMENT_METHODS: "PaymentMethod",
    DataType.PAYMENTS: "Payment",
    DataType.PURCHASE_ORDERS: "PurchaseOrder",
    DataType.SALES_ORDERS: "SalesOrder",
    DataType.SUPPLIERS: "Supplier",
    DataType.TAX_RATES: "TaxRate",
    DataType.TRACKING_CATEGORIES: "TrackingCategory",
    DataType.TRANSFERS: "Transfer",
}

# Properties we serve that the 2023 spec does not list, all from Codat's current specs:
# every record's envelope, plus the two named here.
ENVELOPE = {"id", "metadata", "supplementalData", "modifiedDate", "sourceModifiedDate"}
EXTRA_PROPERTIES: dict[str, set[str]] = {
    "BankAccount": {"status"},
    "BankTransactions/definitions/bankTransactionLine": {"accountId"},
}


def resolve(pointer: str) -> Any:
    """``#/components/...`` or a schema name relative to ``#/components/schemas/``."""
    if not pointer.startswith("#/"):
        pointer = f"#/components/schemas/{pointer}"
    node: Any = accounting_spec()
    for part in pointer[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@dataclass
class Flat:
    """A schema with its ``allOf``/``$ref`` chain merged."""

    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    nullable: bool = False
    type: str | None = None
    enum: list[Any] | None = None
    items: Any = None


def flatten(node: Any) -> Flat:
    flat = Flat()
    if "$ref" in node:
        _merge(flat, flatten(resolve(node["$ref"])))
    for part in node.get("allOf", []):
        inner = flatten(part)
        inner.nullable = False  # a nullable *part* (ModifiedDates) is not a nullable whole
        _merge(flat, inner)
    flat.properties.update(node.get("properties", {}))
    flat.required |= set(node.get("required", []))
    flat.nullable = flat.nullable or node.get("nullable", False) is True
    flat.type = node.get("type", flat.type)
    flat.enum = node.get("enum", flat.enum)
    flat.items = node.get("items", flat.items)
    return flat


def _merge(into: Flat, other: Flat) -> None:
    into.properties.update(other.properties)
    into.required |= other.required
    into.nullable = into.nullable or other.nullable
    into.type = other.type or into.type
    into.enum = other.enum or into.enum
    into.items = other.items or into.items


def enum_values(pointer: str) -> set[str]:
    values = flatten(resolve(pointer)).enum
    assert values is not None, f"{pointer} is not an enum"
    return set(values)
