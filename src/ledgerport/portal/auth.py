"""Signing in and out of the portal.

One message for every wrong email or password, the same time spent whether or not the
account exists (``passwords.verify``), and a limit on repeated failures
(``throttle``), so the page tells an attacker nothing about which accounts exist.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from ledgerport.portal import csrf, passwords, sessions, throttle
from ledgerport.portal.deps import CsrfChecked, Now, ServicesDep, now
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PortalRoute
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import users

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

BAD_CREDENTIALS = "That email and password do not match an account. Check both and try again."


def safe_next(target: str | None) -> str:
    """Only a path on this server: an absolute or scheme-relative URL in ``next`` would
    make the sign-in page an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if target.startswith("/sign-in"):
        return "/"
    return target


def _minutes(wait: timedelta) -> int:
    return max(1, -(-int(wait.total_seconds()) // 60))


def _form(
    request: Request, *, email: str, next_url: str, error: str | None, status: int, no_users: bool
) -> Response:
    return render(
        request,
        "portal/sign_in.html",
        {"email": email, "next": next_url, "error": error, "no_users": no_users},
        status=status,
    )


@router.get("/sign-in", name="portal_sign_in")
def sign_in_page(request: Request, services: ServicesDep, next: str = "/") -> Response:
    target = safe_next(next)
    user = sessions.resolve(services.sessions, request.cookies.get(sessions.COOKIE), now(request))
    if user is not None:
        return RedirectResponse(target, status_code=303)
    with services.sessions() as session:
        no_users = users.count(session) == 0
    return _form(request, email="", next_url=target, error=None, status=200, no_users=no_users)


@router.post("/sign-in", dependencies=[CsrfChecked])
def sign_in(
    request: Request,
    services: ServicesDep,
    at: Now,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=passwords.MAX_LENGTH)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = safe_next(next)
    client = request.client.host if request.client else "unknown"
    key = throttle.key(email, client)
    with services.sessions() as session:
        wait = throttle.retry_after(session, key, at)
        user = users.by_email(session, email) if email.strip() else None
        no_users = users.count(session) == 0
    if wait is not None:
        minutes = _minutes(wait)
        return _form(
            request,
            email=email,
            next_url=target,
            error=f"Too many failed attempts. Try again in {minutes} minute"
            + ("s." if minutes != 1 else "."),
            status=429,
            no_users=no_users,
        )
    # Verified outside any transaction: argon2 is slow on purpose, and SQLite's one
    # writer should not wait for it.
    if not passwords.verify(user.password_hash if user else None, password) or user is None:
        with transaction(services.sessions) as session:
            throttle.record_failure(session, key, at)
        return _form(
            request,
            email=email,
            next_url=target,
            error=BAD_CREDENTIALS,
            status=400,
            no_users=no_users,
        )
    with transaction(services.sessions) as session:
        throttle.record_success(session, key)
        row = users.get(session, user.id)
        assert row is not None
        if passwords.needs_rehash(row.password_hash):
            row.password_hash = passwords.hash_password(password)
        row.last_sign_in = at
        token = sessions.start(session, row.id, at)
    response = RedirectResponse(target, status_code=303)
    sessions.set_cookie(request, response, token)
    # A fresh CSRF token for the new session, so one seen before sign-in is worthless.
    csrf.attach(response, secrets.token_urlsafe(32), secure=request.url.scheme == "https")
    return response


@router.post("/sign-out", name="portal_sign_out", dependencies=[CsrfChecked])
def sign_out(request: Request, services: ServicesDep) -> Response:
    sessions.end(services.sessions, request.cookies.get(sessions.COOKIE))
    response = RedirectResponse("/sign-in", status_code=303)
    sessions.clear_cookie(request, response)
    return response
