"""``Idempotency-Key`` on POST, PUT, PATCH and DELETE (every write), with Codat's replay rules.

- The first response to a key is stored for 90 minutes and replayed for repeats,
  4xx and 5xx included, so a retried create never creates twice.
- A 429 is not stored: it frees the key, because nothing happened.
- The same key with a different request (method, path, query or body) is a 422.
- The same key while the first request is still running is a 409.
- If the first request crashes, the key is released, so nothing half-done is replayed.

Keys are scoped to the caller (a hash of the Authorization header), so two clients can
never see each other's responses. This is plain ASGI middleware: it must see the raw
body before FastAPI parses it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledgerport.api.errors import error_response
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import idempotency as repo
from ledgerport.storage.tables import IdempotencyRow
from ledgerport.storage.types import utcnow

HEADER = b"idempotency-key"
METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255
_REPLAYED = [b"idempotent-replayed", b"true"]


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if not raw_key:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            await _send_error(
                scope, receive, send, 400, "Idempotency-Key must be 1-255 characters."
            )
            return

        body = await _read_body(receive)
        principal = hashlib.sha256(headers.get(b"authorization", b"")).hexdigest()
        fingerprint = hashlib.sha256(
            b"\n".join(
                [
                    scope["method"].encode(),
                    scope["path"].encode(),
                    scope.get("query_string", b""),
                    body,
                ]
            )
        ).hexdigest()

        existing = await _run(self._claim, principal, key, scope, fingerprint)
        if existing is not None:
            await self._answer_repeat(existing, fingerprint, scope, receive, send)
            return

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    [k.decode("latin-1"), v.decode("latin-1")] for k, v in message["headers"]
                ]
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, _replay_body(body, receive), capture)
        except BaseException:
            await _run(self._release, principal, key)
            raise
        if captured["status"] == 429:
            await _run(self._release, principal, key)
        else:
            await _run(
                self._finish,
                principal,
                key,
                captured["status"],
                captured["headers"],
                bytes(captured["body"]),
            )

    # -- storage, run in a worker thread -------------------------------------------

    def _claim(
        self, principal: str, key: str, scope: Scope, fingerprint: str
    ) -> IdempotencyRow | None:
        ttl = timedelta(minutes=self.services.settings.idempotency_ttl_minutes)
        now = utcnow()
        with transaction(self.services.sessions) as session:
            repo.purge_expired(session, now - ttl)
            return repo.claim(
                session,
                IdempotencyRow(
                    principal=principal,
                    key=key,
                    method=scope["method"],
                    path=scope["path"][:2048],
                    request_hash=fingerprint,
                    created=now,
                ),
            )

    def _finish(
        self, principal: str, key: str, status: int, headers: list[list[str]], body: bytes
    ) -> None:
        with transaction(self.services.sessions) as session:
            repo.finish(session, principal, key, status, headers, body)

    def _release(self, principal: str, key: str) -> None:
        with transaction(self.services.sessions) as session:
            repo.release(session, principal, key)

    async def _answer_repeat(
        self, row: IdempotencyRow, fingerprint: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if row.request_hash != fingerprint:
            await _send_error(
                scope,
                receive,
                send,
                422,
                "This Idempotency-Key was already used with a different request.",
            )
        elif row.status_code is None:
            await _send_error(
                scope,
                receive,
                send,
                409,
                "A request with this Idempotency-Key is still being processed.",
            )
        else:
            headers = [
                [k.encode("latin-1"), v.encode("latin-1")] for k, v in (row.response_headers or [])
            ]
            await send(
                {
                    "type": "http.response.start",
                    "status": row.status_code,
                    "headers": [*headers, _REPLAYED],
                }
            )
            await send({"type": "http.response.body", "body": row.response_body or b""})


async def _run(fn: Any, *args: Any) -> Any:
    return await run_in_threadpool(fn, *args)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            return b"".join(chunks)


def _replay_body(body: bytes, downstream: Receive) -> Receive:
    """Hand the app the body we already read, then pass through (e.g. a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await downstream()

    return receive


async def _send_error(
    scope: Scope, receive: Receive, send: Send, status: int, message: str
) -> None:
    """Codat's error body, built by the same code as every other error response."""
    response = error_response(Request(scope, receive), status, message)
    await response(scope, receive, send)
