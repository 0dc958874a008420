"""The read endpoints under ``/v3/company/{realmId}``: ``query`` (GET ``?query=`` or
POST with the statement as an ``application/text`` body), ``GET /{entity}/{id}``, and
``cdc?entities=...&changedSince=...``.

CDC follows Intuit's "Change data capture" page: full payloads of every record changed
at or after ``changedSince``, grouped by entity in the order asked and by last update
within each, the deleted ones after the live ones as ``{"status": "Deleted", "Id",
"MetaData"}``; at most 30 days back (older is refused) and at most 1,000 objects in one
answer (the rest are left out: a client shortens its window). TaxCode and TaxRate have
no CDC."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.simulators.qbo import faults, query
from ledgerport.simulators.qbo.dates import parse_moment, response_time, stamp
from ledgerport.simulators.qbo.entities import Entity, entity
from ledgerport.simulators.qbo.mapping.common import Json

if TYPE_CHECKING:
    from ledgerport.simulators.qbo.app import QboSimulator

CDC_LOOKBACK = timedelta(days=30)
CDC_MAX_OBJECTS = 1000


def _sim(request: Request) -> QboSimulator:
    sim: QboSimulator = request.app.state.qbo
    return sim


def _entity(name: str, element: str = "") -> Entity:
    found = entity(name)
    if found is None:
        raise faults.QboFault(
            faults.QUERY_VALIDATION,
            "Invalid query",
            f"QueryValidationError: value {name} is not a supported entity",
            element,
        )
    return found


def _answer(sim: QboSimulator, body: Json) -> Response:
    return faults.json_response(body | {"time": response_time(sim.clock())})


def run_query(request: Request, body: bytes) -> Response:
    sim = _sim(request)
    if request.method == "POST":
        text = body.decode("utf-8", "replace")
    else:
        text = request.query_params.get("query", "")
    if not text.strip():
        raise faults.required("query")
    parsed = query.parse(text)
    kind = _entity(parsed.entity)
    query.check_queryable(parsed, kind.allows)
    records = sim.ledger().records(kind.name)
    page, total = query.select(records, parsed)
    shown = [sim.presented(request, kind.name, r) for r in page]
    return _answer(sim, {"QueryResponse": query.query_response(kind.name, parsed, shown, total)})


def read(request: Request, body: bytes) -> Response:
    sim = _sim(request)
    kind = entity(request.path_params["entity"])
    object_id = request.path_params["object_id"]
    if kind is None:
        raise faults.QboFault(
            faults.UNSUPPORTED_OPERATION,
            "Unsupported Operation",
            f"Operation read is not supported for {request.path_params['entity']}.",
        )
    if kind.name == "CompanyInfo" and object_id == sim.realm_id:
        object_id = "1"  # QBO reads CompanyInfo by the realm id
    found = sim.ledger().get(kind.name, object_id)
    if found is None:
        raise faults.not_found(kind.name, object_id)
    return _answer(sim, {kind.name: sim.presented(request, kind.name, found)})


def preferences(request: Request, body: bytes) -> Response:
    """``GET /preferences``: the one Preferences object (python-quickbooks reads it so)."""
    sim = _sim(request)
    (found,) = sim.ledger().records("Preferences")
    return _answer(sim, {"Preferences": found})


def _updated(record: Json) -> datetime:
    return parse_moment(record["MetaData"]["LastUpdatedTime"])


def cdc(request: Request, body: bytes) -> Response:
    sim = _sim(request)
    names = [n.strip() for n in request.query_params.get("entities", "").split(",") if n.strip()]
    if not names:
        raise faults.required("entities")
    raw_since = request.query_params.get("changedSince", "")
    if not raw_since:
        raise faults.required("changedSince")
    try:
        since = parse_moment(raw_since)
    except ValueError:
        raise faults.invalid_request(
            f"changedSince is not a date-time: {raw_since!r}", "changedSince"
        ) from None
    now = sim.clock()
    if since < now - CDC_LOOKBACK:
        raise faults.invalid_request(
            f"Operation cdc with changedSince date {raw_since} which is older than "
            f"{CDC_LOOKBACK.days} days is not supported.",
            "changedSince",
        )
    kinds = [_entity(name, "entities") for name in names]
    for kind in kinds:
        if not kind.cdc:
            raise faults.QboFault(
                faults.UNSUPPORTED_OPERATION,
                "Unsupported Operation",
                f"Operation cdc is not supported for {kind.name}.",
                "entities",
            )
    ledger = sim.ledger()
    tombstones = ledger.tombstones()
    left = CDC_MAX_OBJECTS
    responses: list[Json] = []
    for kind in kinds:
        live = [r for r in ledger.records(kind.name) if _updated(r) >= since]
        live.sort(key=_updated)
        gone = sorted(
            (t for t in tombstones if t.entity == kind.name and t.at >= since),
            key=lambda t: t.at,
        )
        objects: list[Any] = [sim.presented(request, kind.name, r) for r in live[:left]]
        objects += [
            {
                "domain": "QBO",
                "status": "Deleted",
                "Id": t.id,
                "MetaData": {"LastUpdatedTime": stamp(t.at)},
            }
            for t in gone[: max(left - len(objects), 0)]
        ]
        left -= len(objects)
        if objects:
            responses.append({kind.name: objects, "startPosition": 1, "maxResults": len(objects)})
        else:
            responses.append({})
    return _answer(sim, {"CDCResponse": [{"QueryResponse": responses}]})
