"""Files a business uploaded through the Files API: stored whole or not at all, once
per connection and content, and read back as metadata or, for one day, with bytes."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import UploadedFileRow


@dataclass(frozen=True)
class NewUpload:
    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class FileInfo:
    file_name: str
    display_name: str | None
    uploaded: datetime


def add(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    files: Sequence[NewUpload],
    now: datetime,
) -> int:
    """Store the files not already on the connection (by sha256, also within ``files``);
    how many were new. The caller's transaction makes it all or nothing."""
    hashes = {hashlib.sha256(f.content).hexdigest(): f for f in files}
    known = set(
        session.scalars(
            select(UploadedFileRow.sha256).where(
                UploadedFileRow.connection_id == connection_id,
                UploadedFileRow.sha256.in_(list(hashes)),
            )
        )
    )
    added = 0
    for digest, f in hashes.items():
        if digest in known:
            continue
        session.add(
            UploadedFileRow(
                id=uuid.uuid4(),
                company_id=company_id,
                connection_id=connection_id,
                file_name=f.file_name,
                display_name=f.file_name,
                content_type=f.content_type,
                size=len(f.content),
                sha256=digest,
                content=f.content,
                uploaded=now,
            )
        )
        added += 1
    session.flush()
    return added


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
    """The company's files with their bytes, uploaded in ``[start, end)`` (all when
    unbounded), oldest first."""
    query = select(UploadedFileRow).where(UploadedFileRow.company_id == company_id)
    if start is not None:
        query = query.where(UploadedFileRow.uploaded >= start)
    if end is not None:
        query = query.where(UploadedFileRow.uploaded < end)
    order = (UploadedFileRow.uploaded, UploadedFileRow.file_name)
    return list(session.scalars(query.order_by(*order)))
