"""Times every HTTP request into a Prometheus histogram, labelled so that its series
stay few and say nothing about anyone: the method, the *route template* the router
matched (``/companies/{companyId}``, never the path with its ids), and the status class
(``2xx``..``5xx``). A path no route matches is ``unmatched``, so scanners requesting
random URLs cannot grow the number of series."""

from __future__ import annotations

import time

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope, root_path: str = "") -> str:
    """The matched route's path template, or a mount's prefix (``/static``): the router
    sets no route for a mount but extends ``root_path`` (which was ``root_path`` before
    routing) by its prefix."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str) and path:
        return path
    mounted = str(scope.get("root_path", ""))
    if len(mounted) > len(root_path) and mounted.startswith(root_path):
        return mounted[len(root_path) :]
    return UNMATCHED


class RequestMetricsMiddleware:
    """Outermost of our middleware, so the time includes the body limit and the
    Idempotency-Key middleware, and their refusals are counted too."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the server sends if the app fails before answering
        root_path = str(scope.get("root_path", ""))
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception:
            self._observe(scope, root_path, 500, started)
            raise
        self._observe(scope, root_path, status, started)

    def _observe(self, scope: Scope, root_path: str, status: int, started: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        route = route_template(scope, root_path)
        self.histogram.labels(method, route, f"{status // 100}xx").observe(
            time.perf_counter() - started
        )
