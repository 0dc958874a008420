"""Attachments in the pull engine: fetched only for records a pull created or changed,
through the same retries as pages, replaced whole, and rolled back with a failed pull."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import SecretStr

from ledgerport.config import Settings
from ledgerport.connectors.errors import FatalError, RateLimitedError, TransientError
from ledgerport.connectors.paging import PageNumber
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.spec import (
    Branding,
    Connector,
    NoAuth,
    ReadStream,
    SourceAttachment,
)
from ledgerport.domain.enums import ConnectionStatus, DataType, SourceType
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import make_engine, make_sessionmaker, transaction
from ledgerport.storage.repositories import attachments, pulls
from ledgerport.storage.tables import PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine
from ledgerport.sync.retry import RetryPolicy
from tests.conformance.codat_schema import errors
from tests.factories import platform
from tests.sync.test_engine import FakePlatform
from tests.sync.test_engine import to_standard as invoice_to_standard

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def pdf(name: str, body: bytes, *, file_id: str | None = None) -> SourceAttachment:
    return SourceAttachment(
        id=file_id or name,
        name=name,
        content_type="application/pdf",
        content=body,
        date_created=T0,
        source_modified_date=T0,
        include_when_sent=True,
    )


@dataclass
class FilingPlatform(FakePlatform):
    """The fake platform's invoices, each with files; every attachment call recorded."""

    files: dict[str, list[SourceAttachment]] = field(default_factory=dict)
    attachment_calls: list[str] = field(default_factory=list)
    attachment_failures: dict[str, list[Exception]] = field(default_factory=dict)

    def attachments(self, stream: ReadStream, record_id: str) -> list[SourceAttachment]:
        assert stream.data_type is DataType.INVOICES
        self.attachment_calls.append(record_id)
        pending = self.attachment_failures.get(record_id)
        if pending:
            raise pending.pop(0)
        return list(self.files.get(record_id, []))


@dataclass
class PagesOnly:
    """A reader that cannot list files, on a stream that says it has them."""

    inner: FilingPlatform

    def fetch(self, stream: ReadStream, params: Mapping[str, str], since: datetime | None) -> Any:
        return self.inner.fetch(stream, params, since)


def to_standard(raw: Mapping[str, Any]) -> dict[str, Any]:
    document = invoice_to_standard(raw)
    if raw.get("Deleted"):
        document["metadata"] = {"isDeleted": True}
    return document


def connector(fake: Any, *, incremental: bool = True, attachments_on: bool = True) -> Connector:
    return Connector(
        key="tstf",
        name="Filing Platform",
        source_type=SourceType.ACCOUNTING,
        auth=NoAuth(),
        branding=Branding("#000", "F"),
        reads=(
            ReadStream(
                DataType.INVOICES,
                to_standard,
                PageNumber(size=2),
                incremental=incremental,
                attachments=attachments_on,
            ),
        ),
        reader=lambda _ctx: fake,
    )


@pytest.fixture
def fake() -> FilingPlatform:
    invoices = {
        f"i{n}": {"ID": f"i{n}", "Customer": "Acme", "Total": 10 * n, "Updated": T0}
        for n in range(1, 6)
    }
    return FilingPlatform(
        invoices=invoices,
        files={
            "i1": [pdf("INV-1.pdf", b"%PDF-1 one"), pdf("receipt.png", b"\x89PNG one")],
            "i2": [pdf("INV-2.pdf", b"%PDF-1 two")],
            "i4": [pdf("INV-4.pdf", b"\x00\x01\x02 binary \xff")],
        },
    )


@pytest.fixture
def world(database_url: str, tmp_path: Path, fake: FilingPlatform) -> Iterator[dict[str, Any]]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=SecretStr("e"))
    engine = make_engine(database_url)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        connectors=ConnectorRegistry([connector(fake)]),
        secret=b"e",
    )
    company = platform.company(services, connections=(("tstf", ConnectionStatus.LINKED),))
    yield {
        "services": services,
        "company": company,
        "fake": fake,
        "engine": Engine(
            services, sleep=lambda _s: None, policy=RetryPolicy(max_attempts=3, max_elapsed=1e4)
        ),
    }
    engine.dispose()


def pull(world: dict[str, Any]) -> PullOperationRow:
    services, company = world["services"], world["company"]
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(session, company.id, company.connections[0].id, "invoices", utcnow())
    world["engine"].run(row.id)
    with services.sessions() as session:
        result = session.get(PullOperationRow, row.id)
        assert result is not None
        return result


def files(world: dict[str, Any], record_id: str) -> dict[str, tuple[dict[str, Any], bytes]]:
    """The record's stored files: id → (metadata, bytes)."""
    services, connection = world["services"], world["company"].connections[0]
    found: dict[str, tuple[dict[str, Any], bytes]] = {}
    with services.sessions() as session:
        for text in attachments.list_text(session, connection.id, "invoices", record_id):
            document = orjson.loads(text)
            file = attachments.download(
                session, connection.id, "invoices", record_id, document["id"]
            )
            assert file is not None
            found[document["id"]] = (document, file.content)
    return found


def touch(fake: FilingPlatform, record_id: str, total: int) -> None:
    fake.invoices[record_id] = {**fake.invoices[record_id], "Total": total, "Updated": utcnow()}


def test_a_first_pull_stores_the_files_of_every_record(world: dict[str, Any]) -> None:
    fake = world["fake"]
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    assert sorted(fake.attachment_calls) == ["i1", "i2", "i3", "i4", "i5"]
    audit = result.audit
    assert audit["attachment_calls"] == 5
    assert audit["calls"] == 3 + 5  # three pages, five file lists
    assert audit["attachments_stored"] == 4
    stored_bytes = sum(len(f.content) for listed in fake.files.values() for f in listed)
    assert audit["attachment_bytes"] == stored_bytes

    i1 = files(world, "i1")
    assert sorted(i1) == ["INV-1.pdf", "receipt.png"]
    metadata, content = i1["INV-1.pdf"]
    assert content == b"%PDF-1 one"
    assert metadata["fileSize"] == len(b"%PDF-1 one")
    assert metadata["contentType"] == "application/pdf"
    assert metadata["includeWhenSent"] is True
    assert metadata["dateCreated"] == "2026-01-01T00:00:00Z"
    assert metadata["modifiedDate"].endswith("Z")
    assert errors(metadata, "Attachment", spec="accounting") == []
    assert files(world, "i4")["INV-4.pdf"][1] == b"\x00\x01\x02 binary \xff"
    assert files(world, "i3") == {}


def test_unchanged_records_cost_no_attachment_calls(world: dict[str, Any]) -> None:
    fake = world["fake"]
    world["services"].connectors._by_key["tstf"] = connector(fake, incremental=False)
    pull(world)
    fake.attachment_calls.clear()
    again = pull(world)  # a full pull: every record fetched, none changed
    assert again.status == PullStatus.COMPLETE
    assert again.audit["unchanged"] == 5
    assert fake.attachment_calls == []
    assert again.audit["attachment_calls"] == 0
    assert again.audit["calls"] == 3

    touch(fake, "i2", 999)
    changed = pull(world)
    assert fake.attachment_calls == ["i2"]
    assert (changed.audit["changed"], changed.audit["attachment_calls"]) == (1, 1)
    assert changed.audit["attachments_stored"] == 0  # same file as before: not rewritten


def test_an_incremental_pull_asks_only_about_what_changed(world: dict[str, Any]) -> None:
    fake = world["fake"]
    pull(world)
    fake.attachment_calls.clear()
    touch(fake, "i3", 333)
    fake.files["i3"] = [pdf("INV-3.pdf", b"%PDF-1 three")]
    result = pull(world)
    assert result.audit["mode"] == "incremental"
    assert fake.attachment_calls == ["i3"]
    assert files(world, "i3")["INV-3.pdf"][1] == b"%PDF-1 three"


def test_files_are_replaced_whole(world: dict[str, Any]) -> None:
    fake = world["fake"]
    pull(world)
    before = files(world, "i1")
    touch(fake, "i1", 11)
    fake.files["i1"] = [  # receipt.png is gone from the platform
        pdf("INV-1.pdf", b"%PDF-1 one, reissued"),  # changed bytes
        SourceAttachment(  # new, with nothing but the essentials
            id="note.txt", name="note.txt", content_type="text/plain", content=b"a new file"
        ),
    ]
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    after = files(world, "i1")
    assert sorted(after) == ["INV-1.pdf", "note.txt"]
    assert after["INV-1.pdf"][1] == b"%PDF-1 one, reissued"
    assert after["INV-1.pdf"][0]["fileSize"] == len(b"%PDF-1 one, reissued")
    assert after["INV-1.pdf"][0]["modifiedDate"] > before["INV-1.pdf"][0]["modifiedDate"]
    assert after["note.txt"][0]["contentType"] == "text/plain"
    assert "dateCreated" not in after["note.txt"][0]  # unknown: left out, never null
    assert errors(after["note.txt"][0], "Attachment", spec="accounting") == []
    assert result.audit["attachments_stored"] == 2
    assert result.audit["attachment_bytes"] == len(b"%PDF-1 one, reissued") + len(b"a new file")

    # The same files again, on a changed record: nothing rewritten, dates kept.
    touch(fake, "i1", 12)
    assert pull(world).audit["attachments_stored"] == 0
    assert files(world, "i1") == after

    touch(fake, "i1", 13)
    fake.files["i1"] = []
    pull(world)
    assert files(world, "i1") == {}


def test_a_failed_pull_keeps_the_old_files(world: dict[str, Any]) -> None:
    fake = world["fake"]
    pull(world)
    before = {record_id: files(world, record_id) for record_id in fake.invoices}
    for record_id in fake.invoices:
        touch(fake, record_id, 1)
    fake.files = {"i1": [pdf("other.pdf", b"replacement")], "i2": []}
    fake.fail_on_page[3] = FatalError("the platform returned an unreadable page")
    result = pull(world)  # i1..i4 and their files are written, then page 3 fails
    assert result.status == PullStatus.FETCH_ERROR
    assert sorted(fake.attachment_calls[-4:]) == ["i1", "i2", "i3", "i4"]
    assert {record_id: files(world, record_id) for record_id in fake.invoices} == before


def test_a_failing_attachment_call_fails_the_pull_and_keeps_everything(
    world: dict[str, Any],
) -> None:
    fake = world["fake"]
    pull(world)
    before = files(world, "i2")
    touch(fake, "i1", 7)
    touch(fake, "i2", 8)
    fake.files["i1"] = []
    fake.attachment_failures["i2"] = [FatalError("attachment 2 is unreadable")]
    result = pull(world)
    assert result.status == PullStatus.FETCH_ERROR
    assert "attachment 2 is unreadable" in (result.error_message or "")
    assert files(world, "i2") == before
    assert sorted(files(world, "i1")) == ["INV-1.pdf", "receipt.png"]  # rolled back too


def test_attachment_calls_are_retried_like_pages(world: dict[str, Any]) -> None:
    fake = world["fake"]
    fake.attachment_failures["i2"] = [
        TransientError("502"),
        RateLimitedError("429", retry_after=3),
    ]
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    assert result.audit["retries"] == 2
    assert result.audit["attachment_calls"] == 5 + 2
    assert result.audit["waits_seconds"] >= 3
    assert files(world, "i2")["INV-2.pdf"][1] == b"%PDF-1 two"

    fake.attachment_failures["i2"] = [TransientError("500")] * 5
    touch(fake, "i2", 2)
    failed = pull(world)
    assert failed.status == PullStatus.FETCH_ERROR
    assert (failed.error_message or "").startswith("Gave up after 3 attempts")
    assert failed.audit["attachment_calls"] == 3


def test_streams_or_readers_without_files_are_left_alone(world: dict[str, Any]) -> None:
    fake = world["fake"]
    world["services"].connectors._by_key["tstf"] = connector(fake, attachments_on=False)
    assert pull(world).audit["attachment_calls"] == 0
    world["services"].connectors._by_key["tstf"] = connector(PagesOnly(fake))
    touch(fake, "i1", 5)
    result = pull(world)
    assert result.status == PullStatus.COMPLETE
    assert result.audit["attachment_calls"] == 0
    assert fake.attachment_calls == []
    assert files(world, "i1") == {}


def test_records_flagged_deleted_keep_their_last_files(world: dict[str, Any]) -> None:
    fake = world["fake"]
    pull(world)
    fake.attachment_calls.clear()
    fake.invoices["i2"] = {**fake.invoices["i2"], "Deleted": True, "Updated": utcnow()}
    fake.files["i2"] = []
    result = pull(world)
    assert result.audit["changed"] == 1
    assert fake.attachment_calls == []
    assert sorted(files(world, "i2")) == ["INV-2.pdf"]


@pytest.mark.parametrize(
    "source",
    [
        SourceAttachment(id="a", name="a.pdf", content_type="application/pdf", content=b"%PDF-"),
        SourceAttachment(
            id="b",
            name="b.txt",
            content_type="text/plain",
            content=b"x" * 10,
            date_created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            source_modified_date=datetime(2026, 1, 2, 3, 4, 5, 123000),
            include_when_sent=True,
        ),
    ],
)
def test_a_stored_file_is_described_exactly_as_the_model_dumps_it(
    source: SourceAttachment,
) -> None:
    from ledgerport.domain.accounting.attachments import Attachment
    from ledgerport.sync.engine import stored_file

    expected = Attachment(
        id=source.id,
        name=source.name,
        contentType=source.content_type,
        dateCreated=source.date_created,
        fileSize=len(source.content),
        includeWhenSent=source.include_when_sent,
        sourceModifiedDate=source.source_modified_date,
    ).model_dump(mode="json")
    expected.pop("modifiedDate", None)  # the store stamps it
    assert stored_file(source).document == expected
