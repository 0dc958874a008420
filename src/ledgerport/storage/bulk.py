"""Bulk inserts at the speed of the database driver, for the pull's writes.

A pull of 100,000 invoices writes 100,000 rows and their files. Through SQLAlchemy's
``executemany`` each parameter of each row goes through its generic machinery, which
measured as much as the write itself. Here each column's own bind processor (the same
conversion SQLAlchemy applies: JSON to text, UUIDs and datetimes to their stored forms)
is looked up once and applied in a plain loop, and the rows go to the driver directly:
``executemany`` of one prepared INSERT on SQLite, ``COPY`` on PostgreSQL. Both run on the
caller's connection, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Table

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class RawJSON:
    """A JSON column's value already serialized: written as is, not encoded again."""

    text: str


def _raw_or(process: Processor) -> Processor:
    def convert(value: Any) -> Any:
        if type(value) is RawJSON:
            return value.text
        return value if process is None else process(value)

    return convert


def _processors(connection: Connection, table: Table, columns: Sequence[str]) -> list[Processor]:
    dialect = connection.dialect
    found: list[Processor] = []
    for name in columns:
        column_type = table.c[name].type
        process = column_type._cached_bind_processor(dialect)
        json = isinstance(column_type, JSON) or isinstance(getattr(column_type, "impl", None), JSON)
        found.append(_raw_or(process) if json else process)
    return found


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, one per column given) into ``table``."""
    if not rows:
        return
    columns = list(rows[0])
    processors = _processors(connection, table, columns)
    converted = [
        tuple(
            value if process is None else process(value)
            for value, process in zip((row[name] for name in columns), processors, strict=True)
        )
        for row in rows
    ]
    # Names come from the table's own definition, never from input.
    names = ", ".join(table.c[name].name for name in columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        statement = f"COPY {table.name} ({names}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for record in converted:
                copy.write_row(record)
        return
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608
    connection.exec_driver_sql(statement, converted)


class BufferedInserts:
    """Rows for several tables, held and written together once enough have gathered.

    Each ``COPY`` (and to a lesser degree each ``executemany``) has a fixed cost; a pull
    of 100-record pages paid it twice a page. Held rows are invisible to queries until
    :meth:`flush`, so a writer that looks rows up flushes first; the pull flushes at
    its end, inside its transaction. Tables are written in the order first added (a
    parent before the rows that refer to it)."""

    def __init__(self, connection: Connection, limit: int = 5_000) -> None:
        self.connection = connection
        self.limit = limit
        self._held: dict[str, tuple[Table, list[Mapping[str, Any]]]] = {}
        self._count = 0

    def add(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        self._held.setdefault(table.name, (table, []))[1].extend(rows)
        self._count += len(rows)
        if self._count >= self.limit:
            self.flush()

    def flush(self) -> None:
        for table, rows in self._held.values():
            insert_rows(self.connection, table, rows)
        self._held.clear()
        self._count = 0
