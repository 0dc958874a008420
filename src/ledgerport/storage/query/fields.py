"""What a query can name: field kinds, the values each accepts, and resolvers.

A *resolver* turns a dotted property path into a :class:`ResolvedField` (an SQL
expression plus its :class:`FieldKind`), so one compiler serves relational tables
(:class:`ColumnResolver`) and JSON documents (:class:`JsonDocumentResolver`) alike.

Semantics, decided once for SQLite, PostgreSQL and the Python evaluator:

* STRING: ``=``, ``!=``, ``~`` only. Case-insensitive by folding ASCII ``A-Z`` alone:
  SQLite's ``lower()`` folds nothing else, so PostgreSQL folds with ``translate()``
  rather than its locale-dependent ``lower()``. ``É`` and ``é`` therefore differ.
* NUMBER: a plain decimal (``-12``, ``0.5``; no exponent, NaN or infinity). PostgreSQL
  compares exactly; SQLite compares IEEE doubles, identical for up to 15 significant digits.
* DATETIME: ISO 8601 ``YYYY-MM-DD[THH:MM[:SS[.fff...]][Z|±hh:mm]]``; naive means UTC and
  a bare date means midnight UTC. Instants are compared in UTC at millisecond precision,
  fractions rounded half-up (SQLite keeps nothing finer).
* BOOLEAN: ``true``/``false`` in any case, ``=`` and ``!=`` only.
* A JSON value of the wrong JSON type (a number where text is declared, ``"now"`` where a
  date is) reads as missing, on both engines. Stored datetimes should be canonical ISO
  forms as above (years 0001-9999); other spellings may be read differently by each
  engine. Impossible days (``2021-02-30``) read as missing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Numeric,
    String,
    TypeDecorator,
    exists,
    literal_column,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal

from ledgerport.errors import QueryError
from ledgerport.storage.query.parser import Clause, Operator

_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


class FieldKind(StrEnum):
    STRING = "string"  # enums are strings too
    NUMBER = "number"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


Value = str | Decimal | datetime | bool

_COMPARE = frozenset({Operator.EQ, Operator.NE, Operator.GT, Operator.LT, Operator.GE, Operator.LE})
OPERATORS: Mapping[FieldKind, frozenset[Operator]] = {
    FieldKind.STRING: frozenset({Operator.EQ, Operator.NE, Operator.CONTAINS}),
    FieldKind.NUMBER: _COMPARE,
    FieldKind.DATETIME: _COMPARE,
    FieldKind.BOOLEAN: frozenset({Operator.EQ, Operator.NE}),
}
_LABELS = {
    FieldKind.STRING: "text",
    FieldKind.NUMBER: "number",
    FieldKind.DATETIME: "date",
    FieldKind.BOOLEAN: "boolean",
}

# ---------------------------------------------------------------------------- values

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
ISO_DATETIME = (
    r"(?P<date>[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))"
    r"(?:T(?P<h>[01][0-9]|2[0-3]):(?P<m>[0-5][0-9])"
    r"(?::(?P<s>[0-5][0-9])(?:\.(?P<f>[0-9]+))?)?"
    r"(?P<tz>Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?)?"
)
_ISO = re.compile(ISO_DATETIME)
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_case(text: str) -> str:
    """Lower-case ASCII letters only: the case-insensitivity both engines agree on."""
    return text.translate(_FOLD)


def parse_number(text: str) -> Decimal | None:
    return Decimal(text) if _NUMBER.fullmatch(text) else None


def parse_datetime(text: str) -> datetime | None:
    """A canonical ISO 8601 string as an aware UTC instant rounded to the millisecond."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    frac = match["f"] or ""
    millis = int(frac[:3].ljust(3, "0")) + (1 if frac[3:4] >= "5" else 0)
    tz = UTC
    if match["tz"] and match["tz"] != "Z":
        sign = -1 if match["tz"][0] == "-" else 1
        hours, minutes = match["tz"][1:].split(":")
        tz = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    try:
        day = date.fromisoformat(match["date"])
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(match["h"] or 0),
            int(match["m"] or 0),
            int(match["s"] or 0),
            tzinfo=tz,
        )
        return (moment + timedelta(milliseconds=millis)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def typed_value(clause: Clause, kind: FieldKind) -> Value:
    """Check ``clause``'s operator against ``kind`` and read its value as that kind."""
    if clause.op not in OPERATORS[kind]:
        raise QueryError(
            f"operator {clause.op} is not supported for {_LABELS[kind]} property {clause.name}",
            position=clause.op_position,
        )
    raw = clause.value
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    if kind is FieldKind.STRING:
        return raw
    if kind is FieldKind.NUMBER:
        number = parse_number(raw)
        if number is None:
            raise QueryError(
                f"'{shown}' is not a number (property {clause.name})",
                position=clause.value_position,
            )
        return number
    if kind is FieldKind.DATETIME:
        moment = parse_datetime(raw)
        if moment is None:
            raise QueryError(
                f"'{shown}' is not a date (property {clause.name}); "
                "use ISO 8601 such as 2021-01-28 or 2021-01-28T10:00:00Z",
                position=clause.value_position,
            )
        return moment
    if raw.lower() not in ("true", "false"):
        raise QueryError(
            f"'{shown}' is not true or false (property {clause.name})",
            position=clause.value_position,
        )
    return raw.lower() == "true"


def unknown_property(resource_name: str, path: tuple[str, ...], position: int | None) -> QueryError:
    return QueryError(
        f"Could not resolve property {'.'.join(path)} on {resource_name}", position=position
    )


def _checked_path(name: str) -> str:
    if not _PATH.fullmatch(name):
        raise ValueError(f"{name!r} is not a dotted property path")
    return name


# ---------------------------------------------------------------------------- resolvers


@dataclass(frozen=True, eq=False)
class ResolvedField:
    """An SQL expression for a property and how to compare it.

    ``expr`` yields the value: text for STRING, a number for NUMBER, a boolean for
    BOOLEAN, and for DATETIME a value whose ``expr.type`` binds an aware UTC ``datetime``
    (``UTCDateTime`` columns and JSON fields do). ``wrap``, for a property of a collection
    (``dataConnections.status``), turns a condition on one element into "some element
    satisfies it"; ``!=`` then means "no element equals", so an empty collection matches.
    """

    expr: ColumnElement[Any]
    kind: FieldKind
    wrap: Callable[[ColumnElement[bool]], ColumnElement[bool]] | None = None
    # A column holding a copy of the same value, indexed: for STRING the ASCII-folded
    # text when at most ``indexed_text`` characters long (else NULL); for BOOLEAN a
    # non-null flag, true exactly when the value is true. The compiler uses it wherever
    # the answer is the same, so the database can seek (or read a narrow column)
    # instead of extracting JSON.
    indexed: ColumnElement[Any] | None = None
    indexed_text: int = 0


class FieldResolver(Protocol):
    resource_name: str

    def resolve(self, path: tuple[str, ...], *, position: int | None = None) -> ResolvedField:
        """The field at ``path``; raise QueryError (at ``position``) if there is none."""
        ...


FieldSpec = ResolvedField | Callable[[], ResolvedField]


class ColumnResolver:
    """Explicit SQL per property path, for relational tables.

    A spec may be a callable so that correlated subqueries are built per query.
    """

    def __init__(self, resource_name: str, fields: Mapping[str, FieldSpec]) -> None:
        self.resource_name = resource_name
        self._fields = {_checked_path(name): spec for name, spec in fields.items()}

    def resolve(self, path: tuple[str, ...], *, position: int | None = None) -> ResolvedField:
        spec = self._fields.get(".".join(path))
        if spec is None:
            raise unknown_property(self.resource_name, path, position)
        return spec if isinstance(spec, ResolvedField) else spec()


def any_related(
    *correlation: ColumnElement[bool],
) -> Callable[[ColumnElement[bool]], ColumnElement[bool]]:
    """A ``wrap`` for a child collection: ``EXISTS (SELECT 1 ... WHERE correlation AND c)``."""

    def wrap(condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists(literal_column("1")).where(*correlation, condition)

    return wrap


class JsonDocumentResolver:
    """Properties of a JSON document column (``json_type()``), each path with its kind.

    Arrays cannot be entered: a path through a list reads as missing. ``indexed`` names
    the paths that also have an indexed copy in a column of the same row (see
    :attr:`ResolvedField.indexed`), and ``indexed_text`` how long a text copy may be.
    """

    def __init__(
        self,
        resource_name: str,
        column: ColumnElement[Any],
        kinds: Mapping[str, FieldKind],
        indexed: Mapping[str, ColumnElement[Any]] | None = None,
        indexed_text: int = 0,
    ) -> None:
        self.resource_name = resource_name
        self.column = column
        self.kinds: Mapping[str, FieldKind] = {_checked_path(k): v for k, v in kinds.items()}
        self.indexed: Mapping[str, ColumnElement[Any]] = dict(indexed or {})
        self.indexed_text = indexed_text

    def resolve(self, path: tuple[str, ...], *, position: int | None = None) -> ResolvedField:
        name = ".".join(path)
        kind = self.kinds.get(name)
        if kind is None:
            raise unknown_property(self.resource_name, path, position)
        return ResolvedField(
            JsonValue(self.column, path, kind),
            kind,
            indexed=self.indexed.get(name),
            indexed_text=self.indexed_text,
        )


# ---------------------------------------------------------------------------- JSON SQL


def sqlite_instant_text(moment: datetime) -> str:
    """The form SQLite's ``strftime('%Y-%m-%dT%H:%M:%f', ...)`` gives, for comparison."""
    m = moment.astimezone(UTC)
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:"
        f"{m.second:02d}.{m.microsecond // 1000:03d}"
    )


class JsonInstant(TypeDecorator[datetime]):
    """Binds aware datetimes the way :class:`JsonValue` normalises stored ones:
    PostgreSQL a naive UTC ``timestamp``, SQLite the text of :func:`sqlite_instant_text`."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime())
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return value.astimezone(UTC).replace(tzinfo=None)
        return sqlite_instant_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC)
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


_TYPES: Mapping[FieldKind, Callable[[], TypeEngine[Any]]] = {
    FieldKind.STRING: String,
    FieldKind.NUMBER: Numeric,
    FieldKind.DATETIME: JsonInstant,
    FieldKind.BOOLEAN: Boolean,
}


class JsonValue(ColumnElement[Any]):
    """The value at ``path`` in a JSON column as ``kind``; NULL when the path is missing,
    JSON null, or holds another JSON type. Rendered per dialect below."""

    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("path", InternalTraversal.dp_string_list),
        ("kind", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], path: tuple[str, ...], kind: FieldKind) -> None:
        for part in path:
            _checked_path(part)
        self.column = column
        self.path = path
        self.kind = kind.value
        self.type = _TYPES[kind]()

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


# Canonical datetime shapes. PostgreSQL checks the exact regex, and that the day exists
# (year 0, 30 February, 29 February of a common year), before casting: a failed cast
# would abort the whole query. SQLite's parser is strict but for its extras ("now",
# spaces, julian numbers, hour 24, which the GLOBs keep out) and impossible days (which it
# silently rolls over: the '+0 days' round trip keeps those out).
_PG_ISO = "^" + re.sub(r"\?P<\w+>", "", ISO_DATETIME) + "$"
_PG_BAD_DAY = "^(0000|[0-9]{4}-(02-3|(0[469]|11)-31))"
_PG_LEAP_DAY = "^([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29"
_PG_OFFSET = "(Z|[+-][0-9]{2}:[0-9]{2})$"
_GLOB_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


@compiles(JsonValue, "sqlite")
def _json_value_sqlite(element: JsonValue, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    path = "'$" + "".join(f'."{part}"' for part in element.path) + "'"
    jtype = f"json_type({column}, {path})"
    value = f"json_extract({column}, {path})"
    kind = FieldKind(element.kind)
    if kind is FieldKind.STRING:
        return f"CASE WHEN {jtype} = 'text' THEN {value} END"
    if kind is FieldKind.NUMBER:
        return f"CASE WHEN {jtype} IN ('integer', 'real') THEN {value} END"
    if kind is FieldKind.BOOLEAN:
        return f"CASE {jtype} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END"
    day = f"substr({value}, 1, 10)"
    shape = (
        f"({value} GLOB '{_GLOB_DATE}' OR ({value} GLOB '{_GLOB_DATE}T[0-9][0-9]:[0-9][0-9]*'"
        f" AND {value} NOT GLOB '*[^0-9:.TZ+-]*' AND {value} NOT GLOB '*T24*'))"
        f" AND date({day}, '+0 days') = {day} AND {value} NOT GLOB '0000*'"
    )
    return f"CASE WHEN {jtype} = 'text' AND {shape} THEN strftime('%Y-%m-%dT%H:%M:%f', {value}) END"


@compiles(JsonValue, "postgresql")
def _json_value_postgresql(element: JsonValue, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    path = "'{" + ",".join(element.path) + "}'"
    jtype = f"jsonb_typeof({column} #> {path})"
    value = f"({column} #>> {path})"
    kind = FieldKind(element.kind)
    if kind is FieldKind.STRING:
        return f"CASE WHEN {jtype} = 'string' THEN {value} END"
    if kind is FieldKind.NUMBER:
        return f"CASE WHEN {jtype} = 'number' THEN CAST({value} AS NUMERIC) END"
    if kind is FieldKind.BOOLEAN:
        return f"CASE WHEN {jtype} = 'boolean' THEN CAST({value} AS BOOLEAN) END"
    # An explicit offset fixes the instant whatever the session time zone; a naive value
    # is read as UTC. Both become a naive UTC timestamp, then rounded to the millisecond.
    instant = (
        f"CASE WHEN {value} ~ '{_PG_OFFSET}' "
        f"THEN CAST({value} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' "
        f"ELSE CAST({value} AS TIMESTAMP) END"
    )
    shape = (
        f"{value} ~ '{_PG_ISO}' AND {value} !~ '{_PG_BAD_DAY}' "
        f"AND ({value} !~ '^[0-9]{{4}}-02-29' OR {value} ~ '{_PG_LEAP_DAY}')"
    )
    return (
        f"CASE WHEN {jtype} = 'string' AND {shape} "
        f"THEN date_trunc('milliseconds', ({instant}) + INTERVAL '500 microseconds') END"
    )


@compiles(JsonValue)
def _json_value_other(element: JsonValue, compiler: SQLCompiler, **kw: Any) -> str:
    # Only for str(statement) while debugging; real engines are handled above.
    column = compiler.process(element.column, **kw)
    return f"json_{element.kind}({column}, '{'.'.join(element.path)}')"
