"""SQL expressions that render a column as the text Codat puts on the wire, on both
engines, so hot read paths hand strings straight to the JSON encoder."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text, cast
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class UuidText(FunctionElement[str]):
    """A UUID column as canonical hyphenated lower-case text.

    SQLAlchemy stores ``Uuid`` as 32 hex digits on SQLite and natively on PostgreSQL.
    """

    type = String()
    inherit_cache = True
    name = "uuid_text"


@compiles(UuidText, "sqlite")
def _uuid_text_sqlite(element: UuidText, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.clauses, **kw)
    spans = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return "(" + " || '-' || ".join(f"substr({col},{a},{n})" for a, n in spans) + ")"


@compiles(UuidText)
def _uuid_text_other(element: UuidText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


class IsoTimestamp(FunctionElement[str]):
    """A ``UTCDateTime`` column as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (NULL stays NULL),
    the same text ``domain.dates.to_codat`` produces."""

    type = String()
    inherit_cache = True
    name = "iso_timestamp"


@compiles(IsoTimestamp, "sqlite")
def _iso_sqlite(element: IsoTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC here).
    return f"(replace({compiler.process(element.clauses, **kw)}, ' ', 'T') || 'Z')"


@compiles(IsoTimestamp, "postgresql")
def _iso_postgresql(element: IsoTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.clauses, **kw)
    return f"""to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def json_text(column: Any) -> ColumnElement[str]:
    """A JSON column as its stored text, undecoded (for ``orjson.Fragment``)."""
    return cast(column, Text())


@compiles(IsoTimestamp)
def _iso_other(element: IsoTimestamp, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError("ledgerport supports SQLite and PostgreSQL only")
