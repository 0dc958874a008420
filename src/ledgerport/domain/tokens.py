"""Signed tokens for Link URLs and company access tokens.

A Link URL must be reproducible (Codat returns the same ``linkUrl`` on every read), yet
only its hash-equivalent may live in the database. So the token is an HMAC of the
connection id and a random per-connection nonce: the URL can be rebuilt from what is
stored, only the holder of the secret key can mint one, and issuing a new nonce
invalidates every earlier URL at once.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from datetime import datetime

import orjson


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=65_536)
def link_token(secret: bytes, purpose: str, subject_id: str, nonce: str) -> str:
    # Cached: list pages rebuild every company's and connection's Link URL per request.
    mac = hmac.new(secret, f"{purpose}:{subject_id}:{nonce}".encode(), hashlib.sha256)
    return _b64(mac.digest()[:24])


def link_token_matches(
    secret: bytes, purpose: str, subject_id: str, nonce: str, candidate: str
) -> bool:
    return hmac.compare_digest(link_token(secret, purpose, subject_id, nonce), candidate)


def sign_claims(secret: bytes, claims: dict[str, object]) -> str:
    """A compact ``payload.signature`` token (HMAC-SHA256 over the JSON payload)."""
    payload = _b64(orjson.dumps(claims, option=orjson.OPT_SORT_KEYS))
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def verify_claims(secret: bytes, token: str, now: datetime) -> dict[str, object] | None:
    """Return the claims of a valid, unexpired token, else None."""
    try:
        payload, signature = token.split(".", 1)
        expected = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            return None
        claims = orjson.loads(_unb64(payload))
    except (ValueError, orjson.JSONDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp < int(now.timestamp()):
        return None
    return claims


def hash_api_key(key: str) -> str:
    """API keys are 40 random characters (~238 bits), so a plain SHA-256 is a safe,
    fast lookup hash; a slow password hash would cost every request milliseconds."""
    return hashlib.sha256(key.encode()).hexdigest()


_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def new_api_key() -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(40))
