"""Writes to name lists: Customer and Vendor (DisplayName unique across both, QBO's
6240 "Duplicate Name Exists Error") and Account (Name unique, AccountType from QBO's
closed list). QBO deletes none of them: a name is made inactive with ``Active: false``."""

from __future__ import annotations

from ledgerport.simulators.qbo import faults
from ledgerport.simulators.qbo.mapping.common import GBP_REF, Json
from ledgerport.simulators.qbo.writes.common import WriteContext, writable

PARTY_FIELDS = frozenset(
    {
        "Title",
        "GivenName",
        "MiddleName",
        "FamilyName",
        "Suffix",
        "DisplayName",
        "CompanyName",
        "PrintOnCheckName",
        "Active",
        "PrimaryPhone",
        "AlternatePhone",
        "Mobile",
        "Fax",
        "PrimaryEmailAddr",
        "WebAddr",
        "BillAddr",
        "ShipAddr",
        "Notes",
        "Taxable",
        "PrimaryTaxIdentifier",
        "PreferredDeliveryMethod",
        "ResaleNum",
        "AcctNum",
        "TaxIdentifier",
        "Vendor1099",
        "TermRef",
        "SalesTermRef",
        "PaymentMethodRef",
        "DefaultTaxCodeRef",
    }
)
ACCOUNT_FIELDS = frozenset(
    {"Name", "AcctNum", "Active", "AccountType", "AccountSubType", "Description", "TaxCodeRef"}
)
# QBO's AccountType values, their Classification and a default AccountSubType.
ACCOUNT_TYPES: dict[str, tuple[str, str]] = {
    "Bank": ("Asset", "Checking"),
    "Other Current Asset": ("Asset", "OtherCurrentAssets"),
    "Fixed Asset": ("Asset", "MachineryAndEquipment"),
    "Other Asset": ("Asset", "OtherLongTermAssets"),
    "Accounts Receivable": ("Asset", "AccountsReceivable"),
    "Accounts Payable": ("Liability", "AccountsPayable"),
    "Credit Card": ("Liability", "CreditCard"),
    "Other Current Liability": ("Liability", "OtherCurrentLiabilities"),
    "Long Term Liability": ("Liability", "OtherLongTermLiabilities"),
    "Equity": ("Equity", "OwnersEquity"),
    "Income": ("Revenue", "ServiceFeeIncome"),
    "Other Income": ("Revenue", "OtherMiscellaneousIncome"),
    "Expense": ("Expense", "OtherMiscellaneousServiceCost"),
    "Other Expense": ("Expense", "OtherMiscellaneousExpense"),
    "Cost of Goods Sold": ("Expense", "SuppliesMaterialsCogs"),
}
_SUBTYPE_TYPES = {subtype: kind for kind, (_, subtype) in ACCOUNT_TYPES.items()}


def duplicate(detail: str) -> faults.QboFault:
    return faults.QboFault(
        faults.DUPLICATE_NAME,
        "Duplicate Name Exists Error",
        f"The name supplied already exists. : {detail}",
        "Name",
    )


def party(ctx: WriteContext, entity: str, body: Json, current: Json | None, base: Json) -> Json:
    """A Customer or Vendor as it will be stored (``base`` holds Id, SyncToken and
    MetaData; ``current`` the record being updated)."""
    fields = writable(body, PARTY_FIELDS)
    parts = [str(fields.get(k, "")) for k in ("GivenName", "MiddleName", "FamilyName")]
    display = str(
        fields.get("DisplayName")
        or " ".join(p for p in parts if p)
        or fields.get("CompanyName", "")
    ).strip()
    if not display:
        raise faults.required("DisplayName", "DisplayName (or a name to build it from)")
    own = None if current is None else current["Id"]
    for other in ("Customer", "Vendor"):
        for record in ctx.ledger.records(other):
            clash = str(record.get("DisplayName", "")).lower() == display.lower()
            if clash and not (other == entity and record["Id"] == own):
                raise duplicate(
                    "Another customer, vendor or employee is already using this name. "
                    "Please use a different name."
                )
    balance = 0 if current is None else current.get("Balance", 0)
    record = (
        base
        | fields
        | {
            "DisplayName": display,
            "FullyQualifiedName": display,
            "PrintOnCheckName": fields.get("PrintOnCheckName", display),
            "Active": fields.get("Active", True) is not False,
            "Balance": balance,
            "CurrencyRef": GBP_REF,
        }
    )
    if entity == "Customer":
        record.setdefault("Taxable", True)
        record |= {"Job": False, "BillWithParent": False, "BalanceWithJobs": balance}
    else:
        record.setdefault("Vendor1099", False)
    return record


def account(ctx: WriteContext, body: Json, current: Json | None, base: Json) -> Json:
    fields = writable(body, ACCOUNT_FIELDS)
    name = str(fields.get("Name", "")).strip()
    if not name:
        raise faults.required("Name")
    kind = fields.get("AccountType")
    subtype = fields.get("AccountSubType")
    if kind is None and subtype is None:
        raise faults.required("AccountType", "AccountType or AccountSubType")
    if kind is None:
        kind = _SUBTYPE_TYPES.get(str(subtype))
        if kind is None:
            raise faults.QboFault(
                faults.INVALID_ENUMERATION,
                "Invalid Enumeration",
                f"Invalid Enumeration : {subtype}",
                "AccountSubType",
            )
    if kind not in ACCOUNT_TYPES:
        raise faults.QboFault(
            faults.INVALID_ENUMERATION,
            "Invalid Enumeration",
            f"Invalid Enumeration : {kind}",
            "AccountType",
        )
    own = None if current is None else current["Id"]
    for record in ctx.ledger.records("Account"):
        if str(record.get("Name", "")).lower() == name.lower() and record["Id"] != own:
            raise duplicate(
                "Another account is already using this name. Please use a different name."
            )
    classification, default_subtype = ACCOUNT_TYPES[kind]
    balance = 0 if current is None else current.get("CurrentBalance", 0)
    return (
        base
        | fields
        | {
            "Name": name,
            "FullyQualifiedName": name,
            "SubAccount": False,
            "Active": fields.get("Active", True) is not False,
            "Classification": classification,
            "AccountType": kind,
            "AccountSubType": subtype or default_subtype,
            "CurrentBalance": balance,
            "CurrentBalanceWithSubAccounts": balance,
            "CurrencyRef": GBP_REF,
        }
    )
