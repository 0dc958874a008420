"""The records store: batched, change-detecting writes and pass-through reads.

Writes take Codat-shaped documents from the pull engine. A document whose content
(everything but ``modifiedDate``) is unchanged is left alone, so ``modifiedDate`` means
"when we last changed it" and ``modifiedDate>=X`` finds exactly what changed. Reads
return the stored JSON text untouched, for the API to splice into its envelope.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, Table, Text, and_, bindparam, cast, func, select, update
from sqlalchemy.orm import Session

from ledgerport.domain.dates import to_codat
from ledgerport.storage import bulk
from ledgerport.storage.indexed_fields import extract, paths_for
from ledgerport.storage.repositories import totals
from ledgerport.storage.tables import CompanyRow, DatasetRow, RecordRow

_RECORDS: Table = RecordRow.__table__  # type: ignore[assignment]
_rec = _RECORDS.c


def _serialized(document: Mapping[str, Any]) -> tuple[str, bytes]:
    """The document's content (without the timestamp we ourselves maintain) as JSON
    with sorted keys, and its hash: the same content always hashes the same, whatever
    order a platform sends its fields in."""
    content = document
    if "modifiedDate" in document:
        content = {k: v for k, v in document.items() if k != "modifiedDate"}
    body = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(body, digest_size=16).hexdigest(), body


def content_hash(document: Mapping[str, Any]) -> str:
    """Hash of a document's content, ignoring the timestamp we ourselves maintain."""
    return _serialized(document)[0]


def _stamped(body: bytes, stamp: str) -> bulk.RawJSON:
    """The stored document: the serialized content with ``modifiedDate`` put first,
    spliced in rather than serializing the whole document a second time."""
    head = b'{"modifiedDate":' + orjson.dumps(stamp)
    return bulk.RawJSON((head + (b"}" if body == b"{}" else b"," + body[1:])).decode())


def to_milliseconds(now: datetime) -> datetime:
    """``modifiedDate`` is kept to the millisecond, the precision queries compare
    instants at, so ``modifiedDate>X`` means the same read from the JSON or the column."""
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def stored_hashes(
    session: Session, connection_id: uuid.UUID, data_type: str, record_ids: Sequence[str]
) -> dict[str, str]:
    """The content hash of each of these records we hold (read only): what a pull
    compares with ``content_hash`` to know, before writing, which records will change."""
    found: dict[str, str] = {}
    for start in range(0, len(record_ids), 500):
        chunk = list(record_ids[start : start + 500])
        found.update(
            session.execute(
                select(_rec.record_id, _rec.content_hash).where(
                    _rec.connection_id == connection_id,
                    _rec.data_type == data_type,
                    _rec.record_id.in_(chunk),
                )
            ).all()
        )
    return found


@dataclass
class BatchResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    # Which records were written: the pull fetches their attachments, and only theirs.
    created_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    # Every document's content hash, in the order given (the pull's audit digests them).
    hashes: list[str] = field(default_factory=list)


def save_batch(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    documents: Sequence[Mapping[str, Any]],
    now: datetime,
    known_new: bool = False,
    buffer: bulk.BufferedInserts | None = None,
) -> BatchResult:
    """Insert new documents and replace changed ones (by their ``id``), in the caller's
    transaction: two statements and one round of writes per batch, whatever its size.
    ``known_new``: the caller knows none of these ids is stored (a first pull), so the
    lookup of existing hashes is skipped. With ``buffer``, new rows are held there to be
    written with others (see :class:`~ledgerport.storage.bulk.BufferedInserts`). A
    document repeated in the batch counts once, its last version kept (a platform's
    page can repeat a record that changed while being paged)."""
    result = BatchResult()
    if not documents:
        return result
    latest = {str(doc["id"]): doc for doc in documents}
    if len(latest) < len(documents):
        documents = list(latest.values())
    ids = list(latest)
    existing: dict[str, str] = {}
    if not known_new:
        if buffer is not None:
            buffer.flush()  # held rows must be visible to the lookup
        existing = dict(
            session.execute(
                select(_rec.record_id, _rec.content_hash).where(
                    _rec.connection_id == connection_id,
                    _rec.data_type == data_type,
                    _rec.record_id.in_(ids),
                )
            ).all()
        )
    now = to_milliseconds(now)
    stamp = to_codat(now)
    assert stamp is not None
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for record_id, document in zip(ids, documents, strict=True):
        digest, body = _serialized(document)
        result.hashes.append(digest)
        known = existing.get(record_id)
        if known == digest:
            result.unchanged += 1
            continue
        row = {
            "connection_id": connection_id,
            "data_type": data_type,
            "record_id": record_id,
            "company_id": company_id,
            "content_hash": digest,
            "modified_date": now,
            "is_deleted": is_deleted(document),
            **extract(data_type, document),
        }
        if known is None:
            row["data"] = _stamped(body, stamp)
            inserts.append(row)
            result.created += 1
            result.created_ids.append(record_id)
        else:
            row["data"] = {**document, "modifiedDate": stamp}
            updates.append(row)
            result.changed += 1
            result.changed_ids.append(record_id)
    if buffer is not None:
        buffer.add(_RECORDS, inserts)
    elif inserts:
        bulk.insert_rows(session.connection(), _RECORDS, inserts)
    if updates:
        _update_by_key(session, updates)
    return result


def is_deleted(document: Mapping[str, Any]) -> bool:
    """Whether a Codat-shaped document says the platform deleted it."""
    metadata = document.get("metadata")
    return isinstance(metadata, Mapping) and metadata.get("isDeleted") is True


def _update_by_key(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE for a batch of changed records, matched on the primary
    key each dict carries (SQLAlchemy's bulk UPDATE by primary key); the other keys of
    the dicts are the columns set."""
    session.execute(update(RecordRow).execution_options(synchronize_session=False), rows)


def mark_dataset(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    now: datetime,
) -> None:
    """Record that the data type has been pulled for the connection (reads stop being 409)."""
    row = session.get(DatasetRow, (connection_id, data_type))
    count = (
        session.scalar(
            select(func.count())
            .select_from(RecordRow)
            .where(RecordRow.connection_id == connection_id, RecordRow.data_type == data_type)
        )
        or 0
    )
    if row is None:
        session.add(
            DatasetRow(
                connection_id=connection_id,
                data_type=data_type,
                company_id=company_id,
                last_pulled=now,
                record_count=count,
            )
        )
    else:
        row.last_pulled, row.record_count = now, count
    session.flush()


def has_dataset(
    session: Session, company_id: uuid.UUID, data_type: str, connection_id: uuid.UUID | None = None
) -> bool:
    condition = and_(DatasetRow.company_id == company_id, DatasetRow.data_type == data_type)
    if connection_id is not None:
        condition = and_(condition, DatasetRow.connection_id == connection_id)
    return session.scalar(select(DatasetRow.data_type).where(condition).limit(1)) is not None


@dataclass(frozen=True)
class CompanyDatasets:
    """What a company-wide page read needs to know before it reads: whether the company
    exists, whether the data type was pulled for it, on which connections, and how many
    records they hold."""

    found: bool
    connections: tuple[uuid.UUID, ...] = ()
    total: int = 0

    @property
    def pulled(self) -> bool:
        return bool(self.connections)


def company_datasets(session: Session, company_id: uuid.UUID, data_type: str) -> CompanyDatasets:
    """One statement for the checks every company-wide page read makes."""
    rows = session.execute(_COMPANY_DATASETS, {"company": company_id, "data_type": data_type}).all()
    if not rows:
        return CompanyDatasets(found=False)
    pulled = [(connection, count) for _, connection, count in rows if connection is not None]
    return CompanyDatasets(
        found=True,
        connections=tuple(connection for connection, _ in pulled),
        total=sum(count for _, count in pulled),
    )


# Built once: run on every company-wide page read, not rebuilt per request.
_COMPANY_DATASETS = (
    select(CompanyRow.id, DatasetRow.connection_id, DatasetRow.record_count)
    .outerjoin(
        DatasetRow,
        and_(
            DatasetRow.company_id == CompanyRow.id,
            DatasetRow.data_type == bindparam("data_type"),
        ),
    )
    .where(CompanyRow.id == bindparam("company"))
)


def dataset_count(session: Session, connection_id: uuid.UUID, data_type: str) -> int | None:
    """How many records the connection holds of this type, as its last pull counted them,
    or None if the type was never pulled there (a connection-scoped list's 409, and
    its unfiltered ``totalResults`` without counting every row)."""
    row = session.get(DatasetRow, (connection_id, data_type))
    return row.record_count if row is not None else None


def indexed_columns(data_type: str) -> dict[str, Any]:
    """JSON path → the column holding an indexed copy of it, for this data type's
    query resolver: the ``f_*`` slots, ``modifiedDate`` (kept to the millisecond in both
    places, see :func:`to_milliseconds`) and ``metadata.isDeleted`` (true/false only:
    see ``storage/query/compile.py``)."""
    columns: dict[str, Any] = {
        "modifiedDate": _rec.modified_date,
        # Every client filters on it (``metadata.isDeleted!=true``): the row's own flag.
        "metadata.isDeleted": _rec.is_deleted,
    }
    for path, slot in paths_for(data_type).items():
        columns[path] = _rec[slot.column]
    return columns


def scope(
    company_id: uuid.UUID, data_type: str, connection_id: uuid.UUID | None = None
) -> Select[Any]:
    """The select the API filters, orders and pages: one company's records of one type."""
    stmt = select(RecordRow).where(_rec.company_id == company_id, _rec.data_type == data_type)
    if connection_id is not None:
        stmt = stmt.where(_rec.connection_id == connection_id)
    return stmt


def page_order(*, ordered: bool) -> tuple[Any, ...]:
    """What pages are ordered by after the client's ``orderBy`` (a unique tiebreak, so
    paging is stable), or instead of it: the order of last change. Both are the tail of
    every records index, so a page is sorted from an index, not from the rows."""
    key = (_rec.record_id, _rec.connection_id)
    return key if ordered else (_rec.modified_date, *key)


def page_text(
    session: Session,
    filtered: Select[Any],
    *,
    offset: int,
    limit: int,
    known_total: int | None = None,
    only: tuple[uuid.UUID, str] | None = None,
) -> tuple[list[str], int]:
    """The documents of one page as stored JSON text, and the filtered total (counted,
    unless the caller knows it: see :func:`dataset_count`).

    Two steps: the page's keys (filtered, ordered, offset: a sort of small rows, often
    answered from an index alone), then those rows' documents by primary key. Sorting
    whole documents to keep 100 of them costs far more than sorting their keys. When
    the caller knows every row comes from one (connection, data type), ``only``, the
    keys are just the record ids."""
    total = known_total if known_total is not None else totals.total(session, filtered)
    if offset >= total:
        return [], total
    connection = session.connection()
    if only is not None:
        ids = list(
            connection.execute(
                filtered.with_only_columns(_rec.record_id).offset(offset).limit(limit)
            ).scalars()
        )
        documents: dict[str, str] = dict(
            connection.execute(
                _DOCUMENTS, {"connection": only[0], "data_type": only[1], "ids": ids}
            ).all()
        )
        return [documents[record_id] for record_id in ids], total
    keys = connection.execute(
        filtered.with_only_columns(_rec.connection_id, _rec.data_type, _rec.record_id)
        .offset(offset)
        .limit(limit)
    ).all()
    if not keys:
        return [], total
    # By primary key, one IN list per connection (a page almost always has one): a
    # row-value IN over all three columns is not an index seek on SQLite.
    groups: dict[tuple[Any, str], list[str]] = {}
    for connection_id, data_type, record_id in keys:
        groups.setdefault((connection_id, data_type), []).append(record_id)
    found: dict[tuple[Any, str, str], str] = {}
    for (connection_id, data_type), record_ids in groups.items():
        rows = connection.execute(
            _DOCUMENTS, {"connection": connection_id, "data_type": data_type, "ids": record_ids}
        ).all()  # one fetch for the page, not a driver call per row
        for record_id, data in rows:
            found[(connection_id, data_type, record_id)] = data
    return [found[(key[0], key[1], key[2])] for key in keys], total


_DOCUMENTS = select(_rec.record_id, cast(_rec.data, Text())).where(
    _rec.connection_id == bindparam("connection"),
    _rec.data_type == bindparam("data_type"),
    _rec.record_id.in_(bindparam("ids", expanding=True)),
)


def one_text(
    session: Session,
    company_id: uuid.UUID,
    data_type: str,
    record_id: str,
    connection_id: uuid.UUID | None = None,
) -> str | None:
    stmt = scope(company_id, data_type, connection_id).where(_rec.record_id == record_id)
    return (
        session.connection()
        .execute(stmt.with_only_columns(cast(_rec.data, Text())).limit(1))
        .scalar()
    )


def mark_missing_deleted(
    session: Session,
    *,
    connection_id: uuid.UUID,
    data_type: str,
    seen: set[str],
    now: datetime,
) -> int:
    """After a full pull: records the platform no longer returned are kept but flagged
    ``metadata.isDeleted`` (Codat's behaviour), with a new ``modifiedDate``."""
    current = (
        session.execute(
            select(_rec.record_id).where(
                _rec.connection_id == connection_id,
                _rec.data_type == data_type,
                _rec.is_deleted.is_(False),
            )
        )
        .scalars()
        .all()
    )
    missing = [record_id for record_id in current if record_id not in seen]
    return flag_deleted(
        session, connection_id=connection_id, data_type=data_type, record_ids=missing, now=now
    )


def flag_deleted(
    session: Session,
    *,
    connection_id: uuid.UUID,
    data_type: str,
    record_ids: Sequence[str],
    now: datetime,
) -> int:
    """Flag these records ``metadata.isDeleted`` (kept, as Codat keeps them), with a
    new ``modifiedDate``; returns how many were flagged now (records already flagged,
    or never held, are left alone)."""
    missing = list(record_ids)
    now = to_milliseconds(now)
    stamp = to_codat(now)
    count = 0
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        rows = session.execute(
            select(_rec.record_id, _rec.data).where(
                _rec.connection_id == connection_id,
                _rec.data_type == data_type,
                _rec.record_id.in_(chunk),
                _rec.is_deleted.is_(False),
            )
        ).all()
        flagged = []
        for record_id, data in rows:
            document = {**data, "metadata": {**(data.get("metadata") or {}), "isDeleted": True}}
            flagged.append(
                {
                    "connection_id": connection_id,
                    "data_type": data_type,
                    "record_id": record_id,
                    "data": {**document, "modifiedDate": stamp},
                    "content_hash": content_hash(document),
                    "modified_date": now,
                    "is_deleted": True,
                }
            )
        if flagged:
            _update_by_key(session, flagged)
            count += len(flagged)
    return count


def store_written(
    session: Session,
    *,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    data_type: str,
    document: Mapping[str, Any],
    now: datetime,
) -> None:
    """A record a push has just written, as the platform answered it, stored at once so
    reads see it before the next pull (Codat puts pushed records in its cache too; the
    next pull finds it unchanged, or corrects it). On a data type never pulled it is
    stored too (a bill created a moment ago can be paid at once), but the data set is
    not marked pulled: lists stay Codat's 409 until a real pull, which finds the record
    already there (see :func:`holds_any`)."""
    saved = save_batch(
        session,
        company_id=company_id,
        connection_id=connection_id,
        data_type=data_type,
        documents=[document],
        now=now,
    )
    dataset = session.get(DatasetRow, (connection_id, data_type))
    if dataset is not None:
        dataset.record_count += saved.created


def holds_any(session: Session, connection_id: uuid.UUID, data_type: str) -> bool:
    """Whether any record of this type is stored for the connection (a first pull may
    find records its connection's writes put there)."""
    return (
        session.execute(
            select(_rec.record_id)
            .where(_rec.connection_id == connection_id, _rec.data_type == data_type)
            .limit(1)
        ).first()
        is not None
    )
