"""What clients wrote, kept in memory over the generated books, and the merged view
every read sees.

A record written through the API (created, updated, or touched by a payment applied
to it) is kept whole here, with its own SyncToken and ``MetaData.LastUpdatedTime``,
and from then on replaces the generated one: it stops following the generator (a
draft the business would later approve or delete stays as written). A deleted record
leaves a tombstone, seen only by change data capture. ``requestid`` answers are kept
per realm so a retried write returns the first answer instead of writing twice."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from ledgerport.simulators.qbo.entities import API_NUMBERS_START, qbo_id
from ledgerport.simulators.qbo.generated import File, Generated, Tombstone
from ledgerport.simulators.qbo.mapping.common import Json


@dataclass(frozen=True)
class Replay:
    status: int
    body: Json


@dataclass
class Overlay:
    """Every write since the simulator started (forgotten on restart)."""

    records: dict[tuple[str, str], Json] = field(default_factory=dict)
    created: dict[str, list[str]] = field(default_factory=dict)  # entity -> ids, in order
    tombstones: dict[tuple[str, str], datetime] = field(default_factory=dict)
    files: dict[str, File] = field(default_factory=dict)
    replays: dict[tuple[str, str], Replay] = field(default_factory=dict)
    next_number: int = API_NUMBERS_START
    lock: threading.RLock = field(default_factory=threading.RLock)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write at a time: checks and changes are made under the lock together."""
        with self.lock:
            yield

    def new_id(self, entity: str) -> str:
        with self.lock:
            self.next_number += 1
            return qbo_id(entity, self.next_number)

    def put(self, entity: str, record: Json, *, created: bool = False) -> None:
        with self.lock:
            key = (entity, record["Id"])
            self.records[key] = record
            self.tombstones.pop(key, None)
            if created:
                self.created.setdefault(entity, []).append(record["Id"])

    def delete(self, entity: str, object_id: str, at: datetime) -> None:
        with self.lock:
            self.records.pop((entity, object_id), None)
            self.tombstones[(entity, object_id)] = at


class Ledger:
    """The generated books at the clock's hour with every write laid over them."""

    def __init__(self, generated: Generated, overlay: Overlay) -> None:
        self.generated, self.overlay = generated, overlay

    def records(self, entity: str) -> list[Json]:
        """Every live record of an entity: the generated ones in order (written ones in
        their place), then those created through the API."""
        o = self.overlay
        with o.lock:
            out = [
                o.records.get((entity, r["Id"]), r)
                for r in self.generated.records(entity)
                if (entity, r["Id"]) not in o.tombstones
            ]
            out += [
                o.records[(entity, i)]
                for i in o.created.get(entity, ())
                if (entity, i) in o.records
            ]
        return out

    def get(self, entity: str, object_id: str) -> Json | None:
        """A live record (None: never existed, or deleted)."""
        o = self.overlay
        with o.lock:
            key = (entity, object_id)
            if key in o.tombstones:
                return None
            if key in o.records:
                return o.records[key]
        return self.generated.get(entity, object_id)

    def editable(self, entity: str, object_id: str) -> Json | None:
        """A deep copy of a live record, to change and ``put`` back."""
        found = self.get(entity, object_id)
        return None if found is None else copy.deepcopy(found)

    def tombstones(self) -> list[Tombstone]:
        o = self.overlay
        with o.lock:
            generated = [
                t
                for t in self.generated.tombstones()
                if (t.entity, t.id) not in o.records and (t.entity, t.id) not in o.tombstones
            ]
            written = [Tombstone(e, i, at) for (e, i), at in o.tombstones.items()]
        return generated + written

    def file(self, object_id: str) -> File | None:
        if self.get("Attachable", object_id) is None:
            return None
        with self.overlay.lock:
            uploaded = self.overlay.files.get(object_id)
        return uploaded if uploaded is not None else self.generated.file(object_id)
