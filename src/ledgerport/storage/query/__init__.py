"""Codat's query language: ``parse_query``/``parse_order_by`` text into an AST, compile
it to SQLAlchemy through a :class:`FieldResolver`, or evaluate it over dicts.

Typical use in a route::

    stmt = apply_query(select(Row), RESOLVER, query, order_by, default_order=[Row.id])

Module docstrings hold the decisions: ``parser`` (syntax), ``fields`` (kinds and how
values are read), ``compile`` (operators, missing values, ordering), ``evaluate``.
"""

from ledgerport.storage.query.compile import (
    apply_query,
    compile_filter,
    compile_order,
    escape_like,
)
from ledgerport.storage.query.evaluate import DocumentEvaluator
from ledgerport.storage.query.fields import (
    ColumnResolver,
    FieldKind,
    FieldResolver,
    FieldSpec,
    JsonDocumentResolver,
    ResolvedField,
    Value,
    any_related,
    fold_case,
    parse_datetime,
    parse_number,
    typed_value,
)
from ledgerport.storage.query.parser import (
    MAX_QUERY_LENGTH,
    And,
    Clause,
    Node,
    Operator,
    Or,
    OrderTerm,
    parse_order_by,
    parse_query,
    render_query,
    render_value,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "And",
    "Clause",
    "ColumnResolver",
    "DocumentEvaluator",
    "FieldKind",
    "FieldResolver",
    "FieldSpec",
    "JsonDocumentResolver",
    "Node",
    "Operator",
    "Or",
    "OrderTerm",
    "ResolvedField",
    "Value",
    "any_related",
    "apply_query",
    "compile_filter",
    "compile_order",
    "escape_like",
    "fold_case",
    "parse_datetime",
    "parse_number",
    "parse_order_by",
    "parse_query",
    "render_query",
    "render_value",
    "typed_value",
]
