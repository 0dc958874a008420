"""The Accounting API list endpoints (``/api.xro/2.0/Accounts``, ``/Contacts``,
``/Invoices``): the sandbox's records for the tenant's books at the simulator's clock,
mapped to Xero's shapes, filtered by ``If-Modified-Since`` and paged as Xero pages.

Only the page asked for is rendered, so a big generated company pages cheaply; the
exception is Contacts without ``includeArchived=true``, whose ARCHIVED records are
dropped after rendering (the sandbox keeps no contact status to filter on before)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.connectors.sandbox.books import Books
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import mapping
from ledgerport.simulators.xero.dates import parse_if_modified_since
from ledgerport.simulators.xero.responses import envelope, json_response, problem

if TYPE_CHECKING:
    from ledgerport.simulators.xero.app import XeroSimulator

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # Xero's ceiling for pageSize

Source = tuple[DataType, Callable[[str, dict[str, Any]], dict[str, Any]]]

CONTACT_SOURCES: tuple[Source, ...] = (
    (DataType.CUSTOMERS, lambda t, r: mapping.contact(t, r, is_customer=True)),
    (DataType.SUPPLIERS, lambda t, r: mapping.contact(t, r, is_customer=False)),
)
INVOICE_SOURCES: tuple[Source, ...] = (
    (DataType.INVOICES, lambda t, r: mapping.invoice(t, r, sales=True)),
    (DataType.BILLS, lambda t, r: mapping.invoice(t, r, sales=False)),
)
ACCOUNT_SOURCES: tuple[Source, ...] = ((DataType.CHART_OF_ACCOUNTS, mapping.account),)
ITEM_SOURCES: tuple[Source, ...] = ((DataType.ITEMS, mapping.item),)
CREDIT_NOTE_SOURCES: tuple[Source, ...] = (
    (DataType.CREDIT_NOTES, lambda t, r: mapping.credit_note(t, r, sales=True)),
    (DataType.BILL_CREDIT_NOTES, lambda t, r: mapping.credit_note(t, r, sales=False)),
)


def _since(request: Request) -> datetime | None:
    header = request.headers.get("if-modified-since")
    return parse_if_modified_since(header) if header else None


def _positions(
    books: Books, sources: tuple[Source, ...], since: datetime | None
) -> list[tuple[int, int]]:
    """(source, position) of every record to serve, in a stable order: each source's
    records oldest first, sources one after another."""
    return [
        (n, position)
        for n, (data_type, _) in enumerate(sources)
        for position in books.changed_since(data_type, since)
    ]


def _render(
    sim: XeroSimulator, books: Books, sources: tuple[Source, ...], picks: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    tenant_id = sim.tenant.tenant_id
    out = []
    for n, position in picks:
        data_type, to_xero = sources[n]
        out.append(to_xero(tenant_id, books.render(data_type, position)))
    return out


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    return int(raw)  # ValueError handled by the caller


async def _paged_list(request: Request, key: str, sources: tuple[Source, ...]) -> Response:
    """A pageable list: with ``page`` (1-based), ``pageSize`` records (100 unless
    asked, at most 1,000) and a ``pagination`` object; without it, every record."""
    sim: XeroSimulator = request.app.state.xero
    try:
        page, size = _int_param(request, "page"), _int_param(request, "pageSize")
    except ValueError:
        return problem(400, "Bad Request", "page and pageSize must be integers")
    page_size = min(max(size or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    books = sim.books()
    picks = _positions(books, sources, _since(request))
    if key == "Contacts" and request.query_params.get("includeArchived", "").lower() != "true":
        items = [c for c in _render(sim, books, sources, picks) if c["ContactStatus"] != "ARCHIVED"]
        picks_count = len(items)
        if page is not None:
            start = (max(page, 1) - 1) * page_size
            items = items[start : start + page_size]
    else:
        picks_count = len(picks)
        if page is not None:
            start = (max(page, 1) - 1) * page_size
            picks = picks[start : start + page_size]
        items = _render(sim, books, sources, picks)
    extra: dict[str, Any] = {}
    if page is not None:
        extra["pagination"] = {
            "page": max(page, 1),
            "pageSize": page_size,
            "pageCount": math.ceil(picks_count / page_size),
            "itemCount": picks_count,
        }
    return json_response(envelope(sim.clock(), key, items, **extra))


async def invoices(request: Request) -> Response:
    return await _paged_list(request, "Invoices", INVOICE_SOURCES)


async def credit_notes(request: Request) -> Response:
    return await _paged_list(request, "CreditNotes", CREDIT_NOTE_SOURCES)


async def contacts(request: Request) -> Response:
    return await _paged_list(request, "Contacts", CONTACT_SOURCES)


async def accounts(request: Request) -> Response:
    """The chart of accounts: not paged in Xero."""
    sim: XeroSimulator = request.app.state.xero
    books = sim.books()
    picks = _positions(books, ACCOUNT_SOURCES, _since(request))
    return json_response(
        envelope(sim.clock(), "Accounts", _render(sim, books, ACCOUNT_SOURCES, picks))
    )


async def tax_rates(request: Request) -> Response:
    """``/TaxRates``: not paged and takes no If-Modified-Since in Xero."""
    sim: XeroSimulator = request.app.state.xero
    rates = [
        rate
        for record in sim.books().records(DataType.TAX_RATES)
        for rate in mapping.tax_rates(record)
    ]
    return json_response(envelope(sim.clock(), "TaxRates", rates))


async def tracking_categories(request: Request) -> Response:
    """``/TrackingCategories``: not paged; ARCHIVED ones only with
    ``includeArchived=true``."""
    sim: XeroSimulator = request.app.state.xero
    include = request.query_params.get("includeArchived", "").lower() == "true"
    categories = mapping.tracking_categories(
        sim.tenant.tenant_id,
        sim.books().records(DataType.TRACKING_CATEGORIES),
        include_archived=include,
    )
    return json_response(envelope(sim.clock(), "TrackingCategories", categories))


async def items(request: Request) -> Response:
    """``/Items``: not paged; filtered by ``If-Modified-Since`` as Xero does."""
    sim: XeroSimulator = request.app.state.xero
    books = sim.books()
    picks = _positions(books, ITEM_SOURCES, _since(request))
    return json_response(envelope(sim.clock(), "Items", _render(sim, books, ITEM_SOURCES, picks)))


async def organisation(request: Request) -> Response:
    """``/Organisation``: the one organisation, as a one-element list."""
    sim: XeroSimulator = request.app.state.xero
    orgs = [
        mapping.organisation(sim.tenant.tenant_id, record)
        for record in sim.books().records(DataType.COMPANY)
    ]
    return json_response(envelope(sim.clock(), "Organisations", orgs))


async def payments(request: Request) -> Response:
    """``/Payments``: one Xero payment per invoice or bill a sandbox payment settles,
    so the records are rendered and flattened before the page is cut (a sandbox
    payment is not one Xero payment); paged and filtered like Invoices."""
    sim: XeroSimulator = request.app.state.xero
    try:
        page, size = _int_param(request, "page"), _int_param(request, "pageSize")
    except ValueError:
        return problem(400, "Bad Request", "page and pageSize must be integers")
    page_size = min(max(size or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    books, since, tenant_id = sim.books(), _since(request), sim.tenant.tenant_id
    numbers = {
        record["id"]: mapping.invoice_number(record)
        for data_type in (DataType.INVOICES, DataType.BILLS)
        for record in books.records(data_type)
    }
    items = [
        payment
        for data_type, sales in ((DataType.PAYMENTS, True), (DataType.BILL_PAYMENTS, False))
        for position in books.changed_since(data_type, since)
        for payment in mapping.payments(
            tenant_id, books.render(data_type, position), sales=sales, numbers=numbers
        )
    ]
    extra: dict[str, Any] = {}
    if page is not None:
        count = len(items)
        start = (max(page, 1) - 1) * page_size
        items = items[start : start + page_size]
        extra["pagination"] = {
            "page": max(page, 1),
            "pageSize": page_size,
            "pageCount": math.ceil(count / page_size),
            "itemCount": count,
        }
    return json_response(envelope(sim.clock(), "Payments", items, **extra))
