"""What every Xero mapping shares: money, currency rates, the record envelope
(``id``, ``metadata.isDeleted``, ``sourceModifiedDate``) and rendering through the
domain model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from ledgerport.connectors.xero.dates import timestamp

Raw = Mapping[str, Any]
Doc = dict[str, Any]

# Xero's statuses that mean the record is gone from the books (kept, flagged deleted,
# as Codat keeps records deleted at the source).
DELETED = "DELETED"
_RATE_PLACES = Decimal("0.0000000001")


def money(value: Any) -> Decimal:
    """A Xero amount as an exact Decimal (0 for nothing or nonsense)."""
    number = optional_money(value)
    return number if number is not None else Decimal(0)


def optional_money(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def codat_rate(xero_rate: Any) -> Decimal | None:
    """Xero's ``CurrencyRate`` is units of the document's currency per unit of the base
    currency (base NZD, a USD invoice at 0.7: 1 NZD buys 0.7 USD); Codat's
    ``currencyRate`` turns the document's amounts into the base currency (base = amount
    x rate). So one is the inverse of the other. None when Xero gives none (or 0)."""
    rate = optional_money(xero_rate)
    if rate is None or rate <= 0:
        return None
    if rate == 1:
        return Decimal(1)
    return (Decimal(1) / rate).quantize(_RATE_PLACES, ROUND_HALF_UP).normalize()


def xero_rate(codat: Any) -> Decimal | None:
    """The inverse of :func:`codat_rate`, for writes."""
    return codat_rate(codat)


def text(value: Any) -> str | None:
    """A Xero string, with Xero's empty strings as None."""
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def envelope(raw: Raw, id_key: str, *, deleted: bool = False) -> Doc:
    """The fields every record has: its Xero id, whether Xero deleted it, and when
    Xero last changed it."""
    doc: Doc = {"id": str(raw.get(id_key) or ""), "metadata": {"isDeleted": deleted}}
    modified = timestamp(raw.get("UpdatedDateUTC"))
    if modified is not None:
        doc["sourceModifiedDate"] = modified
    return doc


def rendered(model: type[BaseModel], doc: Mapping[str, Any]) -> Doc:
    """``doc`` as the domain model writes it: Codat's JSON (absent vs null, numbers,
    dates), and a mapping mistake fails here, in the golden tests, not in a client."""
    return model.model_validate(dict(doc)).model_dump(mode="json")


def first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v not in (None, "")), None)


def by_key(items: Any, key: str) -> Mapping[str, Any]:
    """``{item[key]: item}`` of a Xero list (an empty mapping for anything else)."""
    if not isinstance(items, list):
        return {}
    return {str(i[key]): i for i in items if isinstance(i, Mapping) and i.get(key)}


def as_list(value: Any) -> list[Mapping[str, Any]]:
    """A Xero array of objects (Xero omits empty arrays, or sends ``null``)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]
