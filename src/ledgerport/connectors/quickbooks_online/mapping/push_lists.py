"""Codat customers, suppliers and accounts as QBO Customer, Vendor and Account bodies
(writes). Only fields given are sent: updates are sparse, so QBO keeps the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerport.connectors.errors import RejectedError
from ledgerport.connectors.quickbooks_online.mapping.common import Doc, qbo_ref, text

Record = Mapping[str, Any]

# QBO's AccountType values, by the compact form ``fullyQualifiedCategory`` carries.
QBO_ACCOUNT_TYPES = (
    "Bank", "Other Current Asset", "Fixed Asset", "Other Asset", "Accounts Receivable",
    "Equity", "Expense", "Other Expense", "Cost of Goods Sold", "Accounts Payable",
    "Credit Card", "Long Term Liability", "Other Current Liability", "Income", "Other Income",
)  # fmt: skip
_BY_COMPACT = {name.replace(" ", ""): name for name in QBO_ACCOUNT_TYPES}
# Where an account of a Codat type goes when the category does not say.
DEFAULT_ACCOUNT_TYPES = {
    "Asset": "Other Current Asset",
    "Liability": "Other Current Liability",
    "Equity": "Equity",
    "Income": "Income",
    "Expense": "Expense",
}


def _address(address: Any) -> Doc | None:
    if not isinstance(address, Mapping):
        return None
    body = {
        "Line1": text(address.get("line1")),
        "Line2": text(address.get("line2")),
        "City": text(address.get("city")),
        "CountrySubDivisionCode": text(address.get("region")),
        "Country": text(address.get("country")),
        "PostalCode": text(address.get("postalCode")),
    }
    return {k: v for k, v in body.items() if v is not None}


def _by_type(addresses: Any, kind: str) -> Doc | None:
    for address in addresses if isinstance(addresses, list) else []:
        if isinstance(address, Mapping) and address.get("type") == kind:
            return _address(address)
    return None


def _contact(record: Record, name_key: str) -> Doc:
    name = text(record.get(name_key))
    body: Doc = {}
    if name:
        body["DisplayName"] = name
        body["CompanyName"] = name
    email = text(record.get("emailAddress"))
    if email:
        body["PrimaryEmailAddr"] = {"Address": email}
    phone = text(record.get("phone"))
    if phone:
        body["PrimaryPhone"] = {"FreeFormNumber": phone}
    status = record.get("status")
    if status in ("Active", "Archived"):
        body["Active"] = status == "Active"
    return body


def customer(record: Record) -> Doc:
    body = _contact(record, "customerName")
    billing = _by_type(record.get("addresses"), "Billing")
    delivery = _by_type(record.get("addresses"), "Delivery")
    if billing:
        body["BillAddr"] = billing
    if delivery:
        body["ShipAddr"] = delivery
    if text(record.get("defaultCurrency")):
        body["CurrencyRef"] = qbo_ref(record["defaultCurrency"])
    return body


def supplier(record: Record) -> Doc:
    body = _contact(record, "supplierName")
    billing = _by_type(record.get("addresses"), "Billing") or _by_type(
        record.get("addresses"), "Unknown"
    )
    if billing:
        body["BillAddr"] = billing
    if text(record.get("taxNumber")):
        body["TaxIdentifier"] = record["taxNumber"]
    if text(record.get("defaultCurrency")):
        body["CurrencyRef"] = qbo_ref(record["defaultCurrency"])
    return body


def account_types(record: Record) -> tuple[str, str | None]:
    """(AccountType, AccountSubType) from ``fullyQualifiedCategory`` (``Asset.Bank.
    Checking``, as reads write it) or, failing that, the default for ``type``."""
    parts = str(record.get("fullyQualifiedCategory") or "").split(".")
    if len(parts) >= 2 and parts[1] in _BY_COMPACT:
        return _BY_COMPACT[parts[1]], (parts[2] if len(parts) > 2 and parts[2] else None)
    default = DEFAULT_ACCOUNT_TYPES.get(str(record.get("type")))
    if default is None:
        raise RejectedError(
            "An account needs a type (Asset, Liability, Equity, Income or Expense) or a"
            " fullyQualifiedCategory naming a QuickBooks account type.",
            fields=(("type", "Required."),),
        )
    return default, None


def account(record: Record) -> Doc:
    kind, sub_kind = account_types(record)
    body: Doc = {"Name": text(record.get("name")), "AccountType": kind}
    if sub_kind:
        body["AccountSubType"] = sub_kind
    for source, target in (("nominalCode", "AcctNum"), ("description", "Description")):
        if text(record.get(source)):
            body[target] = text(record.get(source))
    if text(record.get("currency")):
        body["CurrencyRef"] = qbo_ref(record["currency"])
    if record.get("status") in ("Active", "Archived"):
        body["Active"] = record.get("status") == "Active"
    return body
