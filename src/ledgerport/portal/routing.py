"""A route class for portal pages: refusals raised anywhere in a request (dependencies
included) become HTML pages or redirects, not the API's JSON error body, without
touching the app-wide exception handlers the API relies on."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response


class PortalInterruptError(Exception, ABC):
    """Stop handling a portal request and answer with ``response(request)``; each kind
    (a redirect, a refusal page) says what that answer is."""

    @abstractmethod
    def response(self, request: Request) -> Response: ...


class RedirectError(PortalInterruptError):
    def __init__(self, location: str, *, htmx: bool = False) -> None:
        super().__init__(location)
        self.location = location
        self.htmx = htmx

    def response(self, request: Request) -> Response:
        if self.htmx:
            # A redirect would be followed by the XHR and the target page swapped into a
            # fragment; htmx turns HX-Redirect into a full-page navigation instead.
            return Response(status_code=401, headers={"HX-Redirect": self.location})
        return RedirectResponse(self.location, status_code=303)


class PageError(PortalInterruptError):
    """A refusal shown to the user as a page (or a fragment, for htmx)."""

    def __init__(self, status: int, heading: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.heading = heading
        self.message = message

    def response(self, request: Request) -> Response:
        from ledgerport.portal import pages  # pages imports this module

        return pages.message(request, self.status, self.heading, self.message)


class PortalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await handle(request)
            except PortalInterruptError as interrupt:
                return interrupt.response(request)

        return handler
