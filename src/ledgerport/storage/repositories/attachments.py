"""The attachments store: the files on a record, replaced whole from what the platform
lists, and read back as Codat's ``Attachment`` documents or as bytes.

Like records, a file whose bytes and metadata are unchanged is left alone, so its
``modifiedDate`` says when the file last changed, not when we last looked. Lists and
metadata reads never load the bytes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, Text, bindparam, cast, delete, select, update
from sqlalchemy.orm import Session

from ledgerport.domain.dates import to_codat
from ledgerport.storage import bulk
from ledgerport.storage.repositories.records import to_milliseconds
from ledgerport.storage.tables import AttachmentRow, RecordRow

_ATTACHMENTS: Table = AttachmentRow.__table__  # type: ignore[assignment]
_att = _ATTACHMENTS.c
_rec = RecordRow.__table__.c


@dataclass(frozen=True)
class NewFile:
    """A file as the pull hands it over: its ``Attachment`` document (``id`` required,
    ``modifiedDate`` left to the store) and its bytes."""

    document: Mapping[str, Any]
    content: bytes


@dataclass
class ReplaceResult:
    stored: int = 0  # new or changed files written
    bytes_stored: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass(frozen=True)
class StoredFile:
    name: str | None
    content_type: str | None
    content: bytes


def content_hash(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def replace(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    record_id: str,
    files: Sequence[NewFile],
    now: datetime,
) -> ReplaceResult:
    """Make the record's stored files exactly ``files`` (see :func:`replace_many`)."""
    return replace_many(
        session,
        company_id=company_id,
        connection_id=connection_id,
        data_type=data_type,
        files={record_id: files},
        now=now,
    )


def replace_many(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    files: Mapping[str, Sequence[NewFile]],
    now: datetime,
    new_records: Collection[str] = (),
    buffer: bulk.BufferedInserts | None = None,
) -> ReplaceResult:
    """Make each record's stored files exactly those listed for it, in the caller's
    transaction: files no longer listed are removed, new and changed ones written. A
    platform that lists one id twice gets its first entry kept. One statement of each
    kind for the whole batch (a pull calls this once per page), not per record."""
    result = ReplaceResult()
    if not files:
        return result
    scope = (_att.connection_id == connection_id, _att.data_type == data_type)
    # Records created in this very transaction (``new_records``) have no files yet.
    fresh = set(new_records)
    looked_up = [record_id for record_id in files if record_id not in fresh]
    existing: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    if looked_up:
        if buffer is not None:
            buffer.flush()  # held rows must be visible to the lookup
        existing = {
            (record_id, attachment_id): (data, digest)
            for record_id, attachment_id, data, digest in session.execute(
                select(_att.record_id, _att.attachment_id, _att.data, _att.content_hash).where(
                    *scope, _att.record_id.in_(looked_up)
                )
            )
        }
    now = to_milliseconds(now)
    stamp = to_codat(now)
    wanted: dict[tuple[str, str], NewFile] = {}
    for record_id, listed in files.items():
        for file in listed:
            wanted.setdefault((record_id, str(file.document["id"])), file)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for (record_id, attachment_id), file in wanted.items():
        digest = content_hash(file.content)
        document = {k: v for k, v in file.document.items() if k != "modifiedDate"}
        known = existing.get((record_id, attachment_id))
        if known is not None and known[1] == digest and _without_stamp(known[0]) == document:
            result.unchanged += 1
            continue
        row = {
            "connection_id": connection_id,
            "data_type": data_type,
            "record_id": record_id,
            "attachment_id": attachment_id,
            "company_id": company_id,
            "data": {**document, "modifiedDate": stamp},
            "content": file.content,
            "content_hash": digest,
            "modified_date": now,
        }
        (inserts if known is None else updates).append(row)
        result.stored += 1
        result.bytes_stored += len(file.content)
    gone = [key for key in existing if key not in wanted]
    if gone:
        session.connection().execute(
            delete(AttachmentRow).where(
                *scope,
                _att.record_id == bindparam("gone_record"),
                _att.attachment_id == bindparam("gone_attachment"),
            ),
            [{"gone_record": r, "gone_attachment": a} for r, a in gone],
        )
        result.removed = len(gone)
    if buffer is not None:
        buffer.add(_ATTACHMENTS, inserts)
    elif inserts:
        bulk.insert_rows(session.connection(), _ATTACHMENTS, inserts)
    if updates:
        session.execute(update(AttachmentRow).execution_options(synchronize_session=False), updates)
    return result


def add(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    record_id: str,
    file: NewFile,
    now: datetime,
) -> None:
    """Store one more file on a record (an upload the platform has just accepted),
    leaving its other files alone; the next pull lists them all again anyway."""
    attachment_id = str(file.document["id"])
    session.execute(
        delete(AttachmentRow).where(
            _att.connection_id == connection_id,
            _att.data_type == data_type,
            _att.record_id == record_id,
            _att.attachment_id == attachment_id,
        )
    )
    now = to_milliseconds(now)
    bulk.insert_rows(
        session.connection(),
        _ATTACHMENTS,
        [
            {
                "connection_id": connection_id,
                "data_type": data_type,
                "record_id": record_id,
                "attachment_id": attachment_id,
                "company_id": company_id,
                "data": {**file.document, "modifiedDate": to_codat(now)},
                "content": file.content,
                "content_hash": content_hash(file.content),
                "modified_date": now,
            }
        ],
    )


def remove(
    session: Session,
    *,
    connection_id: uuid.UUID,
    data_type: str,
    record_id: str,
    attachment_id: str,
) -> int:
    """Forget one file of a record (the platform deleted it); returns rows removed."""
    result = session.execute(
        delete(AttachmentRow).where(
            _att.connection_id == connection_id,
            _att.data_type == data_type,
            _att.record_id == record_id,
            _att.attachment_id == attachment_id,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _without_stamp(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "modifiedDate"}


def parent_exists(
    session: Session,
    company_id: uuid.UUID,
    data_type: str,
    record_id: str,
    connection_id: uuid.UUID | None = None,
) -> bool:
    """Whether the record files would hang from is stored (an unknown parent is a 404,
    not an empty list). Reads only the key, never the document."""
    stmt = select(_rec.record_id).where(
        _rec.company_id == company_id, _rec.data_type == data_type, _rec.record_id == record_id
    )
    if connection_id is not None:
        stmt = stmt.where(_rec.connection_id == connection_id)
    return session.execute(stmt.limit(1)).first() is not None


def list_text(
    session: Session, connection_id: uuid.UUID, data_type: str, record_id: str
) -> list[str]:
    """The record's ``Attachment`` documents as stored JSON text, by attachment id."""
    stmt = (
        select(cast(_att.data, Text()))
        .where(
            _att.connection_id == connection_id,
            _att.data_type == data_type,
            _att.record_id == record_id,
        )
        .order_by(_att.attachment_id)
    )
    return list(session.connection().execute(stmt).scalars())


def one_text(
    session: Session, connection_id: uuid.UUID, data_type: str, record_id: str, attachment_id: str
) -> str | None:
    stmt = select(cast(_att.data, Text())).where(
        _att.connection_id == connection_id,
        _att.data_type == data_type,
        _att.record_id == record_id,
        _att.attachment_id == attachment_id,
    )
    return session.connection().execute(stmt).scalar()


def download(
    session: Session, connection_id: uuid.UUID, data_type: str, record_id: str, attachment_id: str
) -> StoredFile | None:
    row = session.execute(
        select(_att.data, _att.content).where(
            _att.connection_id == connection_id,
            _att.data_type == data_type,
            _att.record_id == record_id,
            _att.attachment_id == attachment_id,
        )
    ).first()
    if row is None:
        return None
    return StoredFile(row.data.get("name"), row.data.get("contentType"), row.content)


def find_pdf(
    session: Session, company_id: uuid.UUID, data_type: str, record_id: str
) -> StoredFile | None:
    """The record's PDF among its files in any of the company's connections (content
    type ``application/pdf``, or a ``.pdf`` name when the platform gave no type): the
    most recently changed one, so a re-issued document wins over the old copy."""
    candidates = session.execute(
        select(_att.connection_id, _att.attachment_id, _att.data)
        .where(
            _att.company_id == company_id,
            _att.data_type == data_type,
            _att.record_id == record_id,
        )
        .order_by(_att.modified_date.desc(), _att.attachment_id)
    ).all()
    for connection_id, attachment_id, data in candidates:
        if _is_pdf(data):
            return download(session, connection_id, data_type, record_id, attachment_id)
    return None


def _is_pdf(data: Mapping[str, Any]) -> bool:
    content_type = data.get("contentType")
    if isinstance(content_type, str) and content_type.strip():
        return content_type.split(";")[0].strip().lower() == "application/pdf"
    name = data.get("name")
    return isinstance(name, str) and name.lower().endswith(".pdf")
