"""The QBO simulator as one ASGI app: OAuth and discovery (``oauth.py``) and the
Accounting API under ``/v3/company/{realmId}``, all on one host so a client swaps only
the host (python-quickbooks: ``api_url_v3``; intuit-oauth: the discovery URL).

State lives on ``app.state.qbo`` (a :class:`QboSimulator`): tokens, throttles and what
clients wrote. The books are the sandbox's deterministic company for ``seed`` at the
injected clock, so a later clock finds the business further on and a test moves time
instead of sleeping. Every API answer carries ``time`` and the ``intuit_tid`` header."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ledgerport.connectors.sandbox.books import DEFAULT_SIZE, Books, books, on_the_hour
from ledgerport.connectors.sandbox.size import Size
from ledgerport.simulators.qbo import faults, oauth, posts, resources
from ledgerport.simulators.qbo.generated import Generated
from ledgerport.simulators.qbo.mapping.common import Json
from ledgerport.simulators.qbo.ratelimit import CONCURRENT, PER_MINUTE, RealmLimiter
from ledgerport.simulators.qbo.store import Ledger, Overlay
from ledgerport.simulators.qbo.tokens import ACCOUNTING_SCOPE, TokenSet, TokenStore

API_PREFIX = "/v3/company/{realm_id}"
DOWNLOAD_LIFETIME = timedelta(minutes=15)  # Intuit: a TempDownloadUri lasts 15 minutes

Handler = Callable[[Request], Awaitable[Response]]
ApiHandler = Callable[[Request, bytes], Response]


def utcnow() -> datetime:
    return datetime.now(UTC)


def realm_for(seed: str) -> str:
    """A 16-digit company id, the same for a seed every time."""
    digest = int(hashlib.sha256(f"qbo-realm:{seed}".encode()).hexdigest()[:15], 16)
    return str(9_130_000_000_000_000 + digest % 1_000_000_000_000)


class QboSimulator:
    """The simulator's state, reachable from handlers as ``request.app.state.qbo`` and
    from tests as ``app.state.qbo``; the test hooks are plain methods."""

    def __init__(
        self,
        seed: str,
        clock: Callable[[], datetime],
        size: Size,
        client_id: str | None,
        client_secret: str | None,
        per_minute: int,
        concurrent: int,
    ) -> None:
        self.seed, self.clock, self.size = seed, clock, size
        self.client_id, self.client_secret = client_id, client_secret
        self.realm_id = realm_for(seed)
        self.tokens = TokenStore(clock)
        self.limiter = RealmLimiter(clock, per_minute, concurrent)
        self.overlay = Overlay()
        self._generated: tuple[datetime, Generated] | None = None
        self._lock = threading.Lock()
        self._download_key = secrets.token_bytes(32)

    # -- test hooks ---------------------------------------------------------------------

    def issue_tokens(self, client_id: str = "test-client") -> TokenSet:
        """Tokens for this company as if its owner had just connected (no browser)."""
        return self.tokens.issue(client_id, self.realm_id, ACCOUNTING_SCOPE)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far expires now (refresh tokens still work)."""
        self.tokens.expire_access_tokens()

    def revoke_grant(self) -> None:
        """The company disconnects the app: every token issued for it stops working."""
        self.tokens.revoke_all(self.realm_id)

    # -- books --------------------------------------------------------------------------

    def books(self) -> Books:
        return books(self.seed, self.size, self.clock())

    def ledger(self) -> Ledger:
        """The books at the clock's hour with every write laid over them."""
        hour = on_the_hour(self.clock())
        with self._lock:
            if self._generated is None or self._generated[0] != hour:
                self._generated = (hour, Generated(self.books()))
            generated = self._generated[1]
        return Ledger(generated, self.overlay)

    def company_name(self) -> str:
        return self.books().company.name

    # -- attachments --------------------------------------------------------------------

    def _signature(self, object_id: str, expires: int) -> str:
        message = f"{self.realm_id}:{object_id}:{expires}".encode()
        return hmac.new(self._download_key, message, hashlib.sha256).hexdigest()

    def download_url(self, request: Request, object_id: str) -> str:
        """A TempDownloadUri: a signed link that needs no token, valid 15 minutes."""
        expires = int((self.clock() + DOWNLOAD_LIFETIME).timestamp())
        query = urlencode({"expires": expires, "signature": self._signature(object_id, expires)})
        base = str(request.base_url).rstrip("/")
        return f"{base}/v3/attachments/{self.realm_id}/{quote(object_id)}?{query}"

    def download_allowed(self, object_id: str, expires: str, signature: str) -> bool:
        if not expires.isdigit() or int(expires) < self.clock().timestamp():
            return False
        return hmac.compare_digest(self._signature(object_id, int(expires)), signature)

    def presented(self, request: Request, entity: str, record: Json) -> Json:
        """A record as it is sent: an Attachable gains its TempDownloadUri."""
        if entity != "Attachable":
            return record
        return record | {
            "TempDownloadUri": self.download_url(request, record["Id"]),
            "FileAccessUri": f"/v3/company/{self.realm_id}/download/{record['Id']}",
        }

    # -- the guard ----------------------------------------------------------------------

    def authorize(self, request: Request) -> Response | None:
        """None if the request may go on; else QBO's 401 (token missing, unknown,
        expired or revoked) or 403 (a company the token was not granted)."""
        now = self.clock()
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return faults.unauthorized(now, "Authorization header missing or not a Bearer token")
        access = self.tokens.access(token.strip())
        if access is None:
            return faults.unauthorized(now, "Token invalid")
        if access.grant.revoked:
            return faults.unauthorized(now, "Token revoked")
        if access.expires_at <= now:
            return faults.unauthorized(now, f"Token expired: {access.expires_at.isoformat()}")
        if request.path_params.get("realm_id") != access.grant.realm_id:
            return faults.forbidden(now)
        return None


def company_api(handler: ApiHandler) -> Handler:
    """Guard an Accounting API handler as QBO does: the token (401), the company (403),
    then the company's throttles (429); a ``Fault`` raised inside becomes its 400. The
    handler runs in a worker thread with the body already read, so slow renders overlap
    as real requests do (and the concurrency limit sees them)."""

    async def guarded(request: Request) -> Response:
        sim: QboSimulator = request.app.state.qbo
        refused = sim.authorize(request)
        if refused is not None:
            return refused
        realm_id = request.path_params["realm_id"]
        refusal = sim.limiter.acquire(realm_id)
        if refusal is not None:
            return faults.throttled(sim.clock(), refusal.retry_after)
        try:
            body = await request.body()
            return await run_in_threadpool(handler, request, body)
        except faults.QboFault as fault:
            return faults.fault_response(fault, sim.clock())
        finally:
            sim.limiter.release(realm_id)

    return guarded


def download(request: Request, body: bytes) -> Response:
    """``GET /download/{id}``: the attachment's temporary download URL, as text."""
    sim: QboSimulator = request.app.state.qbo
    object_id = request.path_params["object_id"]
    if sim.ledger().file(object_id) is None:
        raise faults.not_found("Attachable", object_id)
    return PlainTextResponse(
        sim.download_url(request, object_id), headers={"intuit_tid": faults.new_tid()}
    )


async def temporary_download(request: Request) -> Response:
    """The file behind a TempDownloadUri (no token: the signature is the permission)."""
    sim: QboSimulator = request.app.state.qbo
    object_id = request.path_params["object_id"]
    q = request.query_params
    if request.path_params["realm_id"] != sim.realm_id or not sim.download_allowed(
        object_id, q.get("expires", ""), q.get("signature", "")
    ):
        return PlainTextResponse("Request has expired or the signature does not match", 403)
    file = sim.ledger().file(object_id)
    if file is None:
        return PlainTextResponse("Not found", 404)
    disposition = f'attachment; filename="{file.name}"'
    return Response(file.content, 200, {"Content-Disposition": disposition}, file.content_type)


def create_app(
    seed: str = "qbo-demo",
    clock: Callable[[], datetime] = utcnow,
    size: Size = DEFAULT_SIZE,
    client_id: str | None = None,
    client_secret: str | None = None,
    per_minute: int = PER_MINUTE,
    concurrent: int = CONCURRENT,
) -> Starlette:
    """A QBO simulator for the sandbox company ``seed``; ``clock`` drives the books,
    token expiry and throttles. Any client id and secret are accepted unless given."""
    api: list[tuple[str, ApiHandler, list[str]]] = [
        ("/query", resources.run_query, ["GET", "POST"]),
        ("/cdc", resources.cdc, ["GET"]),
        ("/upload", posts.upload, ["POST"]),
        ("/download/{object_id}", download, ["GET"]),
        ("/preferences", resources.preferences, ["GET"]),
        ("/{entity}/{object_id}", resources.read, ["GET"]),
        ("/{entity}", posts.post_entity, ["POST"]),
    ]
    routes = [
        Route(API_PREFIX + path, company_api(handler), methods=methods)
        for path, handler, methods in api
    ]
    routes.append(
        Route("/v3/attachments/{realm_id}/{object_id}", temporary_download, methods=["GET"])
    )
    app = Starlette(routes=[*routes, *oauth.ROUTES])
    app.state.qbo = QboSimulator(
        seed, clock, size, client_id, client_secret, per_minute, concurrent
    )
    return app


def from_cli(seed: str, size: str | None = None, **options: Any) -> Starlette:
    """The app ``ledgerport simulate qbo`` serves: ``size`` as ``key=value`` pairs
    (``invoices=5000,customers=200``, the sandbox's size keys), ValueError if wrong."""
    overrides: dict[str, int] = {}
    for pair in (size or "").split(","):
        if not pair.strip():
            continue
        key, _, value = pair.partition("=")
        if not value.strip().isdigit():
            raise ValueError(f"size wants key=number pairs, got {pair!r}")
        overrides[key.strip()] = int(value)
    return create_app(seed=seed, size=Size.from_connection_info({"sandbox": overrides}), **options)
