"""Xero's OAuth 2.0 endpoints: ``/identity/connect/authorize`` (a consent page whose
Approve button redirects back with ``code`` and ``state``) and ``/connect/token``
(authorization_code with PKCE, refresh_token with rotation) and ``/connect/revocation``.
Error bodies are OAuth's
``{"error": ...}`` as Xero's troubleshooting page lists them."""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ledgerport.simulators.xero.responses import json_response

if TYPE_CHECKING:
    from ledgerport.simulators.xero.app import XeroSimulator

_AUTH_FIELDS = (
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _sim(request: Request) -> XeroSimulator:
    sim: XeroSimulator = request.app.state.xero
    return sim


async def authorize_page(request: Request) -> Response:
    """The consent page: a form that posts the request's parameters back on Approve."""
    q = request.query_params
    if q.get("response_type") != "code" or not q.get("client_id") or not q.get("redirect_uri"):
        return HTMLResponse("<h1>Error</h1><p>invalid_request</p>", 400)
    if q.get("code_challenge") and q.get("code_challenge_method", "S256") != "S256":
        return HTMLResponse("<h1>Error</h1><p>invalid_request: code_challenge_method</p>", 400)
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(q.get(name, ""))}">'
        for name in _AUTH_FIELDS
    )
    tenant = _sim(request).tenant
    page = (
        "<!doctype html><title>Xero | Authorise</title>"
        f"<h1>Connect to {html.escape(tenant.name)}</h1>"
        f"<p>{html.escape(q.get('client_id', ''))} wants access:"
        f" {html.escape(q.get('scope', ''))}</p>"
        f'<form method="post" action="/identity/connect/authorize">{hidden}'
        '<button type="submit" name="approve" value="1">Allow access</button></form>'
    )
    return HTMLResponse(page)


async def approve(request: Request) -> Response:
    """Approve: issue a one-time code for the simulator's tenant and redirect back."""
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in _AUTH_FIELDS}
    if not values["client_id"] or not values["redirect_uri"]:
        return HTMLResponse("<h1>Error</h1><p>invalid_request</p>", 400)
    sim = _sim(request)
    code = sim.tokens.new_code(
        values["client_id"],
        values["redirect_uri"],
        (sim.tenant.tenant_id,),
        values["scope"],
        values["code_challenge"] or None,
        values["code_challenge_method"] or None,
    )
    query = {"code": code, "scope": values["scope"]}
    if values["state"]:
        query["state"] = values["state"]
    separator = "&" if "?" in values["redirect_uri"] else "?"
    return RedirectResponse(values["redirect_uri"] + separator + urlencode(query), 302)


def _client(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """Client credentials from HTTP Basic (Xero's documented way) or the form body
    (what xero-python sends)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return "", ""
        return user, password
    return form.get("client_id", ""), form.get("client_secret", "")


def _error(error: str, status: int = 400) -> Response:
    return json_response({"error": error}, status)


async def token(request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    sim = _sim(request)
    client_id, secret = _client(request, form)
    verifier = form.get("code_verifier")
    grant_type = form.get("grant_type")
    # A confidential client sends its secret; a PKCE (public) client has none and
    # proves itself with the verifier, or with a refresh token it was issued.
    public = secret == "" and (bool(verifier) or grant_type == "refresh_token")
    if client_id != sim.client_id or (secret != sim.client_secret and not public):
        return _error("invalid_client")
    if grant_type == "authorization_code":
        issued = sim.tokens.redeem_code(
            form.get("code", ""), client_id, form.get("redirect_uri", ""), verifier, public=public
        )
    elif grant_type == "refresh_token":
        issued = sim.tokens.rotate(form.get("refresh_token", ""))
    else:
        return _error("unsupported_grant_type")
    if issued is None:
        return _error("invalid_grant")
    return json_response(issued.as_json(), headers={"Cache-Control": "no-store"})


async def revocation(request: Request) -> Response:
    """``POST /connect/revocation``: revoke a refresh token (RFC 7009), which in Xero
    ends the authorization and removes its connections. 200 with an empty body, also
    for a token already revoked or unknown, as RFC 7009 asks."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    sim = _sim(request)
    client_id, secret = _client(request, form)
    if client_id != sim.client_id or secret not in (sim.client_secret, ""):
        return _error("invalid_client")
    if not form.get("token"):
        return _error("invalid_request")
    sim.tokens.revoke(form["token"])
    return Response(status_code=200)


ROUTES = [
    Route("/identity/connect/authorize", authorize_page, methods=["GET"]),
    Route("/identity/connect/authorize", approve, methods=["POST"]),
    Route("/connect/token", token, methods=["POST"]),
    Route("/connect/revocation", revocation, methods=["POST"]),
]
