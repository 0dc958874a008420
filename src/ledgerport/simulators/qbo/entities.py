"""The QBO entities the simulator serves, what each allows (query properties, CDC,
create, delete), and how sandbox ids become QBO Ids.

QBO Ids are numeric strings. A sandbox record's Id is its number (``inv-00280`` is 280,
``acc-8000`` is 8000; reference data without a number counts from 1 in catalogue
order) times 100 plus its entity's code, so Ids are unique across entities (a
``LinkedTxn`` is never ambiguous), stable for a seed, and ascending in creation order
within an entity. Records created through the API take numbers from 10,000,000 up."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledgerport.connectors.sandbox import catalog as c

API_NUMBERS_START = 10_000_000


@dataclass(frozen=True)
class Entity:
    name: str
    code: int
    queryable: frozenset[str]
    cdc: bool = True
    creatable: bool = False
    deletable: bool = False  # ``?operation=delete``; name lists are made inactive instead

    def allows(self, prop: str) -> bool:
        return prop.lower() in {p.lower() for p in self.queryable}


_COMMON = frozenset({"Id", "MetaData.CreateTime", "MetaData.LastUpdatedTime"})
_TXN = _COMMON | {"TxnDate", "DocNumber", "TotalAmt"}
_NAMES = _COMMON | {"Name", "Active", "FullyQualifiedName"}
_PARTY = _COMMON | {"DisplayName", "CompanyName", "GivenName", "FamilyName", "Active"}

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "Account",
        1,
        _NAMES
        | {"AccountType", "AccountSubType", "Classification", "SubAccount", "CurrentBalance"},
        creatable=True,
    ),
    Entity(
        "Customer",
        2,
        _PARTY | {"Balance", "FullyQualifiedName", "PrimaryEmailAddr"},
        creatable=True,
    ),
    Entity("Vendor", 3, _PARTY, creatable=True),
    Entity("Item", 4, _NAMES | {"Type", "Sku"}),
    Entity("TaxCode", 5, _NAMES, cdc=False),
    Entity("TaxRate", 6, _NAMES, cdc=False),
    Entity("Class", 7, _NAMES),
    Entity("Department", 8, _NAMES),
    Entity("CompanyInfo", 9, _COMMON),
    Entity("Preferences", 10, _COMMON),
    Entity(
        "Invoice",
        11,
        _TXN | {"CustomerRef", "DueDate", "Balance", "DepartmentRef"},
        creatable=True,
        deletable=True,
    ),
    Entity("CreditMemo", 12, _TXN | {"CustomerRef", "Balance"}, creatable=True, deletable=True),
    Entity(
        "Bill",
        13,
        _TXN | {"VendorRef", "DueDate", "Balance", "APAccountRef"},
        creatable=True,
        deletable=True,
    ),
    Entity("VendorCredit", 14, _TXN | {"VendorRef"}, creatable=True, deletable=True),
    Entity("Payment", 15, _TXN | {"CustomerRef", "PaymentRefNum"}, creatable=True, deletable=True),
    Entity("BillPayment", 16, _TXN | {"VendorRef"}, creatable=True, deletable=True),
    Entity("JournalEntry", 17, _TXN),
    Entity("Purchase", 18, _TXN | {"PaymentType", "AccountRef"}),
    Entity(
        "Attachable",
        19,
        _COMMON | {"FileName", "AttachableRef.EntityRef.Type", "AttachableRef.EntityRef.value"},
        deletable=True,
    ),
)
BY_NAME = {e.name.lower(): e for e in ENTITIES}
BY_CODE = {e.code: e for e in ENTITIES}


def entity(name: str) -> Entity | None:
    """The entity a query or URL names (URLs spell it lower case: ``/billpayment``)."""
    return BY_NAME.get(name.lower())


_CATALOGUE: dict[str, int] = {
    **{rate.id: n for n, rate in enumerate(c.TAX_RATES, 1)},
    **{item.id: n for n, item in enumerate(c.ITEMS, 1)},
    **{category.id: n for n, category in enumerate(c.TRACKING, 1)},
    **{method.id: n for n, method in enumerate(c.PAYMENT_METHODS, 1)},
}
_TRAILING = re.compile(r"-(\d+)$")


def number(sandbox_id: str) -> int:
    """The number of a sandbox record (KeyError for an id the scheme does not know)."""
    match = _TRAILING.search(sandbox_id)
    if match is not None:
        return int(match.group(1))
    return _CATALOGUE[sandbox_id]


def qbo_id(name: str, n: int) -> str:
    return str(n * 100 + BY_NAME[name.lower()].code)


def from_sandbox(name: str, sandbox_id: str) -> str:
    return qbo_id(name, number(sandbox_id))


def decode(object_id: str) -> tuple[Entity, int] | None:
    """The entity and number an Id was made from (None: not one of ours)."""
    if not object_id.isdigit():
        return None
    value = int(object_id)
    kind = BY_CODE.get(value % 100)
    return None if kind is None else (kind, value // 100)
