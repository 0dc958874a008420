"""Which properties the query language can reach on companies and connections, and the
SQL behind each. Property names are Codat's (``dataConnections.status``), never ours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case
from sqlalchemy.sql.elements import ColumnElement

from ledgerport.errors import QueryError
from ledgerport.storage.expressions import UuidText
from ledgerport.storage.query import (
    Clause,
    ColumnResolver,
    FieldKind,
    FieldSpec,
    JsonDocumentResolver,
    Node,
    Operator,
    ResolvedField,
    any_related,
    compile_filter,
    parse_query,
)
from ledgerport.storage.tables import CompanyRow, ConnectionRow


def _platform_name(platform_names: Mapping[str, str]) -> ColumnElement[Any]:
    if not platform_names:
        return ConnectionRow.platform_key.expression
    return case(
        dict(platform_names), value=ConnectionRow.platform_key, else_=ConnectionRow.platform_key
    )


def _connection_fields(platform_names: Mapping[str, str]) -> dict[str, ResolvedField]:
    return {
        "id": ResolvedField(UuidText(ConnectionRow.id), FieldKind.STRING),
        "integrationKey": ResolvedField(ConnectionRow.platform_key.expression, FieldKind.STRING),
        "platformName": ResolvedField(_platform_name(platform_names), FieldKind.STRING),
        "status": ResolvedField(ConnectionRow.status.expression, FieldKind.STRING),
        "created": ResolvedField(ConnectionRow.created.expression, FieldKind.DATETIME),
        "lastSync": ResolvedField(ConnectionRow.last_sync.expression, FieldKind.DATETIME),
    }


def connection_resolver(platform_names: Mapping[str, str]) -> ColumnResolver:
    """Connections, by their Codat property names. ``platform_names`` maps platform keys
    to names (from the connector registry, which storage may not import)."""
    return ColumnResolver("Connection", _connection_fields(platform_names))


def company_resolver(platform_names: Mapping[str, str]) -> ColumnResolver:
    related = any_related(ConnectionRow.company_id == CompanyRow.id)
    fields: dict[str, FieldSpec] = {
        "id": ResolvedField(UuidText(CompanyRow.id), FieldKind.STRING),
        "name": ResolvedField(CompanyRow.name.expression, FieldKind.STRING),
        "description": ResolvedField(CompanyRow.description.expression, FieldKind.STRING),
        "created": ResolvedField(CompanyRow.created.expression, FieldKind.DATETIME),
        "lastSync": ResolvedField(CompanyRow.last_sync.expression, FieldKind.DATETIME),
        "createdByUserName": ResolvedField(
            CompanyRow.created_by_user_name.expression, FieldKind.STRING
        ),
    }
    for name, field in _connection_fields(platform_names).items():
        fields[f"dataConnections.{name}"] = ResolvedField(field.expr, field.kind, wrap=related)
    return ColumnResolver("Company", fields)


_TAG_OPERATORS = frozenset({Operator.EQ, Operator.NE, Operator.CONTAINS})


def _clauses(node: Node) -> list[Clause]:
    if isinstance(node, Clause):
        return [node]
    return [clause for child in node.children for clause in _clauses(child)]


def company_tags_filter(tags: str) -> ColumnElement[bool]:
    """The ``tags`` parameter of ``GET /companies``: the query language over the company's
    tags, with ``=``, ``!=`` and ``~`` only (``region = uk && team = finance``)."""
    node = parse_query(tags)
    clauses = _clauses(node)
    for clause in clauses:
        if clause.op not in _TAG_OPERATORS:
            raise QueryError(
                f"Operator {clause.op.value} is not supported for tags; use =, != or ~",
                position=clause.position,
            )
    resolver = JsonDocumentResolver(
        "Company tags", CompanyRow.tags.expression, {c.name: FieldKind.STRING for c in clauses}
    )
    return compile_filter(node, resolver)
