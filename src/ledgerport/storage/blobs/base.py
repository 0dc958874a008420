"""What a blob store is: bytes kept under a key, put whole or not at all.

Keys are made by the caller ("<company uuid>/<sha256>") and checked here, strictly, by
every store alike: path segments of ``[A-Za-z0-9._-]`` joined by "/", none empty and none
starting with a dot. So no key is absolute, climbs out with "..", smuggles a backslash or
a drive letter, or names a store's own temporary files (which start with a dot): on disk a
key can never leave the store's directory, and the same key means the same thing on disk
and in S3.
"""

from __future__ import annotations

import re
from typing import Protocol

from ledgerport.errors import LedgerportError

# 512 is the width of uploaded_files.blob_key; 255 bytes is a file name's limit on the
# usual file systems (ext4, XFS, APFS).
MAX_KEY_LENGTH = 512
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}")


class BlobStoreError(LedgerportError):
    """The store could not do what was asked: a full disk, a permission, the network, a
    missing bucket. The message names the store and the key, never a credential."""


class BlobNotFoundError(BlobStoreError):
    """No blob is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"No blob is stored under {key!r}.")
        self.key = key


class BlobStore(Protocol):
    """Where uploaded files' bytes live. Every method checks its key (``ValueError``) and
    raises :class:`BlobStoreError` for anything the store itself fails at."""

    # Where the blobs are, for logs and health checks: "disk:/srv/files" or
    # "s3://bucket/prefix (https://host)"; never a credential.
    description: str

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing what was there. Atomic: a reader sees
        the old blob or the new one, never part of one."""
        ...

    def get(self, key: str) -> bytes:
        """The blob under ``key``; :class:`BlobNotFoundError` when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob under ``key``; nothing happens when there is none."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Remove every blob whose key lies under ``prefix`` ("<company uuid>" or
        "<company uuid>/"): whole path segments, so prefix "ab" never touches "abc/x".
        Returns how many were removed."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under ``key``."""
        ...


def validate_key(key: str) -> str:
    """``key`` itself if it is a valid blob key; ``ValueError`` saying why otherwise."""
    if not isinstance(key, str) or not key:
        raise ValueError("A blob key must be a non-empty string.")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"A blob key has at most {MAX_KEY_LENGTH} characters.")
    if not all(_SEGMENT.fullmatch(segment) for segment in key.split("/")):
        raise ValueError(
            f"Blob key {key[:100]!r} is not path segments of letters, digits, '.', '_' and "
            "'-' joined by '/' (none empty, none starting with a dot, at most 255 long)."
        )
    return key


def validate_prefix(prefix: str) -> str:
    """``prefix`` without its one trailing "/", if what remains is a valid key; never
    empty, so no call can delete a whole store by accident."""
    if isinstance(prefix, str) and prefix.endswith("/"):
        prefix = prefix[:-1]
    return validate_key(prefix)
