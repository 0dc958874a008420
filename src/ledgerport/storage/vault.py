"""Encryption at rest for platform tokens and OAuth client secrets.

Fernet (AES-128-CBC with HMAC-SHA256, a timestamped, authenticated token) from the
``cryptography`` package: a tampered or foreign value fails to decrypt instead of
yielding garbage. Keys rotate without downtime: the first key encrypts, every key
decrypts, and ``ledgerport rotate-keys`` re-encrypts what is stored with the first.

Without configured keys, one key is derived from the server's secret key (HKDF), so the
embedded default encrypts from its first run with nothing to set up; that derived key
stays a decrypt-only fallback once real keys are configured, so nothing stored before
becomes unreadable.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ledgerport.errors import LedgerportError


class VaultError(LedgerportError):
    """A stored secret could not be decrypted with any configured key."""


def derived_key(secret: bytes) -> bytes:
    """A Fernet key from the server secret: HKDF-SHA256 with a fixed purpose label, so
    this key is unrelated to the HMAC keys the same secret signs Link tokens with."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ledgerport:vault:v1").derive(
        secret
    )
    return base64.urlsafe_b64encode(raw)


class Vault:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise VaultError("The vault needs at least one key.")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def from_settings(cls, configured: Sequence[str], secret: bytes) -> Vault:
        """The configured keys (first encrypts), then the secret-derived fallback."""
        keys = [key.encode() for key in configured if key.strip()]
        fallback = derived_key(secret)
        if fallback not in keys:
            keys.append(fallback)
        try:
            return cls(keys)
        except ValueError as bad:
            raise VaultError(
                "LEDGERPORT_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64 bytes); "
                "make one with `ledgerport new-encryption-key`."
            ) from bad

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as bad:
            raise VaultError("A stored secret could not be decrypted with any key.") from bad

    def rotate(self, ciphertext: str) -> str:
        """The same secret under the first key (a no-op in effect if it already was)."""
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except InvalidToken as bad:
            raise VaultError("A stored secret could not be decrypted with any key.") from bad


def new_key() -> str:
    return Fernet.generate_key().decode()
