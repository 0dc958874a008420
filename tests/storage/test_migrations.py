"""Migrations run forward and backward on both engines, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from ledgerport.storage.migrate import downgrade, upgrade
from ledgerport.storage.tables import Base


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(backend: str, tmp_path) -> None:
    if backend != "sqlite":
        # PostgreSQL's database is shared by the session; its round trip runs below on a
        # database of its own.
        from tests import servers

        name, url = servers.create_pg_database()
        try:
            _round_trip(url)
        finally:
            servers.drop_pg_database(name)
        return
    _round_trip(f"sqlite:///{tmp_path / 'm.db'}")


def _round_trip(url: str) -> None:
    from ledgerport.storage.db import make_engine

    upgrade(url)
    downgrade(url, "base")
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    try:
        assert {"companies", "connections", "api_keys"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0006_fills_the_indexed_fields_of_records_already_stored(backend: str, tmp_path) -> None:
    """Records stored before migration 0006 get their indexed copies (in chunks of a
    thousand), the same as the store writes for new records."""
    if backend == "sqlite":
        _backfill_check(f"sqlite:///{tmp_path / 'b.db'}")
        return
    from tests import servers

    name, url = servers.create_pg_database()
    try:
        _backfill_check(url)
    finally:
        servers.drop_pg_database(name)


def _backfill_check(url: str) -> None:
    import uuid
    from datetime import UTC, datetime

    from sqlalchemy import Boolean, MetaData, String, Table, Uuid, select
    from sqlalchemy import Column as C
    from sqlalchemy.orm import Session

    from ledgerport.storage.db import make_engine
    from ledgerport.storage.indexed_fields import extract
    from ledgerport.storage.tables import CompanyRow, ConnectionRow, RecordRow
    from ledgerport.storage.types import UTCDateTime, json_type

    upgrade(url, "0005")
    engine = make_engine(url)
    old = Table(  # the records table as 0003 made it
        "records",
        MetaData(),
        C("connection_id", Uuid),
        C("data_type", String),
        C("record_id", String),
        C("company_id", Uuid),
        C("data", json_type()),
        C("content_hash", String),
        C("modified_date", UTCDateTime),
        C("is_deleted", Boolean),
    )
    company, connection = uuid.uuid4(), uuid.uuid4()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    documents = [
        {
            "id": f"inv-{n:04d}",
            "status": "Paid" if n % 2 else "Submitted",
            "customerRef": {"id": f"c{n % 7}", "companyName": f"Customer {n % 7}"},
            "issueDate": f"2025-0{1 + n % 9}-01T00:00:00",
            "totalAmount": n / 4,
        }
        for n in range(2_500)
    ]
    try:
        with Session(engine) as session, session.begin():
            session.add(
                CompanyRow(
                    id=company,
                    name="Old",
                    tags={},
                    products=[],
                    created=now,
                    link_nonce="n",
                    connections=[
                        ConnectionRow(
                            id=connection,
                            platform_key="mqjo",
                            status="Linked",
                            created=now,
                            link_nonce="n",
                            link_issued_at=now,
                            errors=[],
                        )
                    ],
                )
            )
        with engine.begin() as conn:
            conn.execute(
                old.insert(),
                [
                    {
                        "connection_id": connection,
                        "data_type": "invoices",
                        "record_id": doc["id"],
                        "company_id": company,
                        "data": doc,
                        "content_hash": "h",
                        "modified_date": now,
                        "is_deleted": False,
                    }
                    for doc in documents
                ],
            )
    finally:
        engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    RecordRow.record_id,
                    RecordRow.f_name,
                    RecordRow.f_status,
                    RecordRow.f_date,
                    RecordRow.f_ref_id,
                ).order_by(RecordRow.record_id)
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == len(documents)
    for (record_id, name, status, date, ref), doc in zip(rows, documents, strict=True):
        want = extract("invoices", doc)
        assert record_id == doc["id"]
        assert (name, status, ref) == (want["f_name"], want["f_status"], want["f_ref_id"])
        assert date == want["f_date"]
