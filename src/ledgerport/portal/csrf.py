"""CSRF protection for the server-rendered forms: a double-submit cookie.

Each form page sets a random cookie and puts the same value in a hidden field; a POST
is accepted only when both are present and equal. Another site can make a browser send
the cookie, but cannot read it to fill in the field.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "lp_csrf"
FIELD = "csrf_token"


def issue(request: Request) -> str:
    return request.cookies.get(COOKIE) or secrets.token_urlsafe(32)


def attach(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure)


def is_valid(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(COOKIE)
    return bool(cookie and submitted and hmac.compare_digest(cookie, submitted))
