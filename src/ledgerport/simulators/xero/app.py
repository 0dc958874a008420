"""The Xero simulator as one ASGI app: identity (``/connections``), OAuth
(``/identity/connect/authorize``, ``/connect/token``, ``/connect/revocation``) and the
Accounting API under ``/api.xro/2.0``, all on one host so a client's base URL points
every call here.

State (tokens, rate-limit windows, writes) lives in the app's :class:`XeroSimulator`;
the books are the sandbox's deterministic company for ``seed`` at the injected clock,
so a later clock finds the business further on, and a test can move time without
sleeping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledgerport.connectors.sandbox.books import DEFAULT_SIZE
from ledgerport.connectors.sandbox.size import CONNECTION_INFO_KEY, Size
from ledgerport.simulators.xero import accounting, attachments, identity, oauth, writes
from ledgerport.simulators.xero.faults import Fault
from ledgerport.simulators.xero.ratelimit import (
    CONCURRENT_LIMIT,
    DAY_LIMIT,
    MINUTE_LIMIT,
    RateLimiter,
)
from ledgerport.simulators.xero.responses import forbidden, too_many_requests, unauthorized
from ledgerport.simulators.xero.simulator import XeroSimulator

API_PREFIX = "/api.xro/2.0"
DEFAULT_CLIENT_ID = "ledgerport-xero-client"
DEFAULT_CLIENT_SECRET = "ledgerport-xero-secret"  # noqa: S105 - a local fake's well-known secret
WRITABLE = ("Invoices", "CreditNotes", "Contacts", "Payments", "BankTransactions", "Accounts")
FILES = ("Invoices", "CreditNotes", "Contacts", "Accounts", "BankTransactions", "ManualJournals")

Handler = Callable[[Request], Awaitable[Response]]

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "XeroSimulator",
    "create_app",
    "parse_size",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def tenant_api(handler: Handler) -> Handler:
    """Guard an Accounting API handler as Xero does: Bearer token (401), then a
    ``xero-tenant-id`` the token is connected to (403), then the tenant's concurrent,
    minute and day limits (429); the limit headers go on every answer that reached
    the limiter. Scheduled faults (``faults.py``) apply after the token and tenant
    checks."""

    async def guarded(request: Request) -> Response:
        sim: XeroSimulator = request.app.state.xero
        grant = sim.grant(request.headers.get("authorization", ""))
        if isinstance(grant, str):
            return unauthorized(grant)
        tenant_id = request.headers.get("xero-tenant-id", "").strip().lower()
        if tenant_id not in grant.tenant_ids:
            return forbidden()
        busy = sim.limiter.enter(tenant_id)
        if busy is not None:
            return too_many_requests(busy.headers())
        path = request.url.path.removeprefix(API_PREFIX)
        try:
            fault = sim.faults.take(request.method, path)
            if fault is not None and fault.refuses:
                return fault.refusal()
            verdict = sim.limiter.take(tenant_id)
            if not verdict.allowed:
                return too_many_requests(verdict.headers())
            response = await sim.faults.answer(fault, request.method, path, await handler(request))
        finally:
            sim.limiter.leave(tenant_id)
        response.headers.update(verdict.headers())
        return response

    return guarded


def _api(path: str, handler: Handler, *methods: str) -> Route:
    return Route(f"{API_PREFIX}{path}", tenant_api(handler), methods=list(methods or ("GET",)))


def _on(endpoint: str, handler: Handler) -> Handler:
    """``handler`` for one endpoint of a family (it reads ``path_params["endpoint"]``)."""

    async def bound(request: Request) -> Response:
        request.scope.setdefault("path_params", {})["endpoint"] = endpoint
        return await handler(request)

    return bound


def _family_routes() -> list[Route]:
    w = writes.idempotent
    routes = []
    for name in FILES:
        files = f"/{name}/{{guid}}/Attachments"
        routes += [
            _api(files, _on(name, attachments.listing)),
            _api(f"{files}/{{file:path}}", _on(name, attachments.content)),
            _api(f"{files}/{{file:path}}", w(_on(name, attachments.upload)), "PUT", "POST"),
        ]
    for name in WRITABLE:
        routes += [
            _api(f"/{name}", w(_on(name, writes.write)), "PUT", "POST"),
            _api(f"/{name}/{{guid}}", w(_on(name, writes.write)), "POST"),
        ]
    return routes


def _routes() -> list[Route]:
    a, w = accounting, writes.idempotent
    return [
        Route("/connections", identity.connections, methods=["GET"]),
        Route("/Connections", identity.connections, methods=["GET"]),  # the spec's spelling
        Route("/connections/{id}", identity.disconnect, methods=["DELETE"]),
        _api("/Accounts", a.accounts),
        _api("/Accounts/{guid}", a.account),
        _api("/Contacts", a.contacts),
        _api("/Contacts/{guid}", a.contact),
        _api("/Invoices", a.invoices),
        _api("/Invoices/{guid}", a.invoice),
        _api("/CreditNotes", a.credit_notes),
        _api("/CreditNotes/{guid}", a.credit_note),
        _api("/CreditNotes/{guid}/Allocations", w(writes.allocate), "PUT"),
        _api("/Payments", a.payments),
        _api("/Payments/{guid}", a.payment),
        _api("/BankTransactions", a.bank_transactions),
        _api("/BankTransactions/{guid}", a.bank_transaction),
        _api("/ManualJournals", a.manual_journals),
        _api("/ManualJournals/{guid}", a.manual_journal),
        _api("/Journals", a.journal_list),
        _api("/Journals/{guid}", a.journal),
        _api("/Items", a.items),
        _api("/Organisation", a.organisation),
        _api("/TaxRates", a.tax_rates),
        _api("/TrackingCategories", a.tracking_categories),
        *_family_routes(),
        *oauth.ROUTES,
    ]


def parse_size(text: str) -> Size:
    """A company size from ``invoices=5000,customers=200`` (the sandbox's
    ``connectionInfo.sandbox`` keys: customers, suppliers, invoices, bills, directCosts,
    historyDays); raises ``ValueError`` naming what is wrong."""
    values: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(f"{part!r} is not key=number")
        values[key.strip()] = int(value)
    return Size.from_connection_info({CONNECTION_INFO_KEY: values})


def create_app(
    seed: str = "xero-demo",
    clock: Callable[[], datetime] = utcnow,
    size: Size = DEFAULT_SIZE,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    *,
    minute_limit: int = MINUTE_LIMIT,
    day_limit: int = DAY_LIMIT,
    concurrent_limit: int = CONCURRENT_LIMIT,
    files_share: float = 1.0,
    faults: Sequence[Fault] = (),
) -> Starlette:
    """A Xero simulator for the sandbox company ``seed`` of ``size``; ``clock`` drives
    the books, token expiry and rate limits, which default to Xero's (60 a minute,
    5,000 a day, 5 at once per tenant). ``faults`` are scheduled from the start (more
    can be added to ``app.state.xero.faults`` at any time)."""
    limiter = RateLimiter(clock, minute_limit, day_limit, concurrent_limit)
    app = Starlette(routes=_routes())
    app.state.xero = XeroSimulator(seed, clock, size, client_id, client_secret, limiter)
    app.state.xero.files_share = files_share
    app.state.xero.faults.add(*faults)
    return app
