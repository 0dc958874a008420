"""What every write needs: the request body cleaned of the empty values SDKs send
(python-quickbooks serialises every unset field as ``""``, ``0`` or ``{}``), money read
exactly, references checked against the ledger, the SyncToken check, and stamping a
changed record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ledgerport.simulators.qbo import faults
from ledgerport.simulators.qbo.dates import PACIFIC, stamp
from ledgerport.simulators.qbo.mapping.common import Json, envelope
from ledgerport.simulators.qbo.store import Ledger, Overlay

CENT = Decimal("0.01")
READ_ONLY = frozenset({"Id", "SyncToken", "MetaData", "domain", "sparse", "status", "time"})


@dataclass
class WriteContext:
    ledger: Ledger
    overlay: Overlay
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(PACIFIC).date()


def clean(value: Any) -> Any:
    """``value`` without None, ``""`` and objects left empty by removing them (an empty
    list stays: ``"Line": []`` means "no lines")."""
    if isinstance(value, dict):
        out = {k: clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != "" and v != {}}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def money(value: Any, element: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise faults.required(element)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise faults.invalid_request(f"{element} is not a number: {value!r}", element) from None
    if not amount.is_finite():
        raise faults.invalid_request(f"{element} is not a number: {value!r}", element)
    return amount.quantize(CENT, ROUND_HALF_UP)


def optional_money(value: Any, element: str) -> Decimal | None:
    return None if value is None or value == "" else money(value, element)


def a_date(value: Any, element: str, default: date) -> date:
    if value is None or value == "":
        return default
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise faults.invalid_request(f"{element} is not a date: {value!r}", element) from None


def plus_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def ref_value(body: Json, key: str) -> str | None:
    found = body.get(key)
    if isinstance(found, dict) and found.get("value") not in (None, ""):
        return str(found["value"])
    return None


def referenced(
    ctx: WriteContext, body: Json, key: str, entity: str, *, required: bool = True
) -> Json | None:
    """The active record ``body[key]`` names (2020 if missing and required, 2500 if it
    does not exist or is inactive)."""
    value = ref_value(body, key)
    if value is None:
        if required:
            raise faults.required(key)
        return None
    target = ctx.ledger.get(entity, value)
    if target is None or target.get("Active") is False:
        raise faults.invalid_reference(key, entity, value)
    return target


def name_of(record: Json) -> str:
    for key in ("DisplayName", "FullyQualifiedName", "Name", "DocNumber"):
        if record.get(key):
            return str(record[key])
    return str(record["Id"])


def ref_to(record: Json) -> Json:
    return {"value": record["Id"], "name": name_of(record)}


def check_sync_token(current: Json, body: Json, entity: str) -> None:
    sent = body.get("SyncToken")
    if sent is None or sent == "":
        raise faults.required("SyncToken")
    if str(sent) != current["SyncToken"]:
        raise faults.stale_object(entity, str(sent), current["SyncToken"])


def touch(record: Json, now: datetime) -> Json:
    """A changed record: SyncToken one on, LastUpdatedTime now."""
    record["SyncToken"] = str(int(record["SyncToken"]) + 1)
    record["MetaData"] = {**record["MetaData"], "LastUpdatedTime": stamp(now)}
    return record


def fresh(object_id: str, now: datetime) -> Json:
    return envelope(object_id, 0, now, now)


def writable(body: Json, keys: frozenset[str]) -> Json:
    """The fields of ``body`` a client may set for this entity."""
    return {k: v for k, v in body.items() if k in keys and k not in READ_ONLY}
