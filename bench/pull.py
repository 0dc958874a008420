"""Benchmark: a full pull of a 100,000-invoice sandbox company, against a plain bulk
insert of the same rows into the same schema and indexes, on SQLite and PostgreSQL.

    .venv/bin/python bench/pull.py [--invoices 100000] [--small 10000]
        [--backends sqlite,postgresql] [--pg-admin-url URL]

For each backend and size, a fresh process: migrate a fresh database, link a sandbox
company of that many invoices, generate its books (not timed: that is the platform's
side), then time the pull engine reading every page and writing it (change detection,
indexed fields, one atomic transaction), and sample the process's RSS while it runs.
Then, into a second fresh database with the same migrations, the same stored rows (the
invoices and their PDF files) go in by the plainest fast path (SQLite: executemany in
one transaction; PostgreSQL: COPY), timed the same way. Prints records/s for both and
their ratio (goal >= 0.7): for the whole pull, and for "ours", the pull less the time
spent waiting on the platform (the audit's ``source_seconds``: the sandbox renders a
PDF per invoice, which a real platform would do on its side), and for "writes", that less
the data-quality checks that run after the pull has committed (the audit's
``validation.summary.seconds``). Also the pull's peak RSS
growth for each size (goal: flat, not growing with the pull).
PostgreSQL databases are created and dropped through ``--pg-admin-url``. Not part of
``make test``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import psycopg

from common import linked_company
from ledgerport.config import Settings
from ledgerport.connectors.spec import ReaderContext
from ledgerport.domain.enums import DataType
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.migrate import upgrade
from ledgerport.storage.repositories import pulls
from ledgerport.storage.tables import AttachmentRow, ConnectionRow, RecordRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine

PAGE_SIZE = 4096


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


class RssSampler:
    """Peak resident memory while a block runs, sampled every 20 ms."""

    def __init__(self) -> None:
        self.start = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def linked_sandbox(services: Services, invoices: int) -> ConnectionRow:
    return linked_company(
        services.sessions,
        "Bench pull company",
        connection_info={"sandbox": {"invoices": invoices, "customers": max(50, invoices // 50)}},
    )


Tables = dict[str, tuple[list[dict[str, Any]], list[str]]]


def stored_rows(services: Services, connection: ConnectionRow) -> Tables:
    """Every row the pull wrote (the invoices and their files), for the plain insert to
    write again: table name -> (rows, column names)."""
    tables: Tables = {}
    with services.sessions() as session:
        for table in (RecordRow.__table__, AttachmentRow.__table__):
            result = session.execute(
                table.select().where(table.c.connection_id == connection.id)  # type: ignore[attr-defined]
            )
            tables[table.name] = (  # type: ignore[attr-defined]
                [dict(row._mapping) for row in result],
                [c.name for c in table.columns],
            )
    return tables


def plain_insert(url: str, tables: Tables) -> float:
    """Seconds to bulk-insert the same rows into a freshly migrated database at ``url``."""
    upgrade(url)
    services = Services.build(Settings(database_url=url, data_dir=Path(tempfile.mkdtemp())))
    # The same company and connection ids: the foreign keys hold.
    sample = tables["records"][0][0]
    linked_company(
        services.sessions,
        "Plain insert",
        company_id=sample["company_id"],
        connection_id=sample["connection_id"],
    )
    dialect = services.engine.dialect.name
    # Timed: turning each row into what the driver takes (the document to JSON text,
    # ids and dates to their stored forms) and writing them all in one transaction.
    if dialect == "sqlite":
        raw = services.engine.raw_connection()
        started = time.perf_counter()
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        for name, (rows, columns) in tables.items():
            marks = ",".join("?" for _ in columns)
            insert_sql = f"INSERT INTO {name} ({','.join(columns)}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(
                insert_sql, [tuple(_sqlite_value(row[c]) for c in columns) for row in rows]
            )
        raw.commit()
        elapsed = time.perf_counter() - started
        raw.close()
    else:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            started = time.perf_counter()
            for name, (rows, columns) in tables.items():
                copy_sql = f"COPY {name} ({','.join(columns)}) FROM STDIN"
                with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(tuple(_pg_value(row[c]) for c in columns))
            conn.commit()
            elapsed = time.perf_counter() - started
    services.close()
    return elapsed


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if value is not None and type(value).__name__ == "Decimal":
        return float(value)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return value


def worker(url: str, invoices: int) -> dict[str, Any]:
    """One measured pull in this process (run by ``main`` in a fresh subprocess)."""
    upgrade(url)
    services = Services.build(Settings(database_url=url, data_dir=Path(tempfile.mkdtemp())))
    connection = linked_sandbox(services, invoices)
    connector = services.connectors.get("mqjo")
    assert connector is not None
    assert connector.reader is not None
    stream = connector.stream(DataType.INVOICES)
    assert stream is not None
    reader = connector.reader(
        ReaderContext(
            company_id=str(connection.company_id),
            connection_id=str(connection.id),
            connection_info=connection.connection_info or {},
        )
    )
    started = time.perf_counter()
    reader.fetch(stream, stream.paginator.first(), None)  # the books, generated and cached
    generated = time.perf_counter() - started
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(
            session, connection.company_id, connection.id, DataType.INVOICES.value, utcnow()
        )
    with RssSampler() as memory:
        started = time.perf_counter()
        status = Engine(services).run(row.id)
        elapsed = time.perf_counter() - started
    with services.sessions() as session:
        audit = dict(session.get(type(row), row.id).audit)  # type: ignore[union-attr]
    tables = stored_rows(services, connection)
    services.close()
    return {
        "status": status.value,
        "fetched": audit.get("fetched"),
        "pages": audit.get("pages"),
        "generated_s": generated,
        "pull_s": elapsed,
        "source_s": audit.get("source_seconds", 0.0),
        "checks_s": ((audit.get("validation") or {}).get("summary") or {}).get("seconds", 0.0),
        "attachments": audit.get("attachments_stored", 0),
        "rss_start_mb": memory.start / 2**20,
        "rss_growth_mb": (memory.peak - memory.start) / 2**20,
        "rows": len(tables["records"][0]),
        "files": len(tables["attachments"][0]),
        "_tables": tables,
    }


def run_worker(args: argparse.Namespace) -> None:
    result = worker(args.url, args.invoices)
    result["plain_s"] = plain_insert(args.plain_url, result.pop("_tables"))
    print(json.dumps(result))


def fresh_database(backend: str, tmp: Path, admin_url: str, label: str) -> tuple[str, Any]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / (label + '.db')}", None
    name = f"ledgerport_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}", name


def drop_database(admin_url: str, name: str | None) -> None:
    if name is None:
        return
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--plain-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args)
        return

    print(f"{'backend':<11}{'invoices':>9}{'pull rec/s':>12}{'ours rec/s':>12}"
          f"{'writes rec/s':>14}{'plain rec/s':>13}{'ratio':>7}{'ours':>6}{'writes':>8}"
          f"{'pull s':>8}{'source s':>10}{'checks s':>10}"
          f"{'RSS at start':>14}{'RSS growth':>12}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            for invoices in (args.small, args.invoices):
                url, made = fresh_database(backend, Path(tmp), args.pg_admin_url, f"pull{invoices}")
                plain_url, plain_made = fresh_database(
                    backend, Path(tmp), args.pg_admin_url, f"plain{invoices}"
                )
                try:
                    out = subprocess.run(
                        [sys.executable, __file__, "--worker", "--url", url,
                         "--plain-url", plain_url, "--invoices", str(invoices)],
                        capture_output=True, text=True, check=True,
                    ).stdout  # fmt: skip
                finally:
                    drop_database(args.pg_admin_url, made)
                    drop_database(args.pg_admin_url, plain_made)
                result = json.loads(out.strip().splitlines()[-1])
                assert result["status"] == "Complete", result
                assert result["fetched"] == result["rows"] >= invoices, result
                invoices = result["rows"]  # the sandbox keeps trading after its history
                pull_rate = invoices / result["pull_s"]
                ours_rate = invoices / (result["pull_s"] - result["source_s"])
                writes = result["pull_s"] - result["source_s"] - result["checks_s"]
                write_rate = invoices / writes
                plain_rate = invoices / result["plain_s"]
                print(
                    f"{backend:<11}{invoices:>9,}{pull_rate:>12,.0f}{ours_rate:>12,.0f}"
                    f"{write_rate:>14,.0f}{plain_rate:>13,.0f}{pull_rate / plain_rate:>7.2f}"
                    f"{ours_rate / plain_rate:>6.2f}{write_rate / plain_rate:>8.2f}"
                    f"{result['pull_s']:>8.1f}{result['source_s']:>10.1f}"
                    f"{result['checks_s']:>10.1f}"
                    f"{result['rss_start_mb']:>11.0f} MB{result['rss_growth_mb']:>9.0f} MB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
