"""OAuth 2.0 authorization code with PKCE, spoken to any platform's token endpoint.

Pure protocol (RFC 6749, RFC 7636): build the authorize URL, exchange a code, refresh a
grant. No storage here: the Link pages and the engine decide where a grant lives, how it
is encrypted and who may refresh it. Errors map onto ``connectors.errors``: a refused
grant (``invalid_grant``) is ``AuthorizationLostError``, an unreachable or failing token
endpoint is ``TransientError``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from ledgerport.connectors.errors import AuthorizationLostError, FatalError, TransientError
from ledgerport.connectors.spec import OAuth2

# A token endpoint that does not say how long a token lives: assume the shortest common
# lifetime (Xero's 30 minutes) so we refresh too early rather than too late.
DEFAULT_ACCESS_LIFETIME = timedelta(minutes=30)
_SECRET_KEYS = frozenset({"access_token", "refresh_token", "id_token"})


@dataclass(frozen=True)
class Endpoints:
    authorize_url: str
    token_url: str
    api_base_url: str


def endpoints(spec: OAuth2, base_url: str | None = None) -> Endpoints:
    """The platform's URLs; with ``base_url`` (a simulator, a proxy) every URL keeps its
    path and takes that scheme and host, so one setting moves the whole platform."""
    if not base_url:
        return Endpoints(spec.authorize_url, spec.token_url, spec.api_base_url)
    return Endpoints(
        _rehost(spec.authorize_url, base_url),
        _rehost(spec.token_url, base_url),
        _rehost(spec.api_base_url, base_url),
    )


def _rehost(url: str, base_url: str) -> str:
    base = urlsplit(base_url.rstrip("/"))
    parts = urlsplit(url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


@dataclass(frozen=True)
class ClientCredentials:
    """Our app's registration at the platform (from settings or the portal)."""

    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass(frozen=True)
class TokenSet:
    """A grant as the token endpoint issued it. ``refresh_expires_at`` is when the
    refresh token stops working if unused (QuickBooks says so; Xero documents 60 days)."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime
    refresh_expires_at: datetime | None
    # The answer's other fields (scope, token_type, id_token claims are not decoded).
    details: Mapping[str, Any]


def new_verifier() -> str:
    """A PKCE code verifier: 43-128 characters of the unreserved set (RFC 7636 §4.1)."""
    return secrets.token_urlsafe(48)[:64]


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(
    spec: OAuth2, urls: Endpoints, client: ClientCredentials, state: str, verifier: str
) -> str:
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": " ".join(spec.scopes),
        "state": state,
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
        **dict(spec.extra_authorize_params),
    }
    separator = "&" if "?" in urls.authorize_url else "?"
    return urls.authorize_url + separator + urlencode(query)


def exchange_code(
    urls: Endpoints,
    client: ClientCredentials,
    code: str,
    verifier: str,
    now: datetime,
    *,
    transport: httpx.BaseTransport | None = None,
) -> TokenSet:
    """Trade the callback's code for a grant. A refused code is ``FatalError`` (the
    company must start Link again), not a lost authorization."""
    try:
        return _token_request(
            urls,
            client,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": client.redirect_uri,
                "code_verifier": verifier,
            },
            now,
            transport=transport,
        )
    except AuthorizationLostError as refused:
        raise FatalError(str(refused)) from refused


def refresh(
    urls: Endpoints,
    client: ClientCredentials,
    refresh_token: str,
    now: datetime,
    *,
    transport: httpx.BaseTransport | None = None,
) -> TokenSet:
    """Use the refresh token once. Platforms that rotate it (Xero, QuickBooks) answer
    with a new one; the caller must store it before using the new access token."""
    tokens = _token_request(
        urls,
        client,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        now,
        transport=transport,
    )
    if tokens.refresh_token is None:  # platforms that do not rotate keep the old one
        return TokenSet(
            tokens.access_token,
            refresh_token,
            tokens.expires_at,
            tokens.refresh_expires_at,
            tokens.details,
        )
    return tokens


def _token_request(
    urls: Endpoints,
    client: ClientCredentials,
    form: dict[str, str],
    now: datetime,
    *,
    transport: httpx.BaseTransport | None,
) -> TokenSet:
    basic = base64.b64encode(f"{client.client_id}:{client.client_secret}".encode()).decode()
    try:
        with httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0), transport=transport) as http:
            response = http.post(
                urls.token_url,
                data=form,
                headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            )
    except httpx.TransportError as failure:
        name = type(failure).__name__
        raise TransientError(f"The token endpoint did not answer: {name}") from failure
    body = _json(response)
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"The token endpoint failed ({response.status_code}).")
    if response.status_code != 200:
        error = str(body.get("error") or f"HTTP {response.status_code}")
        described = str(body.get("error_description") or "").strip()
        message = f"{error}: {described}" if described else error
        if error in ("invalid_grant", "invalid_client", "unauthorized_client"):
            raise AuthorizationLostError(f"The platform refused the grant ({message}).")
        raise FatalError(f"The token endpoint refused the request ({message}).")
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise FatalError("The token endpoint answered without an access token.")
    refresh_token = body.get("refresh_token")
    lifetime = _seconds(body.get("expires_in"))
    refresh_lifetime = _seconds(body.get("x_refresh_token_expires_in"))
    return TokenSet(
        access_token=access,
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        expires_at=now + (timedelta(seconds=lifetime) if lifetime else DEFAULT_ACCESS_LIFETIME),
        refresh_expires_at=now + timedelta(seconds=refresh_lifetime) if refresh_lifetime else None,
        details={k: v for k, v in body.items() if k not in _SECRET_KEYS},
    )


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _seconds(value: object) -> int | None:
    try:
        seconds = int(str(value))
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None
