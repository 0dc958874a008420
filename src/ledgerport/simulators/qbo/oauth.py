"""Intuit's OAuth 2.0 and discovery endpoints, on the simulator's host:

- ``GET /connect/oauth2``: the consent page (Intuit's ``authorization_endpoint``), a
  form whose Connect button redirects to ``redirect_uri`` with ``code``, ``state`` and
  ``realmId``, and whose Cancel button redirects with ``error=access_denied``;
- ``POST /oauth2/v1/tokens/bearer``: ``authorization_code`` (PKCE optional) and
  ``refresh_token``, client credentials by HTTP Basic (what intuit-oauth sends) or in
  the form; errors as OAuth's ``{"error": "invalid_grant"}``;
- ``POST /oauth2/v1/tokens/revoke`` (and Intuit's ``/v2/oauth2/tokens/revoke``);
- ``GET /.well-known/openid_configuration``: the discovery document, so intuit-oauth's
  ``AuthClient(..., environment=<this URL>)`` finds every endpoint here.

Any client id and secret are accepted unless the simulator was given some."""

from __future__ import annotations

import base64
import html
import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ledgerport.simulators.qbo.faults import json_response
from ledgerport.simulators.qbo.tokens import ACCOUNTING_SCOPE

if TYPE_CHECKING:
    from ledgerport.simulators.qbo.app import QboSimulator

AUTHORIZE_PATH = "/connect/oauth2"
TOKEN_PATH = "/oauth2/v1/tokens/bearer"  # noqa: S105 - a path, not a secret
REVOKE_PATH = "/oauth2/v1/tokens/revoke"
JWKS_PATH = "/op/v1/jwks"
_FIELDS = ("client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method")


def _sim(request: Request) -> QboSimulator:
    sim: QboSimulator = request.app.state.qbo
    return sim


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _error(error: str, status: int = 400, description: str | None = None) -> Response:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return json_response(body, status, {"Cache-Control": "no-store"})


def _page_error(message: str) -> Response:
    return HTMLResponse(f"<!doctype html><h1>Error</h1><p>{html.escape(message)}</p>", 400)


async def discovery(request: Request) -> Response:
    base = _base(request)
    return json_response(
        {
            "issuer": base,
            "authorization_endpoint": base + AUTHORIZE_PATH,
            "token_endpoint": base + TOKEN_PATH,
            "userinfo_endpoint": base + "/v1/openid_connect/userinfo",
            "revocation_endpoint": base + REVOKE_PATH,
            "jwks_uri": base + JWKS_PATH,
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": [
                "openid",
                "email",
                "profile",
                "address",
                "phone",
                ACCOUNTING_SCOPE,
            ],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
            "code_challenge_methods_supported": ["S256", "plain"],
        }
    )


async def jwks(request: Request) -> Response:
    return json_response({"keys": []})  # no id_token is issued, so nothing is signed


async def authorize_page(request: Request) -> Response:
    q = request.query_params
    if q.get("response_type") != "code":
        return _page_error("invalid_request: response_type must be code")
    if not q.get("client_id") or not q.get("redirect_uri"):
        return _page_error("invalid_request: client_id and redirect_uri are required")
    sim = _sim(request)
    if sim.client_id is not None and q["client_id"] != sim.client_id:
        return _page_error("invalid_client")
    if not q.get("scope"):
        return _page_error("invalid_scope")
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(q.get(name, ""))}">'
        for name in _FIELDS
    )
    page = (
        "<!doctype html><title>Intuit | Connect</title>"
        f"<h1>Connect to {html.escape(sim.company_name())}</h1>"
        f"<p>{html.escape(q['client_id'])} wants access: {html.escape(q['scope'])}</p>"
        f'<form method="post" action="{AUTHORIZE_PATH}">{hidden}'
        '<button type="submit" name="approve" value="1">Connect</button> '
        '<button type="submit" name="deny" value="1">Cancel</button></form>'
    )
    return HTMLResponse(page)


async def approve(request: Request) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in _FIELDS}
    if not values["client_id"] or not values["redirect_uri"]:
        return _page_error("invalid_request")
    query: dict[str, str] = {}
    if form.get("deny"):
        query["error"] = "access_denied"
    else:
        sim = _sim(request)
        query["code"] = sim.tokens.new_code(
            values["client_id"],
            values["redirect_uri"],
            sim.realm_id,
            values["scope"],
            values["code_challenge"] or None,
            values["code_challenge_method"] or None,
        )
        query["realmId"] = sim.realm_id
    if values["state"]:
        query["state"] = values["state"]
    separator = "&" if "?" in values["redirect_uri"] else "?"
    return RedirectResponse(values["redirect_uri"] + separator + urlencode(query), 302)


def _client(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return "", ""
        return user, password
    return form.get("client_id", ""), form.get("client_secret", "")


async def token(request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    sim = _sim(request)
    client_id, secret = _client(request, form)
    if not client_id:
        return _error("invalid_client", 401)
    if sim.client_id is not None and client_id != sim.client_id:
        return _error("invalid_client", 401)
    verifier = form.get("code_verifier") or None
    if sim.client_secret is not None and secret != sim.client_secret and verifier is None:
        return _error("invalid_client", 401)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        issued = sim.tokens.redeem_code(
            form.get("code", ""), client_id, form.get("redirect_uri", ""), verifier
        )
    elif grant_type == "refresh_token":
        issued = sim.tokens.rotate(form.get("refresh_token", ""), client_id)
    else:
        return _error("unsupported_grant_type")
    if issued is None:
        return _error("invalid_grant")
    return json_response(issued.as_json(), headers={"Cache-Control": "no-store"})


async def revoke(request: Request) -> Response:
    """RFC 7009: 200 whether or not the token was live; it ends the whole grant."""
    raw = await request.body()
    token_value = ""
    if raw:
        try:
            parsed = json.loads(raw)
            token_value = str(parsed.get("token", "")) if isinstance(parsed, dict) else ""
        except ValueError:
            form = {k: str(v) for k, v in (await request.form()).items()}
            token_value = form.get("token", "")
    if not token_value:
        return _error("invalid_request", description="token is required")
    client_id, _ = _client(request, {})
    sim = _sim(request)
    if sim.client_id is not None and client_id != sim.client_id:
        return _error("invalid_client", 401)
    sim.tokens.revoke(token_value)
    return Response(status_code=200)


ROUTES = [
    Route("/.well-known/openid_configuration", discovery, methods=["GET"]),
    Route("/.well-known/openid_configuration/", discovery, methods=["GET"]),
    Route("/.well-known/openid_sandbox_configuration", discovery, methods=["GET"]),
    Route("/.well-known/openid_sandbox_configuration/", discovery, methods=["GET"]),
    Route(JWKS_PATH, jwks, methods=["GET"]),
    Route(AUTHORIZE_PATH, authorize_page, methods=["GET"]),
    Route(AUTHORIZE_PATH, approve, methods=["POST"]),
    Route(TOKEN_PATH, token, methods=["POST"]),
    Route(REVOKE_PATH, revoke, methods=["POST"]),
    Route("/v2/oauth2/tokens/revoke", revoke, methods=["POST"]),
]
