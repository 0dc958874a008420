"""Query AST -> SQLAlchemy expressions, on SQLite and PostgreSQL alike.

Operator semantics (see ``fields.py`` for how each kind's values are read):

* ``=`` and ``!=`` compare; ``~`` is a substring test on text, with ``%``, ``_`` and the
  escape character escaped so they match literally; ``>``/``<``/``>=``/``<=`` order
  numbers and datetimes.
* A missing value (absent, JSON null, wrong JSON type, SQL NULL) matches ``!=`` and
  nothing else, so ``metadata.isDeleted!=true`` returns records that never set it.
* Collection properties (``ResolvedField.wrap``) mean "some element matches"; ``!=``
  there means "no element equals", so a company without connections matches
  ``dataConnections.status!=Linked``.
* ``orderBy`` sorts numbers numerically, datetimes chronologically, booleans false
  first and text by code point (PostgreSQL's ``COLLATE "C"``, SQLite's ``BINARY``: the
  same order on both, unlike locale collations). Missing values sort last in both
  directions. :func:`apply_query` always appends the caller's default order as a
  tiebreak so paging is stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Boolean, Numeric, Select, String, and_, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from ledgerport.errors import QueryError
from ledgerport.storage.query.fields import (
    FieldKind,
    FieldResolver,
    ResolvedField,
    Value,
    fold_case,
    typed_value,
)
from ledgerport.storage.query.parser import (
    And,
    Clause,
    Node,
    Operator,
    OrderTerm,
    parse_order_by,
    parse_query,
)

LIKE_ESCAPE = "\\"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

SelectT = TypeVar("SelectT", bound=Select[Any])


def compile_filter(node: Node, resolver: FieldResolver) -> ColumnElement[bool]:
    """A WHERE condition for ``node``; raises QueryError for unknown or mistyped clauses."""
    if isinstance(node, Clause):
        return _clause(node, resolver)
    parts = [compile_filter(child, resolver) for child in node.children]
    return and_(*parts) if isinstance(node, And) else or_(*parts)


def compile_order(terms: Sequence[OrderTerm], resolver: FieldResolver) -> list[ColumnElement[Any]]:
    """ORDER BY expressions for ``terms``, missing values last either way."""
    order: list[ColumnElement[Any]] = []
    for term in terms:
        field = resolver.resolve(term.path, position=term.position)
        if field.wrap is not None:
            raise QueryError(
                f"Cannot order by {term.name}: it is a property of a collection",
                position=term.position,
            )
        if field.kind is FieldKind.STRING:  # the indexed copy is folded: sort the original
            expr: ColumnElement[Any] = CodePointOrder(field.expr)
        elif field.kind is FieldKind.BOOLEAN:  # the copy has no "missing": sort the original
            expr = field.expr
        else:
            expr = field.indexed if field.indexed is not None else field.expr
        order.append((expr.desc() if term.descending else expr.asc()).nulls_last())
    return order


def apply_query(
    stmt: SelectT,
    resolver: FieldResolver,
    query: str | None,
    order_by: str | None,
    default_order: Sequence[ColumnElement[Any]] = (),
) -> SelectT:
    """``stmt`` filtered by ``query`` and ordered by ``order_by`` then ``default_order``.

    A missing or blank ``query``/``orderBy`` is no filter/no ordering, as in Codat.
    """
    if query is not None and query.strip():
        stmt = stmt.where(compile_filter(parse_query(query), resolver))
    terms = parse_order_by(order_by) if order_by is not None else ()
    return stmt.order_by(*compile_order(terms, resolver), *default_order)


def escape_like(text: str) -> str:
    """``text`` as a LIKE pattern matching itself literally (with ``ESCAPE LIKE_ESCAPE``)."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def _clause(clause: Clause, resolver: FieldResolver) -> ColumnElement[bool]:
    field = resolver.resolve(clause.path, position=clause.position)
    value = typed_value(clause, field.kind)
    if field.wrap is None:
        return _compare(field, clause.op, value)
    if clause.op is Operator.NE:
        return ~field.wrap(_compare(field, Operator.EQ, value))
    return field.wrap(_compare(field, clause.op, value))


def _compare(field: ResolvedField, op: Operator, value: Value) -> ColumnElement[bool]:
    expr = field.expr
    if field.indexed is not None and _indexed_answers(field, op, value):
        expr = field.indexed
    subject: ColumnElement[Any] = expr
    param: ColumnElement[Any]
    if field.kind is FieldKind.STRING:
        assert isinstance(value, str)
        folded = fold_case(value)
        subject = expr if expr is field.indexed else AsciiLower(expr)
        if op is Operator.CONTAINS:
            return subject.like(f"%{escape_like(folded)}%", escape=LIKE_ESCAPE)
        param = literal(folded, String())
    elif field.kind is FieldKind.NUMBER:
        assert isinstance(value, Decimal)
        param = literal(value, Numeric())
    elif field.kind is FieldKind.DATETIME:
        assert isinstance(value, datetime)
        param = literal(value, expr.type)
    else:
        assert isinstance(value, bool)
        param = literal(value, Boolean())

    if op is Operator.EQ:
        return subject == param
    if op is Operator.NE:
        return or_(subject != param, expr.is_(None))
    if op is Operator.GT:
        return subject > param
    if op is Operator.LT:
        return subject < param
    if op is Operator.GE:
        return subject >= param
    if op is Operator.LE:
        return subject <= param
    raise AssertionError(f"operator {op} passed typed_value for {field.kind}")  # unreachable


def _indexed_answers(field: ResolvedField, op: Operator, value: Value) -> bool:
    """Whether the indexed copy gives the same answer as the document. Text copies are
    folded and cut off: fine for ``=``/``!=`` on a value that fits (a longer stored value
    is NULL there, and differs from it either way), not for ``~``. A boolean copy says
    only whether the value is ``true`` (missing and ``false`` are both false there), so
    it answers ``= true`` and ``!= true`` (``metadata.isDeleted!=true``), not ``false``."""
    if field.kind is FieldKind.BOOLEAN:
        return value is True
    if field.kind is not FieldKind.STRING:
        return True
    return op is not Operator.CONTAINS and len(str(value)) <= field.indexed_text


class AsciiLower(FunctionElement[str]):
    """``lower()`` restricted to ASCII on every engine (see ``fields.py``)."""

    type = String()
    name = "ascii_lower"
    inherit_cache = True


@compiles(AsciiLower, "postgresql")
def _ascii_lower_postgresql(element: AsciiLower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"translate({compiler.process(element.clauses, **kw)}, '{_UPPER}', '{_UPPER.lower()}')"


@compiles(AsciiLower)
def _ascii_lower_other(element: AsciiLower, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's built-in lower() folds ASCII only.
    return f"lower({compiler.process(element.clauses, **kw)})"


class CodePointOrder(ColumnElement[Any]):
    """``expr`` collated by code point, so text sorts the same on both engines."""

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]

    def __init__(self, expr: ColumnElement[Any]) -> None:
        self.expr = expr
        self.type = expr.type

    @property
    def _from_objects(self) -> list[Any]:
        return self.expr._from_objects


@compiles(CodePointOrder, "postgresql")
def _code_point_postgresql(element: CodePointOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.expr, **kw)}) COLLATE "C"'


@compiles(CodePointOrder, "sqlite")
def _code_point_sqlite(element: CodePointOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.expr, **kw)}) COLLATE BINARY"


@compiles(CodePointOrder)
def _code_point_other(element: CodePointOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.expr, **kw)
