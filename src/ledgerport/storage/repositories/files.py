"""Files a business uploaded: rows here, bytes in the blob store (a directory or S3).

A file is stored once per connection and content (the sha256 is unique per connection)
under the key ``<company>/<connection>/<sha256>``, so writing the bytes again is
harmless and a company's files go with one prefix delete. The caller writes the bytes
first and the rows in its transaction: a refused transaction leaves at most bytes no
row points at, which the caller removes (see ``sync/uploads.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ledgerport.domain.uploads import UploadStatus
from ledgerport.storage.blobs import BlobStore
from ledgerport.storage.tables import UploadedFileRow


@dataclass(frozen=True)
class NewUpload:
    file_name: str
    content_type: str
    content: bytes
    sha256: str
    status: UploadStatus = UploadStatus.STORED
    format: str | None = None
    detected: dict[str, Any] | None = None
    mappings: list[dict[str, Any]] | None = None
    suppliers_found: int | None = None
    bills_found: int | None = None
    review: list[dict[str, Any]] | None = field(default=None)


@dataclass(frozen=True)
class FileInfo:
    file_name: str
    display_name: str | None
    uploaded: datetime


def blob_key(company_id: uuid.UUID, connection_id: uuid.UUID, sha256: str) -> str:
    return f"{company_id}/{connection_id}/{sha256}"


def company_prefix(company_id: uuid.UUID) -> str:
    return f"{company_id}/"


def connection_prefix(company_id: uuid.UUID, connection_id: uuid.UUID) -> str:
    return f"{company_id}/{connection_id}/"


def known(session: Session, connection_id: uuid.UUID, hashes: Sequence[str]) -> set[str]:
    return set(
        session.scalars(
            select(UploadedFileRow.sha256).where(
                UploadedFileRow.connection_id == connection_id,
                UploadedFileRow.sha256.in_(list(hashes)),
            )
        )
    )


def add(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    files: Sequence[NewUpload],
    now: datetime,
) -> list[UploadedFileRow]:
    """A row for each of ``files``, in order: the one already on the connection for the
    same bytes, or a new one (the bytes must already be in the blob store)."""
    existing = {
        row.sha256: row
        for row in session.scalars(
            select(UploadedFileRow).where(
                UploadedFileRow.connection_id == connection_id,
                UploadedFileRow.sha256.in_([f.sha256 for f in files]),
            )
        )
    }
    rows = []
    for f in files:
        row = existing.get(f.sha256)
        if row is None:
            row = UploadedFileRow(
                id=uuid.uuid4(),
                company_id=company_id,
                connection_id=connection_id,
                file_name=f.file_name,
                display_name=f.file_name,
                content_type=f.content_type,
                size=len(f.content),
                sha256=f.sha256,
                content=None,
                blob_key=blob_key(company_id, connection_id, f.sha256),
                uploaded=now,
                status=f.status.value,
                format=f.format,
                detected=f.detected,
                mappings=f.mappings,
                confirmed=now if f.status is UploadStatus.READY else None,
                suppliers_found=f.suppliers_found,
                bills_found=f.bills_found,
                review=f.review,
            )
            session.add(row)
            existing[f.sha256] = row
        rows.append(row)
    session.flush()
    return rows


def content(row: UploadedFileRow, blobs: BlobStore) -> bytes:
    """The file's bytes: in the blob store, or in the row for files stored before it
    (the deferred column is read only then)."""
    if row.blob_key is not None:
        return blobs.get(row.blob_key)
    assert row.content is not None
    return row.content


def get(session: Session, company_id: uuid.UUID, upload_id: uuid.UUID) -> UploadedFileRow | None:
    row = session.get(UploadedFileRow, upload_id)
    return row if row is not None and row.company_id == company_id else None


def _of_connection(connection_id: uuid.UUID, status: UploadStatus | None) -> Select[Any]:
    query = select(UploadedFileRow).where(UploadedFileRow.connection_id == connection_id)
    return query if status is None else query.where(UploadedFileRow.status == status.value)


def for_connection(
    session: Session,
    connection_id: uuid.UUID,
    status: UploadStatus | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[UploadedFileRow]:
    """The connection's files, oldest first (a page of them with ``offset``/``limit``)."""
    order = (UploadedFileRow.uploaded, UploadedFileRow.file_name, UploadedFileRow.id)
    query = _of_connection(connection_id, status).order_by(*order).offset(offset).limit(limit)
    return list(session.scalars(query))


def count_for_connection(
    session: Session, connection_id: uuid.UUID, status: UploadStatus | None = None
) -> int:
    counted = _of_connection(connection_id, status).with_only_columns(func.count())
    return int(session.scalar(counted.order_by(None)) or 0)


def for_company(
    session: Session, company_id: uuid.UUID, *, offset: int = 0, limit: int | None = None
) -> list[UploadedFileRow]:
    """The company's files, newest first (the portal's upload history), a page of them."""
    query = select(UploadedFileRow).where(UploadedFileRow.company_id == company_id)
    order = (UploadedFileRow.uploaded.desc(), UploadedFileRow.file_name, UploadedFileRow.id)
    return list(session.scalars(query.order_by(*order).offset(offset).limit(limit)))


def count_for_company(session: Session, company_id: uuid.UUID) -> int:
    counted = select(func.count()).where(UploadedFileRow.company_id == company_id)
    return int(session.scalar(counted) or 0)


def list_files(session: Session, company_id: uuid.UUID) -> list[FileInfo]:
    rows = session.execute(
        select(UploadedFileRow.file_name, UploadedFileRow.display_name, UploadedFileRow.uploaded)
        .where(UploadedFileRow.company_id == company_id)
        .order_by(UploadedFileRow.uploaded, UploadedFileRow.file_name)
    )
    return [FileInfo(name, display, uploaded) for name, display, uploaded in rows]


def uploaded_between(
    session: Session, company_id: uuid.UUID, start: datetime | None, end: datetime | None
) -> list[UploadedFileRow]:
    """The company's files uploaded in ``[start, end)`` (all when unbounded), oldest
    first."""
    query = select(UploadedFileRow).where(UploadedFileRow.company_id == company_id)
    if start is not None:
        query = query.where(UploadedFileRow.uploaded >= start)
    if end is not None:
        query = query.where(UploadedFileRow.uploaded < end)
    order = (UploadedFileRow.uploaded, UploadedFileRow.file_name)
    return list(session.scalars(query.order_by(*order)))
