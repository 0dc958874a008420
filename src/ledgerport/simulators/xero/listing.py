"""How every Accounting API list answers: ``If-Modified-Since`` (on ``UpdatedDateUTC``),
``includeArchived``, the id/status lists the spec gives an endpoint (``IDs``,
``Statuses``, ``ContactIDs``, ``InvoiceNumbers``), ``where``, ``order``, then paging
(``page``, 1-based, ``pageSize`` up to 1,000, with a ``pagination`` object).

Without ``where``, ``order`` or a list filter only the page asked for is rendered, so
a big company pages cheaply; with one, every candidate is rendered and tested."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.simulators.xero.dates import parse_if_modified_since
from ledgerport.simulators.xero.records import Record, Row, View
from ledgerport.simulators.xero.responses import envelope, json_response, not_found, problem
from ledgerport.simulators.xero.where import QueryError, order, where

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # Xero's ceiling for pageSize


@dataclass(frozen=True)
class ListFilter:
    """A comma-separated query parameter matching a field (``Statuses`` -> ``Status``)."""

    param: str
    field: str
    is_guid: bool = False

    def values(self, request: Request) -> set[str] | None:
        raw = request.query_params.get(self.param)
        if not raw:
            return None
        values = {v.strip() for v in raw.split(",") if v.strip()}
        return {v.lower() for v in values} if self.is_guid else values

    def matches(self, record: Record, values: set[str]) -> bool:
        value: Any = record
        for part in self.field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        text = str(value or "")
        return (text.lower() if self.is_guid else text) in values


def view_of(request: Request) -> View:
    sim: XeroSimulator = request.app.state.xero
    return View(sim, sim.books())


def since(request: Request) -> datetime | None:
    header = request.headers.get("if-modified-since")
    return parse_if_modified_since(header) if header else None


def query_error(message: str) -> Response:
    """Xero's answer to a ``where`` or ``order`` it cannot read."""
    body = {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message}
    return json_response(body, 400)


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    return None if raw in (None, "") else int(raw)  # ValueError: the caller's 400


def serve_list(
    request: Request,
    key: str,
    rows: Sequence[Row],
    *,
    paged: bool = True,
    filters: Sequence[ListFilter] = (),
    archived: bool = False,
) -> Response:
    """One list answer. ``archived``: the endpoint hides archived rows unless
    ``includeArchived=true``."""
    sim: XeroSimulator = request.app.state.xero
    try:
        page, size = (_int(request, "page"), _int(request, "pageSize")) if paged else (None, None)
    except ValueError:
        return problem(400, "Bad Request", "page and pageSize must be integers")
    moment = since(request)
    picked = [row for row in rows if moment is None or row.stamp >= moment]
    if archived and request.query_params.get("includeArchived", "").lower() != "true":
        picked = [row for row in picked if not row.hidden]
    q = request.query_params
    wanted = [(f, values) for f in filters if (values := f.values(request)) is not None]
    page_size = min(max(size or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    start = (max(page, 1) - 1) * page_size if page is not None else 0
    if wanted or q.get("where") or q.get("order"):
        try:
            test = where(q["where"]) if q.get("where") else None
            items = [row.render() for row in picked]
            items = [
                r
                for r in items
                if all(f.matches(r, values) for f, values in wanted) and (test is None or test(r))
            ]
            if q.get("order"):
                items = order(items, q["order"])
        except QueryError as unreadable:
            return query_error(str(unreadable))
        count = len(items)
        if page is not None:
            items = items[start : start + page_size]
    else:
        count = len(picked)
        if page is not None:
            picked = picked[start : start + page_size]
        items = [row.render() for row in picked]
    extra: dict[str, Any] = {}
    if page is not None:
        extra["pagination"] = {
            "page": max(page, 1),
            "pageSize": page_size,
            "pageCount": math.ceil(count / page_size),
            "itemCount": count,
        }
    return json_response(envelope(sim.clock(), key, items, **extra))


def serve_one(request: Request, key: str, rows: Sequence[Row], guid: str) -> Response:
    """``GET /{Endpoint}/{Guid}``: the one record as a one-element list, as Xero
    answers it."""
    sim: XeroSimulator = request.app.state.xero
    wanted = guid.strip().lower()
    for row in rows:
        if row.guid == wanted:
            return json_response(envelope(sim.clock(), key, [row.render()]))
    return not_found()
