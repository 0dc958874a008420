"""Rendering a portal page: the CSRF token, the navigation, and the headers every
signed-in page carries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import NoMatchFound

from ledgerport.portal import csrf
from ledgerport.portal.deps import is_htmx
from ledgerport.portal.sessions import SignedIn
from ledgerport.portal.templates import TEMPLATES

# (label, route name). An entry shows once a route of that name exists, so the pages
# still to come (Spend Insights, Settings) appear in the navigation when they are added
# rather than as links to nothing.
NAVIGATION = (
    ("Companies", "portal_companies"),
    ("Spend Insights", "portal_spend_insights"),
    ("Webhooks", "portal_webhooks"),
    ("Settings", "portal_settings"),
)

SECURITY_HEADERS = {
    # No inline script or style anywhere in the portal, so 'self' is all it needs.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _existing_pages(request: Request) -> list[tuple[str, str]]:
    """(label, path) of the navigation's pages that exist, worked out once per app."""
    cached: list[tuple[str, str]] | None = getattr(request.app.state, "portal_pages", None)
    if cached is None:
        cached = []
        for label, name in NAVIGATION:
            try:
                cached.append((label, str(request.app.url_path_for(name))))
            except NoMatchFound:
                continue
        request.app.state.portal_pages = cached
    return cached


def navigation(request: Request) -> list[dict[str, str]]:
    here = request.url.path
    return [
        {
            "label": label,
            "href": path,
            "current": "page"
            if here == path or (path != "/" and here.startswith(path + "/"))
            else "",
        }
        for label, path in _existing_pages(request)
    ]


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    user: SignedIn | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    token = csrf.issue(request)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            **context,
            "csrf_token": token,
            "user": user,
            "nav": navigation(request) if user else [],
            "htmx": is_htmx(request),
        },
        status_code=status,
        headers={**SECURITY_HEADERS, **(headers or {})},
    )
    csrf.attach(response, token, secure=request.url.scheme == "https")
    return response


def message(request: Request, status: int, heading: str, text: str) -> Response:
    return render(
        request, "portal/message.html", {"heading": heading, "message": text}, status=status
    )
