"""Standard Webhooks signatures (https://www.standardwebhooks.com/), as Svix and so
Codat send them: ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``
keyed with the base64-decoded part of the consumer's ``whsec_`` secret. Any Standard
Webhooks or Svix library verifies it (the tests use ``standardwebhooks``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 24  # Svix's endpoint secrets: 24 random bytes, 32 base64 characters


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (the timestamp is the
    attempt's, so a receiver's replay window applies to retries too)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
