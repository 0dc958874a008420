"""Shared fixtures: real databases (SQLite and PostgreSQL), never mocks.

``backend`` is parametrized over both engines. SQLite gets a fresh migrated file per
test; PostgreSQL gets one migrated database per test session (per xdist worker) whose
tables are emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr
from sqlalchemy import Engine, text

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.services import Services
from ledgerport.storage.db import make_engine
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.tables import Base
from tests import servers
from tests.factories import platform

# CI runs the property tests on a fixed sequence of examples, so a submission's result
# does not depend on the draw; local runs keep exploring new examples every time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if not servers.postgres_available():
        servers.skip_unreachable(servers.PG_NAME)
    name, url = servers.create_pg_database()
    upgrade(url)
    try:
        yield url
    finally:
        servers.drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql" and not servers.postgres_available():
        servers.skip_unreachable(servers.PG_NAME)
    return name


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated, empty database on the parametrized backend."""
    if backend == "sqlite":
        url = f"sqlite:///{(tmp_path / 'test.db').as_posix()}"
        upgrade(url)
        yield url
        return
    url = request.getfixturevalue("pg_url")
    yield url
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


# -- the app, on the parametrized backend -------------------------------------------


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key=SecretStr("test-secret-key-not-for-production"),
        base_url="http://testserver",
        jobs_in_process=False,  # job tests start their own consumers
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services.build(settings)
    yield built
    built.close()


@pytest.fixture
def app_client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=services)) as client:
        yield client


@pytest.fixture
def api_key(services: Services) -> str:
    return platform.api_key(services)


@pytest.fixture
def client(app_client: TestClient, api_key: str) -> TestClient:
    """An authenticated client."""
    app_client.headers.update(platform.basic(api_key))
    return app_client


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count skips for an unreachable server (runs in the controller under xdist)."""
    if report.skipped and isinstance(report.longrepr, tuple):
        server = servers.unreachable_server(str(report.longrepr[2]))
        if server is not None:
            servers.skipped[server] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if servers.skipped:
        terminalreporter.section("server tests skipped")
        for server, count in sorted(servers.skipped.items()):
            terminalreporter.write_line(
                f"SKIPPED {count} test(s) that need {server}: server not reachable"
            )
        if servers.require_servers():
            terminalreporter.write_line(
                "LEDGERPORT_REQUIRE_SERVERS=1: failing the run because server tests were skipped"
            )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if servers.skipped and servers.require_servers() and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
