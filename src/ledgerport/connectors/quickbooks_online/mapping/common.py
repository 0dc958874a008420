"""What every QuickBooks Online entity mapping shares: references, money, dates, the
record envelope, and the deleted marker.

QBO writes references as ``{"value": id, "name": label}``, money as JSON numbers,
business dates as ``YYYY-MM-DD`` and audit times with the company's offset
(``2015-07-24T10:48:27-07:00``). Codat wants ``{"id", "name"}``, numbers, and ISO
datetimes: a business date becomes local midnight with no offset (so it cannot move to
another day), an audit time keeps the offset QBO gave it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

Raw = Mapping[str, Any]
Doc = dict[str, Any]

NOT_DELETED = {"isDeleted": False}
DELETED = {"isDeleted": True}


def text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def amount(value: Any) -> Decimal | None:
    """A QBO number as an exact Decimal (through its text, so 0.1 stays 0.1)."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


def money(value: Any) -> Decimal:
    """An amount QBO may leave out when it is zero (``Balance`` on a paid invoice)."""
    found = amount(value)
    return found if found is not None else Decimal(0)


def business_date(value: Any) -> str | None:
    """``2014-09-19`` → ``2014-09-19T00:00:00``: Codat's unqualified local date."""
    found = text(value)
    if found is None:
        return None
    return found if "T" in found else f"{found}T00:00:00"


def ref_id(raw: Raw, key: str) -> str | None:
    ref = raw.get(key)
    return text(ref.get("value")) if isinstance(ref, Mapping) else None


def ref_name(raw: Raw, key: str) -> str | None:
    ref = raw.get(key)
    return text(ref.get("name")) if isinstance(ref, Mapping) else None


def qbo_ref(id_: Any, name: Any = None) -> dict[str, Any]:
    """A Codat id as a QBO reference (writes)."""
    ref: dict[str, Any] = {"value": str(id_)}
    if name:
        ref["name"] = str(name)
    return ref


def updated_at(raw: Raw) -> str | None:
    metadata = raw.get("MetaData")
    return text(metadata.get("LastUpdatedTime")) if isinstance(metadata, Mapping) else None


def created_at(raw: Raw) -> str | None:
    metadata = raw.get("MetaData")
    return text(metadata.get("CreateTime")) if isinstance(metadata, Mapping) else None


def envelope(raw: Raw, id_: str | None = None) -> Doc:
    """The fields every record starts with. ``modifiedDate`` is ours (the engine's)."""
    doc: Doc = {"id": id_ or str(raw["Id"]), "metadata": dict(NOT_DELETED)}
    source_modified = updated_at(raw)
    if source_modified is not None:
        doc["sourceModifiedDate"] = source_modified
    return doc


def is_deleted(raw: Raw) -> bool:
    """CDC answers a deleted object with only its id, ``status`` and ``MetaData``."""
    return str(raw.get("status", "")).lower() == "deleted"


def tombstone(raw: Raw, id_: str | None = None) -> Doc:
    """The deleted marker for an object CDC says is gone: its id and ``isDeleted``.
    QBO sends nothing else about it, so nothing else is claimed."""
    doc = envelope(raw, id_)
    doc["metadata"] = dict(DELETED)
    return doc


def render(model: type[BaseModel], doc: Doc) -> Doc:
    """``doc`` through the standard model: wrong shapes fail here, in the mapping, not
    in a client; the dump is exactly Codat's JSON (numbers, dates, absent vs null)."""
    return model.model_validate(doc).model_dump(mode="json")


def mapper(model: type[BaseModel], build: Callable[[Raw], Doc]) -> Callable[[Raw], Doc]:
    """A stream's ``to_standard``: deleted objects become markers, the rest are built
    and rendered through ``model``."""

    def to_standard(raw: Raw) -> Doc:
        if is_deleted(raw):
            return tombstone(raw)
        return render(model, build(raw))

    to_standard.__name__ = f"to_{model.__name__}"
    return to_standard


def status(raw: Raw) -> str:
    """Lists (customers, vendors, accounts, items...) have ``Active``; inactive is
    QBO's "deleted" for them, which Codat calls archived."""
    return "Active" if raw.get("Active", True) is not False else "Archived"


def address(raw: Any, kind: str) -> Doc | None:
    """A QBO ``PhysicalAddress`` as Codat's ``Address`` (``kind``: Billing/Delivery)."""
    if not isinstance(raw, Mapping):
        return None
    lines = [text(raw.get(f"Line{n}")) for n in range(1, 6)]
    present = [line for line in lines if line]
    doc: Doc = {
        "type": kind,
        "line1": present[0] if present else None,
        "line2": ", ".join(present[1:]) or None,
        "city": text(raw.get("City")),
        "region": text(raw.get("CountrySubDivisionCode")),
        "country": text(raw.get("Country")),
        "postalCode": text(raw.get("PostalCode")),
    }
    return doc


def addresses(raw: Raw, billing: str, delivery: str | None = None) -> list[Doc]:
    found = [address(raw.get(billing), "Billing")]
    if delivery is not None:
        found.append(address(raw.get(delivery), "Delivery"))
    return [a for a in found if a is not None]


def nested(raw: Raw, *path: str) -> Any:
    value: Any = raw
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def currency(raw: Raw) -> str | None:
    return ref_id(raw, "CurrencyRef")


def json_number(value: Decimal) -> int | float:
    """A Decimal as QBO takes it in a JSON body (writes)."""
    return int(value) if value == value.to_integral_value() else float(value)


def day(value: Any) -> str | None:
    """A Codat date or datetime as the QBO date it names (writes): ``YYYY-MM-DD``."""
    found = text(value)
    return found[:10] if found else None
