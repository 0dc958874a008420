"""Compiled queries against real tables on SQLite and PostgreSQL.

Each test builds its own tables (unique names, own MetaData) and drops them, since the
PostgreSQL database is shared by the test session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    select,
)

from ledgerport.errors import QueryError
from ledgerport.storage.query import (
    ColumnResolver,
    DocumentEvaluator,
    FieldKind,
    JsonDocumentResolver,
    ResolvedField,
    any_related,
    apply_query,
    compile_filter,
    parse_order_by,
    parse_query,
)
from ledgerport.storage.types import UTCDateTime, json_type

DOCS: dict[int, dict[str, Any]] = {
    1: {
        "reference": "INV-001",
        "status": "Submitted",
        "currency": "GBP",
        "totalAmount": 150,
        "issueDate": "2021-01-28T10:00:00+02:00",
        "customerRef": {"companyName": "Acme Ltd"},
        "metadata": {"isDeleted": False},
        "isPaid": True,
    },
    2: {
        "reference": "inv-002",
        "status": "submitted",
        "totalAmount": 49.99,
        "issueDate": "2021-01-28T08:00:00Z",
        "customerRef": {"companyName": "ACME 50% Off"},
        "metadata": {"isDeleted": True},
    },
    3: {
        "reference": "INV_003",
        "status": "Paid",
        "totalAmount": -12.5,
        "issueDate": "2021-01-28",
        "customerRef": {"companyName": "Widgets_R_Us"},
        "metadata": {},
        "isPaid": False,
    },
    4: {
        "reference": "INV-004",
        "status": "Draft",
        "totalAmount": 0,
        "issueDate": "2021-01-27T23:59:59.999",
        "customerRef": {"companyName": "back\\slash"},
        "isPaid": None,
    },
    5: {
        "reference": "INV-005",
        "status": "Void",
        "currency": "usd",
        "totalAmount": "12",  # wrong JSON type: reads as missing
        "issueDate": "2021-01-28T10:00:00.1234567-05:00",  # 15:00:00.123Z
        "customerRef": None,
    },
}
KINDS = {
    "reference": FieldKind.STRING,
    "status": FieldKind.STRING,
    "currency": FieldKind.STRING,
    "totalAmount": FieldKind.NUMBER,
    "issueDate": FieldKind.DATETIME,
    "customerRef.companyName": FieldKind.STRING,
    "metadata.isDeleted": FieldKind.BOOLEAN,
    "isPaid": FieldKind.BOOLEAN,
}


@pytest.fixture
def docs(engine: Engine) -> Iterator[tuple[Table, JsonDocumentResolver]]:
    table = Table(
        f"qtest_docs_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("data", json_type(), nullable=False),
    )
    table.create(engine)
    try:
        with engine.begin() as conn:
            conn.execute(table.insert(), [{"id": i, "data": d} for i, d in DOCS.items()])
        yield table, JsonDocumentResolver("Invoices", table.c.data, KINDS)
    finally:
        table.drop(engine)


def run(
    engine: Engine, table: Table, resolver: Any, query: str | None, order: str | None
) -> list[int]:
    stmt = apply_query(select(table.c.id), resolver, query, order, [table.c.id])
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # text: ASCII case-insensitive equality, substring, missing matches only !=
        ("status=submitted", {1, 2}),
        ("status=SUBMITTED", {1, 2}),
        ("status!=Submitted", {3, 4, 5}),
        ("currency=gbp", {1}),
        ("currency!=GBP", {2, 3, 4, 5}),
        ("reference=inv-001", {1}),
        ('reference="INV-001"', {1}),
        ("customerRef.companyName~acme", {1, 2}),
        ("customerRef.companyName~ACME LTD", {1}),
        ("customerRef.companyName=Acme Ltd", {1}),
        # LIKE wildcards and the escape character match literally
        ("customerRef.companyName~50%", {2}),
        ("customerRef.companyName~%", {2}),
        ("customerRef.companyName~_", {3}),
        ("customerRef.companyName~s_r", {3}),
        ("customerRef.companyName~k\\s", {4}),
        ("customerRef.companyName~\\", {4}),
        ("customerRef.companyName!=Acme Ltd", {2, 3, 4, 5}),
        # numbers, decimals and negatives; a string "12" is not a number
        ("totalAmount>49.99", {1}),
        ("totalAmount>=49.99", {1, 2}),
        ("totalAmount<0", {3}),
        ("totalAmount > -12.5", {1, 2, 4}),
        ("totalAmount=-12.50", {3}),
        ("totalAmount=0", {4}),
        ("totalAmount<=.5", {3, 4}),
        ("totalAmount=12", set()),
        ("totalAmount!=0", {1, 2, 3, 5}),
        # datetimes: offsets, Z, naive (UTC), date-only (midnight UTC), milliseconds
        ("issueDate=2021-01-28T08:00:00Z", {1, 2}),
        ("issueDate=2021-01-28T10:00:00+02:00", {1, 2}),
        ("issueDate=2021-01-28T03:00:00-05:00", {1, 2}),
        ("issueDate=2021-01-28T08:00", {1, 2}),
        ("issueDate=2021-01-28", {3}),
        ("issueDate<2021-01-28", {4}),
        ("issueDate>=2021-01-28", {1, 2, 3, 5}),
        ("issueDate=2021-01-28T15:00:00.123Z", {5}),
        ("issueDate>2021-01-28T15:00:00.123Z", set()),
        ("issueDate>2021-01-28T10:00:00-05:00", {5}),
        ("issueDate>2021-01-27T23:59:59.998", {1, 2, 3, 4, 5}),
        ("issueDate!=2021-01-28T08:00:00.000Z", {3, 4, 5}),
        # booleans
        ("isPaid=true", {1}),
        ("isPaid=FALSE", {3}),
        ("isPaid!=true", {2, 3, 4, 5}),
        ("metadata.isDeleted!=true", {1, 3, 4, 5}),
        ("metadata.isDeleted=false", {1}),
        # combinations
        ("{totalAmount > 100 || totalAmount < 0} && status != paid", {1}),
        ("customerRef.companyName=Acme Ltd&&status=Submitted", {1}),
        ("{status=draft||status=void}||{isPaid=true&&currency=GBP}", {1, 4, 5}),
    ],
)
def test_json_documents(
    docs: tuple[Table, JsonDocumentResolver], engine: Engine, query: str, expected: set[int]
) -> None:
    table, resolver = docs
    assert set(run(engine, table, resolver, query, None)) == expected
    evaluator = DocumentEvaluator.for_resolver(resolver)
    assert {i for i, d in DOCS.items() if evaluator.predicate(parse_query(query))(d)} == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("totalAmount", [3, 4, 2, 1, 5]),
        ("-totalAmount", [1, 2, 4, 3, 5]),
        ("status", [4, 3, 1, 5, 2]),  # code point order: upper case first
        ("-issueDate", [5, 1, 2, 3, 4]),  # 1 and 2 are the same instant: id breaks the tie
        ("issueDate", [4, 3, 1, 2, 5]),
        ("isPaid,-totalAmount", [3, 1, 2, 4, 5]),
        ("-isPaid", [1, 3, 2, 4, 5]),
        ("currency", [1, 5, 2, 3, 4]),
        ("-currency", [5, 1, 2, 3, 4]),
        (None, [1, 2, 3, 4, 5]),
    ],
)
def test_order_by_missing_last_with_tiebreak(
    docs: tuple[Table, JsonDocumentResolver], engine: Engine, order: str | None, expected: list[int]
) -> None:
    table, resolver = docs
    assert run(engine, table, resolver, None, order) == expected
    evaluator = DocumentEvaluator.for_resolver(resolver)
    terms = parse_order_by(order or "")
    rows = [{"id": i, **d} for i, d in DOCS.items()]
    assert [r["id"] for r in evaluator.sort(rows, terms, tiebreak=lambda r: r["id"])] == expected


def test_filter_and_order_together(
    docs: tuple[Table, JsonDocumentResolver], engine: Engine
) -> None:
    table, resolver = docs
    assert run(engine, table, resolver, "status!=void", "-issueDate") == [1, 2, 3, 4]


def test_statement_cache_distinguishes_paths(
    docs: tuple[Table, JsonDocumentResolver], engine: Engine
) -> None:
    """JsonValue keys the compiled-SQL cache on its path and kind, not only its shape."""
    table, resolver = docs
    assert set(run(engine, table, resolver, "reference~inv-00", None)) == {1, 2, 4, 5}
    assert set(run(engine, table, resolver, "status~inv-00", None)) == set()
    assert set(run(engine, table, resolver, "currency~gb", None)) == {1}
    assert set(run(engine, table, resolver, "totalAmount>=0", None)) == {1, 2, 4}
    assert set(run(engine, table, resolver, "isPaid!=false", None)) == {1, 2, 4, 5}


def test_unknown_property_and_bad_order(
    docs: tuple[Table, JsonDocumentResolver], engine: Engine
) -> None:
    table, resolver = docs
    with pytest.raises(QueryError, match="Could not resolve property lines on Invoices"):
        run(engine, table, resolver, "lines=1", None)
    with pytest.raises(
        QueryError, match=r"Could not resolve property nope on Invoices \(at position 7\)"
    ):
        run(engine, table, resolver, None, "status,nope")


# ------------------------------------------------------------ relational: parent and child


@pytest.fixture
def companies(engine: Engine) -> Iterator[tuple[Table, Table, ColumnResolver]]:
    suffix = uuid.uuid4().hex[:8]
    metadata = MetaData()
    parent = Table(
        f"qtest_company_{suffix}",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False),
        Column("created", UTCDateTime, nullable=False),
        Column("score", Numeric(10, 2)),
        Column("active", Boolean),
    )
    child = Table(
        f"qtest_connection_{suffix}",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("company_id", ForeignKey(parent.c.id, ondelete="CASCADE"), nullable=False),
        Column("status", String(20)),
    )
    metadata.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(
                parent.insert(),
                [
                    _company(1, "Acme", "2021-01-28T10:00:00", "10.50", True),
                    _company(2, "acme two", "2021-01-28T08:00:00", "-3.25", False),
                    _company(3, "Other", "2022-06-01T00:00:00", None, None),
                    _company(4, "Zed", "2020-12-31T23:59:59", "10.5", True),
                ],
            )
            conn.execute(
                child.insert(),
                [
                    {"id": 1, "company_id": 1, "status": "Linked"},
                    {"id": 2, "company_id": 1, "status": "PendingAuth"},
                    {"id": 3, "company_id": 2, "status": "Linked"},
                    {"id": 4, "company_id": 4, "status": "Deauthorized"},
                    {"id": 5, "company_id": 4, "status": None},
                ],
            )
        resolver = ColumnResolver(
            "Company",
            {
                "name": ResolvedField(parent.c.name, FieldKind.STRING),
                "created": ResolvedField(parent.c.created, FieldKind.DATETIME),
                "score": ResolvedField(parent.c.score, FieldKind.NUMBER),
                "active": ResolvedField(parent.c.active, FieldKind.BOOLEAN),
                "dataConnections.status": lambda: ResolvedField(
                    child.c.status,
                    FieldKind.STRING,
                    wrap=any_related(child.c.company_id == parent.c.id),
                ),
            },
        )
        yield parent, child, resolver
    finally:
        metadata.drop_all(engine)


def _company(
    id_: int, name: str, created: str, score: str | None, active: bool | None
) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "created": datetime.fromisoformat(created).replace(tzinfo=UTC),
        "score": Decimal(score) if score is not None else None,
        "active": active,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dataConnections.status=pendingauth", {1}),
        ("dataConnections.status=Linked", {1, 2}),
        ("dataConnections.status~AUTH", {1, 4}),
        # != on a collection: no connection has that status (no connections at all counts)
        ("dataConnections.status!=Linked", {3, 4}),
        ("name~acme && dataConnections.status!=PendingAuth", {2}),
        ("name=ACME", {1}),
        ("name!=acme", {2, 3, 4}),
        ("created>2021-01-28T09:00:00Z", {1, 3}),
        ("created>=2021-01-28T10:00:00+02:00", {1, 2, 3}),
        ("created<2021-01-01", {4}),
        ("created=2021-01-28T08:00", {2}),
        ("score>=10.5", {1, 4}),
        ("score<0", {2}),
        ("score=10.500", {1, 4}),
        ("score!=10.5", {2, 3}),
        ("active=true", {1, 4}),
        ("active!=true", {2, 3}),
        ("{active=false||dataConnections.status=Deauthorized}&&score<100", {2, 4}),
    ],
)
def test_columns_and_a_child_collection(
    companies: tuple[Table, Table, ColumnResolver], engine: Engine, query: str, expected: set[int]
) -> None:
    parent, _child, resolver = companies
    assert set(run(engine, parent, resolver, query, None)) == expected


def test_collection_compiles_to_correlated_exists(
    companies: tuple[Table, Table, ColumnResolver], engine: Engine
) -> None:
    parent, child, resolver = companies
    condition = compile_filter(parse_query("dataConnections.status=PendingAuth"), resolver)
    sql = " ".join(str(select(parent.c.id).where(condition).compile(engine)).split())
    assert "WHERE EXISTS (SELECT 1 FROM" in sql
    assert f"{child.name}.company_id = {parent.name}.id AND" in sql
    negated = compile_filter(parse_query("dataConnections.status!=PendingAuth"), resolver)
    assert "NOT (EXISTS" in str(select(parent.c.id).where(negated).compile(engine))


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", [1, 3, 4, 2]),
        ("-score", [1, 4, 2, 3]),  # 1 and 4 tie on 10.50: id decides; NULL last
        ("score", [2, 1, 4, 3]),
        ("-created", [3, 1, 2, 4]),
        ("active,name", [2, 1, 4, 3]),
    ],
)
def test_column_order(
    companies: tuple[Table, Table, ColumnResolver], engine: Engine, order: str, expected: list[int]
) -> None:
    parent, _child, resolver = companies
    assert run(engine, parent, resolver, None, order) == expected


def test_cannot_order_by_a_collection(companies: tuple[Table, Table, ColumnResolver]) -> None:
    parent, _child, resolver = companies
    with pytest.raises(QueryError, match=r"Cannot order by dataConnections\.status"):
        apply_query(select(parent.c.id), resolver, None, "dataConnections.status", [])
    with pytest.raises(QueryError, match="Could not resolve property dataConnections on Company"):
        apply_query(select(parent.c.id), resolver, "dataConnections=x", None, [])
