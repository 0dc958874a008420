"""Files sent with multipart forms (attachments, receipts): one set of limits and one
way to clean a file name, for every route that takes a file."""

from __future__ import annotations

from fastapi import UploadFile

from ledgerport.connectors.writes import UploadedFile
from ledgerport.domain.uploaded_files import clean_name
from ledgerport.errors import BadRequestError

OCTET_STREAM = "application/octet-stream"


def checked_upload(
    filename: str | None,
    content_type: str | None,
    content: bytes,
    *,
    max_bytes: int,
    default_name: str,
) -> UploadedFile:
    """The file as a platform is sent it: not empty, not over ``max_bytes`` (``content``
    may hold one byte more, read to tell), named by its last path segment only (a name
    like ``../../etc/passwd`` or ``C:\\x\\y.pdf`` keeps just ``passwd``/``y.pdf``)."""
    if len(content) > max_bytes:
        raise BadRequestError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if not content:
        raise BadRequestError("The file is empty.")
    return UploadedFile(
        name=clean_name(filename, default_name),
        content_type=content_type or OCTET_STREAM,
        content=content,
    )


async def read_upload(file: UploadFile, *, max_bytes: int, default_name: str) -> UploadedFile:
    content = await file.read(max_bytes + 1)
    return checked_upload(
        file.filename, file.content_type, content, max_bytes=max_bytes, default_name=default_name
    )
