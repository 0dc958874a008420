"""Blobs as files under one directory, the default: key "a/b" is the file ``root/a/b``.

A put writes a temporary file beside the blob's (same directory, so the same file
system), fsyncs it, then ``os.replace``-s it over the blob and fsyncs the directory: the
rename is atomic, so a reader opens the old file or the new one, never a half-written
one, and a failed or interrupted write leaves the old blob as it was. Temporary files
start with a dot, which no key may, so they are never mistaken for blobs.

The root is created on first write with mode 0700 and files with 0600 (``mkstemp``'s):
uploaded statements and IDs are readable by the server's user only.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ledgerport.storage.blobs.base import (
    BlobNotFoundError,
    BlobStoreError,
    validate_key,
    validate_prefix,
)


class DiskBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.description = f"disk:{self.root}"

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
        except OSError as error:
            raise self._failure("write", key, error) from error

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFoundError(key) from None
        except OSError as error:
            raise self._failure("read", key, error) from error

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except (IsADirectoryError, NotADirectoryError):
            return  # a directory of other keys, or under a file: no blob by that key
        except OSError as error:
            raise self._failure("delete", key, error) from error

    def delete_prefix(self, prefix: str) -> int:
        directory = self._path(validate_prefix(prefix))
        try:
            if not directory.is_dir():
                return 0
            return _remove_tree(directory)
        except OSError as error:
            raise self._failure("delete the blobs under", prefix, error) from error

    def exists(self, key: str) -> bool:
        path = self._path(key)
        try:
            return path.is_file()
        except OSError as error:
            raise self._failure("look for", key, error) from error

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _failure(self, action: str, key: str, error: OSError) -> BlobStoreError:
        reason = error.strerror or type(error).__name__
        return BlobStoreError(f"Could not {action} {key!r} in {self.description}: {reason}.")


def _write_atomically(path: Path, data: bytes) -> None:
    # ".<name>.<8 random>.tmp", the name cut so that a 255-character key segment still
    # leaves a temporary name the file system accepts.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable: without this a crash can bring back the old blob
    (or none) after a put returned."""
    if not hasattr(os, "O_DIRECTORY"):  # Windows: directories cannot be opened
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_tree(directory: Path) -> int:
    """Delete ``directory`` and everything in it; how many blobs (not temporary files)
    were deleted. Entries deleted meanwhile by someone else are not counted."""

    def fail(error: OSError) -> None:
        raise error

    removed = 0
    for parent, directories, files in os.walk(directory, topdown=False, onerror=fail):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(parent, name))
                if not name.startswith("."):
                    removed += 1
        for name in directories:
            child = os.path.join(parent, name)
            with contextlib.suppress(FileNotFoundError):
                if os.path.islink(child):  # os.walk lists links to directories here
                    os.unlink(child)
                else:
                    os.rmdir(child)
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(directory)
    return removed
