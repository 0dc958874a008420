"""Intuit's OAuth 2.0 token lifecycle, in memory: authorization codes (optionally with
PKCE), access tokens that last 3,600 seconds, and refresh tokens with a rolling 100-day
life (``x_refresh_token_expires_in``) capped by the grant's 5-year maximum.

Rotation, our choice: Intuit documents that the refresh token can change on any
refresh and that the latest one must be kept. The simulator rotates on every refresh,
the strictest reading, and keeps the replaced token usable for ``REFRESH_GRACE`` (five
minutes): inside it, the old token gives back the same new token set instead of another,
so two workers refreshing at once end with one set; after it, the old token is
``invalid_grant``. Revoking any token of a grant (or the test hook) ends the grant:
its access and refresh tokens all stop working."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

ACCESS_LIFETIME = timedelta(seconds=3600)
REFRESH_LIFETIME = timedelta(days=100)
REFRESH_GRACE = timedelta(minutes=5)
GRANT_MAXIMUM = timedelta(days=5 * 365)
CODE_LIFETIME = timedelta(minutes=5)
ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"


@dataclass
class Grant:
    """One consent: a client connected to one company (realm)."""

    client_id: str
    realm_id: str
    scope: str
    created: datetime
    revoked: bool = False


@dataclass
class AccessGrant:
    grant: Grant
    expires_at: datetime


@dataclass
class _Refresh:
    grant: Grant
    expires_at: datetime
    successor: TokenSet | None = None


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    realm_id: str
    scope: str
    challenge: str | None
    method: str | None
    expires_at: datetime


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int

    def as_json(self) -> dict[str, str | int]:
        """The token endpoint's answer, as Intuit's OAuth 2.0 page shows it."""
        return {
            "token_type": "bearer",
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
            "x_refresh_token_expires_in": self.refresh_expires_in,
        }


@dataclass
class TokenStore:
    clock: Callable[[], datetime]
    refresh_grace: timedelta = REFRESH_GRACE
    _access: dict[str, AccessGrant] = field(default_factory=dict)
    _refresh: dict[str, _Refresh] = field(default_factory=dict)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _grants: list[Grant] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, client_id: str, realm_id: str, scope: str = ACCOUNTING_SCOPE) -> TokenSet:
        """Tokens for a new consent (what approving gives; tests call it directly)."""
        grant = Grant(client_id, realm_id, scope, self.clock())
        with self._lock:
            self._grants.append(grant)
        return self._new_set(grant)

    def _new_set(self, grant: Grant) -> TokenSet:
        now = self.clock()
        access, refresh = secrets.token_urlsafe(32), "AB11" + secrets.token_urlsafe(36)
        refresh_until = min(now + REFRESH_LIFETIME, grant.created + GRANT_MAXIMUM)
        with self._lock:
            self._access[access] = AccessGrant(grant, now + ACCESS_LIFETIME)
            self._refresh[refresh] = _Refresh(grant, refresh_until)
        return TokenSet(
            access,
            refresh,
            int(ACCESS_LIFETIME.total_seconds()),
            int((refresh_until - now).total_seconds()),
        )

    def access(self, token: str) -> AccessGrant | None:
        """The grant behind an access token, expired or not (None if never issued)."""
        with self._lock:
            return self._access.get(token)

    def new_code(
        self,
        client_id: str,
        redirect_uri: str,
        realm_id: str,
        scope: str,
        challenge: str | None,
        method: str | None,
    ) -> str:
        code = secrets.token_urlsafe(24)
        expires = self.clock() + CODE_LIFETIME
        with self._lock:
            self._codes[code] = _Code(
                client_id, redirect_uri, realm_id, scope, challenge, method, expires
            )
        return code

    def redeem_code(
        self, code: str, client_id: str, redirect_uri: str, verifier: str | None
    ) -> TokenSet | None:
        """Tokens for a code, once (None: unknown, used, expired, another client or
        redirect URI, or a PKCE verifier that does not match)."""
        with self._lock:
            found = self._codes.pop(code, None)
        if found is None or found.expires_at <= self.clock():
            return None
        if found.client_id != client_id or found.redirect_uri != redirect_uri:
            return None
        if found.challenge is not None and not pkce_matches(
            found.challenge, found.method, verifier
        ):
            return None
        return self.issue(found.client_id, found.realm_id, found.scope)

    def rotate(self, refresh_token: str, client_id: str) -> TokenSet | None:
        """A new token set for a refresh token (see the module docstring for the grace
        window); None for an unknown, expired, revoked or another client's token."""
        now = self.clock()
        with self._lock:
            old = self._refresh.get(refresh_token)
            if old is None or old.expires_at <= now or old.grant.revoked:
                return None
            if old.grant.client_id != client_id:
                return None
            if old.successor is not None:
                return old.successor
        fresh = self._new_set(old.grant)
        with self._lock:
            old.successor = fresh
            old.expires_at = min(old.expires_at, now + self.refresh_grace)
        return fresh

    def revoke(self, token: str) -> bool:
        """End the grant an access or refresh token belongs to (False: not ours)."""
        with self._lock:
            found = self._refresh.get(token) or self._access.get(token)
            if found is None:
                return False
            found.grant.revoked = True
        return True

    def revoke_all(self, realm_id: str | None = None) -> None:
        with self._lock:
            for grant in self._grants:
                if realm_id is None or grant.realm_id == realm_id:
                    grant.revoked = True

    def expire_access_tokens(self) -> None:
        now = self.clock()
        with self._lock:
            for access in self._access.values():
                access.expires_at = min(access.expires_at, now)


def pkce_matches(challenge: str, method: str | None, verifier: str | None) -> bool:
    """RFC 7636: ``S256`` compares the unpadded base64url SHA-256 of the verifier,
    ``plain`` the verifier itself."""
    if not verifier:
        return False
    if (method or "plain") == "plain":
        return secrets.compare_digest(verifier, challenge)
    if method != "S256":
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, challenge)
