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
