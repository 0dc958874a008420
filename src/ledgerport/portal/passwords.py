"""Password hashing for portal users: argon2id (argon2-cffi's RFC 9106 low-memory
profile), deliberately slow, unlike API keys, which are random enough for SHA-256.

A sign-in for an unknown email still verifies against a fixed hash, so the answer
takes as long whether or not the account exists.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 accepts more; this bounds the work one request can ask for

# Module-level so tests can swap in cheap parameters; hashes carry their own parameters,
# so a stored hash verifies whatever HASHER is now (and needs_rehash says when to move).
HASHER = PasswordHasher()
_DECOY = HASHER.hash("not-a-password-anyone-has")


def problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Passwords must be at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Passwords must be at most {MAX_LENGTH} characters."
    return None


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no such user) it spends the same time
    on a decoy and says no."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return HASHER.verify(password_hash or _DECOY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True after the cost parameters were raised: rehash at the next sign-in."""
    return HASHER.check_needs_rehash(password_hash)
