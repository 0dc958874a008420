"""The Xero simulator as one ASGI app: identity (``/connections``), OAuth
(``/identity/connect/authorize``, ``/connect/token``) and the Accounting API under
``/api.xro/2.0``, all on one host so a client's base URL points every call here.

State (tokens, rate-limit windows) lives in the app; the books are the sandbox's
deterministic company for ``seed`` at the injected clock, so a later clock finds the
business further on, and a test can move time without sleeping."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledgerport.connectors.sandbox.books import DEFAULT_SIZE, Books, books
from ledgerport.connectors.sandbox.size import Size
from ledgerport.simulators.xero import accounting, oauth
from ledgerport.simulators.xero.ratelimit import RateLimiter
from ledgerport.simulators.xero.responses import (
    forbidden,
    json_response,
    too_many_requests,
    unauthorized,
)
from ledgerport.simulators.xero.tokens import AccessGrant, TokenStore

API_PREFIX = "/api.xro/2.0"
DEFAULT_CLIENT_ID = "ledgerport-xero-client"
DEFAULT_CLIENT_SECRET = "ledgerport-xero-secret"  # noqa: S105 - a local fake's well-known secret
_NAMESPACE = uuid.UUID("5b1f0f0e-7c55-4a8e-9a57-2f6d3c0e8a11")

Handler = Callable[[Request], Awaitable[Response]]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Tenant:
    """The one organisation the simulator serves (one seed, one company)."""

    tenant_id: str
    connection_id: str
    name: str
    created: datetime


class XeroSimulator:
    """The simulator's state, reachable from handlers as ``request.app.state.xero``
    and from tests as ``app.state.xero`` (e.g. ``.tokens.issue(...)``)."""

    def __init__(
        self,
        seed: str,
        clock: Callable[[], datetime],
        size: Size,
        client_id: str,
        client_secret: str,
    ) -> None:
        self.seed, self.clock, self.size = seed, clock, size
        self.client_id, self.client_secret = client_id, client_secret
        self.tenant = Tenant(
            tenant_id=str(uuid.uuid5(_NAMESPACE, f"tenant:{seed}")),
            connection_id=str(uuid.uuid5(_NAMESPACE, f"connection:{seed}")),
            name=f"Sandbox Company ({seed})",
            created=clock(),
        )
        self.tokens = TokenStore(clock)
        self.limiter = RateLimiter(clock)

    def books(self) -> Books:
        """The company as it stands at the clock (built once an hour, cached)."""
        return books(self.seed, self.size, self.clock())

    def grant(self, request: Request) -> AccessGrant | Response:
        """The request's access grant, or the 401 Xero sends."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return unauthorized()
        grant = self.tokens.access(token.strip())
        if grant is None:
            return unauthorized()
        if grant.expires_at <= self.clock():
            stamp = grant.expires_at.strftime("%m/%d/%Y %H:%M:%S")
            return unauthorized(f"TokenExpired: token expired at {stamp}")
        return grant


def tenant_api(handler: Handler) -> Handler:
    """Guard an Accounting API handler as Xero does: Bearer token (401), then a
    ``xero-tenant-id`` the token was consented for (403), then the tenant's rate
    limits (429); the limit headers go on every answer that reached the limiter."""

    async def guarded(request: Request) -> Response:
        sim: XeroSimulator = request.app.state.xero
        grant = sim.grant(request)
        if isinstance(grant, Response):
            return grant
        tenant_id = request.headers.get("xero-tenant-id", "").strip().lower()
        if tenant_id not in grant.tenant_ids:
            return forbidden()
        verdict = sim.limiter.take(tenant_id)
        if not verdict.allowed:
            return too_many_requests(verdict.headers())
        response = await handler(request)
        response.headers.update(verdict.headers())
        return response

    return guarded


async def connections(request: Request) -> Response:
    """``GET /connections``: the tenants the token may use (xero-identity's
    ``Connection`` array)."""
    sim: XeroSimulator = request.app.state.xero
    grant = sim.grant(request)
    if isinstance(grant, Response):
        return grant
    t = sim.tenant
    stamp = t.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0")
    body = [
        {
            "id": t.connection_id,
            "authEventId": t.connection_id,
            "tenantId": t.tenant_id,
            "tenantType": "ORGANISATION",
            "tenantName": t.name,
            "createdDateUtc": stamp,
            "updatedDateUtc": stamp,
        }
        for tenant_id in grant.tenant_ids
        if tenant_id == t.tenant_id
    ]
    return json_response(body)


def create_app(
    seed: str = "xero-demo",
    clock: Callable[[], datetime] = utcnow,
    size: Size = DEFAULT_SIZE,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
) -> Starlette:
    """A Xero simulator for the sandbox company ``seed``; ``clock`` drives the books,
    token expiry and rate limits."""
    routes = [
        Route("/connections", connections, methods=["GET"]),
        Route("/Connections", connections, methods=["GET"]),  # the identity spec's spelling
        Route(f"{API_PREFIX}/Accounts", tenant_api(accounting.accounts), methods=["GET"]),
        Route(f"{API_PREFIX}/Contacts", tenant_api(accounting.contacts), methods=["GET"]),
        Route(f"{API_PREFIX}/Invoices", tenant_api(accounting.invoices), methods=["GET"]),
        Route(f"{API_PREFIX}/CreditNotes", tenant_api(accounting.credit_notes), methods=["GET"]),
        Route(f"{API_PREFIX}/Payments", tenant_api(accounting.payments), methods=["GET"]),
        Route(f"{API_PREFIX}/Items", tenant_api(accounting.items), methods=["GET"]),
        Route(f"{API_PREFIX}/Organisation", tenant_api(accounting.organisation), methods=["GET"]),
        Route(f"{API_PREFIX}/TaxRates", tenant_api(accounting.tax_rates), methods=["GET"]),
        Route(
            f"{API_PREFIX}/TrackingCategories",
            tenant_api(accounting.tracking_categories),
            methods=["GET"],
        ),
        *oauth.ROUTES,
    ]
    app = Starlette(routes=routes)
    app.state.xero = XeroSimulator(seed, clock, size, client_id, client_secret)
    return app
