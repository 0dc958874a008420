"""Which real servers the suite can reach, and the record of tests skipped for lack of one.

``make test`` passes on a machine without PostgreSQL or Redis and says plainly which
server tests it skipped; ``.ci/run`` sets ``LEDGERPORT_REQUIRE_SERVERS=1`` so that any
such skip fails the run.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections import Counter
from typing import NoReturn

import psycopg
import pytest

PG_HOST = os.environ.get("LEDGERPORT_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("LEDGERPORT_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("LEDGERPORT_TEST_PG_USER", "postgres")
PG_NAME = f"PostgreSQL server at {PG_HOST}:{PG_PORT}"

REDIS_URL = os.environ.get("LEDGERPORT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
REDIS_NAME = f"Redis server at {REDIS_URL.rsplit('/', 1)[0].removeprefix('redis://')}"

CHROMIUM_PATH = os.environ.get("LEDGERPORT_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_NAME = f"Chromium browser at {CHROMIUM_PATH}"

# Tests skipped per unreachable server, counted from the test reports (conftest.py), so
# the count is right under pytest-xdist too: workers' reports reach the controller.
skipped: Counter[str] = Counter()
UNREACHABLE = " is not reachable"


def skip_unreachable(server: str) -> NoReturn:
    """Skip this test because ``server`` (PG_NAME, REDIS_NAME) cannot be reached."""
    pytest.skip(f"{server}{UNREACHABLE}")


def unreachable_server(reason: str) -> str | None:
    """The server a skip's reason names as unreachable, if it is one of ours."""
    return next(
        (s for s in (PG_NAME, REDIS_NAME, CHROMIUM_NAME) if f"{s}{UNREACHABLE}" in reason),
        None,
    )


def chromium_available() -> bool:
    """Debian's chromium, which `make test` installs (Playwright downloads nothing)."""
    return os.access(CHROMIUM_PATH, os.X_OK)


def require_servers() -> bool:
    return os.environ.get("LEDGERPORT_REQUIRE_SERVERS") == "1"


@functools.cache
def postgres_available() -> bool:
    try:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3
        ):
            return True
    except psycopg.OperationalError:
        return False


def create_pg_database() -> tuple[str, str]:
    """Create a uniquely named database; return (name, SQLAlchemy URL)."""
    name = f"ledgerport_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def drop_pg_database(name: str) -> None:
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@functools.cache
def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False
