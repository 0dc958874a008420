"""Where uploaded files' bytes live: a directory by default, or an S3 bucket.

::

    store = blob_store(settings)          # services.blobs in the app
    store.put(f"{company_id}/{sha256}", data)
    store.get(key)                        # BlobNotFoundError when absent
    store.delete_prefix(str(company_id))  # a deleted company's files

``LEDGERPORT_FILE_STORAGE`` chooses: unset or "disk" keeps them in ``LEDGERPORT_FILES_DIR``
(default ``<data dir>/files``); "s3://bucket/optional/prefix" in S3, or in an
S3-compatible server at ``LEDGERPORT_S3_ENDPOINT_URL``.
"""

from __future__ import annotations

from ledgerport.config import Settings
from ledgerport.storage.blobs.base import (
    MAX_KEY_LENGTH,
    BlobNotFoundError,
    BlobStore,
    BlobStoreError,
    validate_key,
    validate_prefix,
)
from ledgerport.storage.blobs.disk import DiskBlobStore
from ledgerport.storage.blobs.s3 import S3BlobStore

__all__ = [
    "MAX_KEY_LENGTH",
    "BlobNotFoundError",
    "BlobStore",
    "BlobStoreError",
    "DiskBlobStore",
    "S3BlobStore",
    "blob_store",
    "validate_key",
    "validate_prefix",
]


def blob_store(settings: Settings) -> BlobStore:
    """The store the settings name. Makes no request and creates no directory: the
    settings were checked when they were read, and the first put creates what it needs."""
    if settings.s3_location is None:
        return DiskBlobStore(settings.resolved_files_dir)
    return S3BlobStore.from_settings(settings)
