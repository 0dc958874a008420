"""Xero's OAuth 2.0 token lifecycle, held in memory: authorization codes (with PKCE),
access tokens that last 30 minutes, and refresh tokens that rotate on every use while
the replaced one stays usable for a 30-minute grace period (Xero's documented
behaviour, which a connector refreshing from two workers must survive).

Every token belongs to an :class:`Authorization` (one consent, Xero's ``authEventId``)
holding the tenants it is connected to: disconnecting a tenant
(``DELETE /connections/{id}``) takes it out of the authorization, so its tokens get
403 for that tenant; revoking the refresh token (``/connect/revocation``) ends the
authorization, so a refresh is ``invalid_grant`` and its tenants are disconnected."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

ACCESS_LIFETIME = timedelta(minutes=30)
REFRESH_GRACE = timedelta(minutes=30)
REFRESH_LIFETIME = timedelta(days=60)  # an unused refresh token expires after 60 days
CODE_LIFETIME = timedelta(minutes=5)
DEFAULT_SCOPE = "offline_access accounting.transactions accounting.contacts accounting.settings"


@dataclass
class Authorization:
    """One consent: the tenants still connected through it, until it is revoked."""

    id: str
    tenant_ids: list[str]
    created: datetime
    revoked: bool = False


@dataclass
class AccessGrant:
    """What an access token may do: its authorization's tenants, until when."""

    authorization: Authorization
    scope: str
    expires_at: datetime

    @property
    def tenant_ids(self) -> tuple[str, ...]:
        return tuple(self.authorization.tenant_ids)


@dataclass
class _Refresh:
    authorization: Authorization
    scope: str
    expires_at: datetime  # the grace period's end once rotated, else 60 days on
    successor: TokenSet | None = None


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    tenant_ids: tuple[str, ...]
    scope: str
    challenge: str | None
    method: str | None
    expires_at: datetime


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str
    scope: str

    def as_json(self) -> dict[str, str | int]:
        """Exactly the fields Xero returns: xero-python's token object raises
        ``TypeError`` on any field it does not know."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
            "token_type": self.token_type,
            "scope": self.scope,
        }


class TokenStore:
    """Every code and token the simulator has issued (forgotten on restart, like a
    revoked connection)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._access: dict[str, AccessGrant] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._codes: dict[str, _Code] = {}
        self.authorizations: list[Authorization] = []
        self._lock = threading.Lock()

    def issue(self, tenant_ids: tuple[str, ...], scope: str = DEFAULT_SCOPE) -> TokenSet:
        """A fresh authorization of ``tenant_ids`` and its first token set (what a
        completed consent gives; tests call it directly to skip the browser step)."""
        authorization = Authorization(str(uuid.uuid4()), list(tenant_ids), self.clock())
        with self._lock:
            self.authorizations.append(authorization)
        return self._issue(authorization, scope)

    def _issue(self, authorization: Authorization, scope: str) -> TokenSet:
        now = self.clock()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._lock:
            self._access[access] = AccessGrant(authorization, scope, now + ACCESS_LIFETIME)
            self._refresh[refresh] = _Refresh(authorization, scope, now + REFRESH_LIFETIME)
        return TokenSet(access, refresh, int(ACCESS_LIFETIME.total_seconds()), "Bearer", scope)

    def expire_access_tokens(self) -> int:
        """End every access token's life now (a test hook: the next call with any of
        them is Xero's 401 TokenExpired); how many were still live."""
        now = self.clock()
        with self._lock:
            live = [g for g in self._access.values() if g.expires_at > now]
            for grant in live:
                grant.expires_at = now
        return len(live)

    def revoke(self, refresh_token: str) -> bool:
        """``/connect/revocation``: end the refresh token's authorization (every token
        of it, rotated or not) and disconnect its tenants. False for an unknown token."""
        with self._lock:
            refresh = self._refresh.get(refresh_token)
            if refresh is None:
                return False
            refresh.authorization.revoked = True
            refresh.authorization.tenant_ids.clear()
        return True

    def disconnect(self, authorization_id: str, tenant_id: str) -> bool:
        """Remove one tenant from one authorization (``DELETE /connections/{id}``)."""
        with self._lock:
            for authorization in self.authorizations:
                if authorization.id == authorization_id and tenant_id in authorization.tenant_ids:
                    authorization.tenant_ids.remove(tenant_id)
                    return True
        return False

    def access(self, token: str) -> AccessGrant | None:
        """The grant behind an access token, expired or not (None if never issued)."""
        return self._access.get(token)

    def new_code(
        self,
        client_id: str,
        redirect_uri: str,
        tenant_ids: tuple[str, ...],
        scope: str,
        challenge: str | None,
        method: str | None,
    ) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(
                client_id,
                redirect_uri,
                tenant_ids,
                scope,
                challenge,
                method,
                self.clock() + CODE_LIFETIME,
            )
        return code

    def redeem_code(
        self,
        code: str,
        client_id: str,
        redirect_uri: str,
        verifier: str | None,
        *,
        public: bool = False,
    ) -> TokenSet | None:
        """Tokens for a code, once (None: unknown, used, expired, wrong client or
        redirect, a PKCE verifier that does not match the challenge, or a client
        without a secret redeeming a code that was asked for without PKCE)."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.expires_at <= self.clock():
            return None
        if grant.client_id != client_id or grant.redirect_uri != redirect_uri:
            return None
        if public and grant.challenge is None:
            return None
        if grant.challenge is not None and not pkce_matches(
            grant.challenge, grant.method, verifier
        ):
            return None
        return self.issue(grant.tenant_ids, grant.scope)

    def rotate(self, refresh_token: str) -> TokenSet | None:
        """A new token set for a refresh token. The old one keeps working for the
        grace period, and gives the same new set again, so two workers refreshing at
        once end with one token set."""
        now = self.clock()
        with self._lock:
            old = self._refresh.get(refresh_token)
            if old is None or old.expires_at <= now or old.authorization.revoked:
                return None
            if old.successor is not None:
                return old.successor
        fresh = self._issue(old.authorization, old.scope)
        with self._lock:
            old.successor = fresh
            old.expires_at = min(old.expires_at, now + REFRESH_GRACE)
        return fresh


def pkce_matches(challenge: str, method: str | None, verifier: str | None) -> bool:
    """RFC 7636: S256 compares the unpadded base64url SHA-256 of the verifier; Xero
    supports only S256 (``plain`` is refused)."""
    if verifier is None or (method or "S256") != "S256":
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return secrets.compare_digest(base64.urlsafe_b64encode(digest).rstrip(b"=").decode(), challenge)
