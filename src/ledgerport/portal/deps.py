"""What every portal route needs: the services, the time, the signed-in user, and the
CSRF check on anything that changes state."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from ledgerport.portal import csrf, sessions
from ledgerport.portal.routing import PageError, RedirectError
from ledgerport.services import Services
from ledgerport.storage.types import utcnow

CSRF_HEADER = "X-CSRF-Token"


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def now(request: Request) -> datetime:
    """The portal's clock; tests set ``app.state.portal_clock`` instead of sleeping."""
    clock = getattr(request.app.state, "portal_clock", None)
    return clock() if clock is not None else utcnow()


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def sign_in_url(request: Request) -> str:
    """/sign-in with ``next`` set to where the user was going (for htmx, the page the
    fragment was asked from)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if is_htmx(request):
        current = request.headers.get("HX-Current-URL", "")
        base = str(request.base_url).rstrip("/")
        target = current[len(base) :] if current.startswith(base + "/") else "/"
    return "/sign-in?next=" + quote(target, safe="/")


def require_user(request: Request) -> sessions.SignedIn:
    user = sessions.resolve(
        services(request).sessions, request.cookies.get(sessions.COOKIE), now(request)
    )
    if user is not None:
        return user
    raise RedirectError(sign_in_url(request), htmx=is_htmx(request))


async def require_csrf(request: Request) -> None:
    """The double-submit check of ``csrf.py`` on every unsafe request: the token comes
    in the form (plain forms) or the X-CSRF-Token header (htmx, set on <body>)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(csrf.FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf.is_valid(request, submitted):
        raise PageError(403, "Form expired", "Reload the page and try again.")


CurrentUser = Annotated[sessions.SignedIn, Depends(require_user)]
ServicesDep = Annotated[Services, Depends(services)]
Now = Annotated[datetime, Depends(now)]
CsrfChecked = Depends(require_csrf)
