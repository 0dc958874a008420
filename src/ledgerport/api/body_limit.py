"""A cap on request bodies, answered with Codat's 413 before the body is read.

Without it a client could make a route read any amount: multipart uploads are spooled
to disk whole before a route sees them, JSON bodies are read into memory whole before
they are parsed, and the Idempotency-Key middleware buffers every write's body. So every
request body is counted as it arrives, and one that declares (``Content-Length``) or
turns out to be (chunked) larger than its limit is refused with a 413 and Codat's
error body; a declared size over the limit is refused before a byte of it is read.

The limit is ``LEDGERPORT_MAX_BODY_MB`` for every route but those that take many files
at once (``LEDGERPORT_MAX_FILES_BODY_MB``: the Files API upload, 20 files of 10 MB).
The route is recognised from the request path by the route's own template, before
routing, so its limit also holds where the body is read ahead of the router (the
Idempotency-Key middleware buffers it).
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledgerport.api.errors import error_response
from ledgerport.config import Settings

MB = 1024 * 1024
# Codat's Files API upload: up to 20 files of 10 MB in one multipart body.
FILES_UPLOAD_ROUTE = "/companies/{companyId}/connections/{connectionId}/files"


def install(app: FastAPI, settings: Settings) -> None:
    """Cap every request body (add after the Idempotency-Key middleware: it must see
    the capped body)."""
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_mb * MB,
        route_limits={FILES_UPLOAD_ROUTE: settings.max_files_body_mb * MB},
    )


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes its limit. An ``HTTPException`` so
    that FastAPI's body parsing lets it through to the Codat error handler instead of
    turning it into "There was an error parsing the body"."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"The request body is larger than {limit // MB} MB, the most this "
            "endpoint accepts.",
        )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, route_limits: Mapping[str, int]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Each template compiled as the router compiles it, so both agree on what matches.
        self.route_limits = [
            (compile_path(template)[0], limit) for template, limit in route_limits.items()
        ]

    def _limit(self, scope: Scope) -> int:
        # The path as the router sees it: without the server's root path, if any.
        path, root = str(scope["path"]), str(scope.get("root_path", ""))
        path = path[len(root) :] if root and path.startswith(root) else path
        for pattern, limit in self.route_limits:
            if pattern.match(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            # Too large as declared: answer without reading any of it.
            await _refuse(scope, receive, send, BodyTooLarge(limit))
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as error:
            # Raised where no handler sits (a middleware reading ahead of routing).
            if started:
                raise
            await _refuse(scope, receive, send, error)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


async def _refuse(scope: Scope, receive: Receive, send: Send, error: BodyTooLarge) -> None:
    response = error_response(Request(scope, receive), 413, str(error.detail))
    # The rest of the body is never read: tell the client this connection is done.
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
