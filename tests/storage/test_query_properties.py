"""Property-based tests: the SQL a query compiles to selects, on SQLite and PostgreSQL,
exactly the documents the Python evaluator selects; rendering round-trips through the
parser; and no text makes the parser or compiler raise anything but QueryError.

Each database example creates its table inside a transaction and rolls it back (DDL is
transactional on both engines), so examples cost a few milliseconds and leave nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, Table, select

from ledgerport.errors import QueryError
from ledgerport.storage.query import (
    And,
    Clause,
    DocumentEvaluator,
    FieldKind,
    JsonDocumentResolver,
    Node,
    Operator,
    Or,
    OrderTerm,
    apply_query,
    compile_filter,
    parse_datetime,
    parse_order_by,
    parse_query,
    render_query,
)
from ledgerport.storage.query.fields import OPERATORS
from ledgerport.storage.types import json_type

KINDS = {
    "reference": FieldKind.STRING,
    "status": FieldKind.STRING,
    "customerRef.companyName": FieldKind.STRING,
    "customerRef.id": FieldKind.STRING,
    "totalAmount": FieldKind.NUMBER,
    "quantity": FieldKind.NUMBER,
    "issueDate": FieldKind.DATETIME,
    "metadata.modifiedDate": FieldKind.DATETIME,
    "isPaid": FieldKind.BOOLEAN,
    "metadata.isDeleted": FieldKind.BOOLEAN,
}
TABLE = Table(
    f"qprop_docs_{uuid.uuid4().hex[:8]}",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("data", json_type(), nullable=False),
)
RESOLVER = JsonDocumentResolver("Invoices", TABLE.c.data, KINDS)
EVALUATOR = DocumentEvaluator.for_resolver(RESOLVER)
DB_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# ------------------------------------------------------------------------ strategies

WORDS = [
    "Acme", "acme", "ACME Ltd", "acme ltd", "50%", "5_0", "50", "o'brien", "O'Brien",
    "Ünïcode", "ünïcode", "a\\b", "x&&y", "}", '"quoted"', "  padded ", "Zoë", "日本", "a%b_c",
]  # fmt: skip
TEXT_ALPHABET = "aAbBzZ%_'\\\"&|}{ éÉ日-.:@0"
texts = st.one_of(st.sampled_from(WORDS), st.text(alphabet=TEXT_ALPHABET, max_size=8))
query_texts = st.one_of(
    st.sampled_from([w for w in WORDS if w] + ["me", "%", "_", "'", "ü", "Ü", "\\", "LTD"]),
    st.text(alphabet=TEXT_ALPHABET, min_size=1, max_size=4),
)
decimals = st.one_of(
    st.sampled_from([Decimal(x) for x in ("0", "1", "-1", "12.5", "-0.01", "999.99", "100")]),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.integers(min_value=-1000, max_value=1000).map(Decimal),
)
INSTANTS = [
    datetime(2021, 1, 28, tzinfo=UTC),
    datetime(2021, 1, 28, 8, tzinfo=UTC),
    datetime(2021, 1, 28, 8, 0, 0, 500_000, tzinfo=UTC),
    datetime(2020, 2, 29, 23, 30, tzinfo=UTC),
    datetime(2000, 2, 29, 12, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC),
]
instants = st.one_of(
    st.sampled_from(INSTANTS),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=UTC)
    ),
)
OFFSETS = [timedelta(0), timedelta(hours=2), timedelta(hours=-5), timedelta(hours=5, minutes=30),
           timedelta(hours=14), timedelta(hours=-9, minutes=-45)]  # fmt: skip


@st.composite
def iso_datetimes(draw: st.DrawFn, moments: st.SearchStrategy[datetime] = instants) -> str:
    """One instant spelled any canonical way: date only, naive, Z or an offset, 0-3 digits."""
    instant = draw(moments)
    form = draw(st.sampled_from(["date", "naive", "Z", "offset"]))
    if form == "date":
        return instant.date().isoformat()
    if form == "offset":
        instant = instant.astimezone(timezone(draw(st.sampled_from(OFFSETS))))
    text = instant.strftime("%Y-%m-%dT%H:%M")
    precision = draw(st.sampled_from(["minutes", "seconds", "1", "2", "3"]))
    if precision != "minutes" or instant.second or instant.microsecond:
        text += f":{instant.second:02d}"
    if precision.isdigit() or instant.microsecond:
        digits = max(int(precision) if precision.isdigit() else 0, 3 if instant.microsecond else 0)
        text += "." + f"{instant.microsecond:06d}"[:digits]
    if form == "Z":
        return text + "Z"
    if form == "offset":
        return text + instant.strftime("%z")[:3] + ":" + instant.strftime("%z")[3:]
    return text


def _number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() and d.as_tuple().exponent == 0 else float(d)


def good(kind: FieldKind, moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[Any]:
    if kind is FieldKind.STRING:
        return texts
    if kind is FieldKind.NUMBER:
        return decimals.map(_number)
    if kind is FieldKind.DATETIME:
        return iso_datetimes(moments)
    return st.booleans()


WRONG: dict[FieldKind, st.SearchStrategy[Any]] = {
    FieldKind.STRING: st.sampled_from([5, True, ["Acme"], {"a": "Acme"}]),
    FieldKind.NUMBER: st.sampled_from(["12", True, "abc", [1]]),
    FieldKind.DATETIME: st.sampled_from(
        [
            *("now", "yesterday", "", 20210128, "2021-01-28 10:00:00", "2021-01-28T10:00:00 Z"),
            *("2021-02-30", "2021-02-29T10:00:00Z", "2100-02-29", "0000-01-01T00:00:00Z"),
            *("2021-04-31", "2021-01-28T24:00:00", "2021-01-28T10:00:00+15:00", "20210128"),
        ]
    ),
    FieldKind.BOOLEAN: st.sampled_from(["true", 1, 0, "false"]),
}


def stored(kind: FieldKind, moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[Any]:
    value = good(kind, moments)
    return st.one_of(value, value, value, st.none(), WRONG[kind])


def nested(prefix: str, moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[Any]:
    inner = {
        k.split(".", 1)[1]: stored(v, moments)
        for k, v in KINDS.items()
        if k.startswith(prefix + ".")
    }
    objects = st.fixed_dictionaries({}, optional=inner)
    return st.one_of(
        objects,
        objects,
        objects,
        objects,
        st.none(),
        st.just("Acme"),
        st.fixed_dictionaries(inner).map(lambda d: [d]),  # arrays are never entered
    )


def documents(moments: st.SearchStrategy[datetime] = instants) -> st.SearchStrategy[Any]:
    # The nested objects are always keyed; nested() makes them null, scalar, empty...
    return st.fixed_dictionaries(
        {"customerRef": nested("customerRef", moments), "metadata": nested("metadata", moments)},
        optional={k: stored(v, moments) for k, v in KINDS.items() if "." not in k},
    )


QUERY_VALUES: dict[FieldKind, st.SearchStrategy[str]] = {
    FieldKind.STRING: query_texts,
    FieldKind.NUMBER: decimals.map(lambda d: format(d, "f")),
    FieldKind.DATETIME: iso_datetimes(),
    FieldKind.BOOLEAN: st.sampled_from(["true", "false", "TRUE", "False"]),
}


def echo(kind: FieldKind, op: Operator, value: Any) -> st.SearchStrategy[str]:
    """Query text close to a stored value, so that = and ~ do match often."""
    if kind is FieldKind.STRING:
        spellings = st.sampled_from([value, value.swapcase(), value.upper()])
        if op is not Operator.CONTAINS:
            return spellings
        cuts = st.tuples(st.integers(0, len(value)), st.integers(0, len(value)))
        return st.one_of(spellings, cuts.map(lambda c: value[min(c) : max(c)]).filter(bool))
    if kind is FieldKind.NUMBER:
        return st.just(format(Decimal(repr(value)), "f"))
    if kind is FieldKind.DATETIME:
        moment = parse_datetime(value)
        assert moment is not None
        return st.one_of(st.just(value), iso_datetimes(st.just(moment)))
    return QUERY_VALUES[kind]


@st.composite
def clauses(
    draw: st.DrawFn, seen: dict[str, list[Any]] | None = None, name: str | None = None
) -> Clause:
    """A well-typed clause; with ``seen``, often on a value some document holds."""
    name = name or draw(st.sampled_from(sorted(KINDS)))
    kind = KINDS[name]
    op = draw(st.sampled_from(sorted(OPERATORS[kind])))
    values = QUERY_VALUES[kind]
    pool = [v for v in (seen or {}).get(name, []) if v != ""]
    from_pool = draw(st.integers(0, 3)) > 0  # three times in four
    if pool and from_pool:
        values = st.sampled_from(pool).flatmap(lambda v: echo(kind, op, v))
    return Clause(tuple(name.split(".")), op, draw(values))


def _compound(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    group = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(group.map(And), group.map(Or))


queries: st.SearchStrategy[Node] = st.recursive(clauses(), _compound, max_leaves=6)


def held(doc: dict[str, Any], name: str) -> Any:
    """The well-typed value ``doc`` holds at ``name``, or None."""
    value = EVALUATOR.read(doc, tuple(name.split(".")))
    if value is None:
        return None
    current: Any = doc
    for part in name.split("."):
        current = current[part]
    return current


Scenario = tuple[list[dict[str, Any]], Node, list[Clause]]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Documents; a query that often names values they hold; one probe clause per property.

    The documents' datetimes are a few instants, each spelled many ways, so that equal
    and near instants in different spellings meet on both sides of a comparison. The
    probes make every property face every example, which random queries alone do not.
    """
    moments = draw(st.lists(instants, min_size=1, max_size=3))
    docs = draw(st.lists(documents(st.sampled_from(moments)), min_size=4, max_size=12))
    seen = {name: [v for d in docs if (v := held(d, name)) is not None] for name in KINDS}
    node = draw(st.recursive(clauses(seen), _compound, max_leaves=6))
    return docs, node, [draw(clauses(seen, name)) for name in sorted(KINDS)]


order_terms = st.lists(
    st.builds(
        OrderTerm, st.sampled_from(sorted(KINDS)).map(lambda n: tuple(n.split("."))), st.booleans()
    ),
    min_size=0,
    max_size=3,
)

# ------------------------------------------------------------------------ properties


@given(node=queries, spaced=st.booleans())
def test_render_then_parse_round_trips(node: Node, spaced: bool) -> None:
    assert parse_query(render_query(node, spaced=spaced)) == node


@DB_SETTINGS
@given(scenario=scenarios(), terms=order_terms)
def test_sql_selects_what_the_evaluator_selects(
    engine: Engine, scenario: Scenario, terms: list[OrderTerm]
) -> None:
    docs, node, probes = scenario
    query = render_query(node)
    order = ",".join(("-" if t.descending else "") + ".".join(t.path) for t in terms)
    rows = [{"id": i, **doc} for i, doc in enumerate(docs)]
    expected = [r["id"] for r in EVALUATOR.sort(EVALUATOR.filter(rows, node), terms, tiebreak=_id)]
    with engine.connect() as conn:
        tx = conn.begin()
        try:
            TABLE.create(conn)
            conn.execute(TABLE.insert(), [{"id": i, "data": d} for i, d in enumerate(docs)])
            # Each clause alone too: inside && / || a wrong clause is often masked.
            for part in [node, *_clauses_of(node), *probes]:
                got = conn.execute(select(TABLE.c.id).where(compile_filter(part, RESOLVER)))
                want = {r["id"] for r in EVALUATOR.filter(rows, part)}
                assert set(got.scalars()) == want, render_query(part)
            ordered = apply_query(select(TABLE.c.id), RESOLVER, query, order, [TABLE.c.id])
            assert list(conn.execute(ordered).scalars()) == expected, (query, order)
        finally:
            tx.rollback()


def _clauses_of(node: Node) -> list[Clause]:
    if isinstance(node, Clause):
        return []  # the node itself is already checked
    found: list[Clause] = []
    for child in node.children:
        found.extend([child] if isinstance(child, Clause) else _clauses_of(child))
    return found


def _id(row: dict[str, Any]) -> int:
    return int(row["id"])


@st.composite
def odd_clauses(draw: st.DrawFn) -> str:
    """A known property, any operator, and a value that is often not valid for it."""
    name = draw(st.sampled_from(sorted(KINDS)))
    op = draw(st.sampled_from(list(Operator)))
    value = draw(
        st.one_of(
            QUERY_VALUES[KINDS[name]],
            st.text(alphabet="0123456789-+:.TZtrufalse eE%_", min_size=1, max_size=12),
        )
    )
    return render_query(Clause(tuple(name.split(".")), op, value))


@DB_SETTINGS
@given(docs=st.lists(documents(), max_size=6), query=odd_clauses())
def test_odd_values_fail_alike_or_run_alike(
    engine: Engine, docs: list[dict[str, Any]], query: str
) -> None:
    node = parse_query(query)
    try:
        condition = compile_filter(node, RESOLVER)
    except QueryError as exc:
        refused: QueryError | None = exc
    else:
        refused = None
    if refused is not None:
        with pytest.raises(QueryError) as evaluated:
            EVALUATOR.predicate(node)
        assert evaluated.value.message == refused.message
        return
    rows = [{"id": i, **doc} for i, doc in enumerate(docs)]
    expected = {r["id"] for r in EVALUATOR.filter(rows, node)}
    with engine.connect() as conn:
        tx = conn.begin()
        try:
            TABLE.create(conn)
            if docs:
                conn.execute(TABLE.insert(), [{"id": i, "data": d} for i, d in enumerate(docs)])
            assert set(conn.execute(select(TABLE.c.id).where(condition)).scalars()) == expected
        finally:
            tx.rollback()


QUERYISH = st.text(alphabet='{}&|=!~<>" \\.-_:aAzZ09T', max_size=40)


@settings(max_examples=300)
@given(text=st.one_of(st.text(max_size=60), QUERYISH))
def test_parse_query_raises_only_query_error(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as exc:
        position = exc.position
    else:
        return
    assert position is not None
    assert 0 <= position <= len(text)


@settings(max_examples=300)
@given(text=st.one_of(st.text(max_size=60), st.text(alphabet=",- .aAzZ09_", max_size=30)))
def test_parse_order_by_raises_only_query_error(text: str) -> None:
    try:
        parse_order_by(text)
    except QueryError as exc:
        position = exc.position
    else:
        return
    assert position is not None
    assert 0 <= position <= len(text)


KNOWN = [*sorted(KINDS), "unknown", "customerRef"]


@settings(max_examples=300)
@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(KNOWN),
            st.sampled_from(["=", "!=", "~", ">", "<=", "&&", "||", "{", "}"]),
            st.text(alphabet="0129-:.TZtrue %_ ", max_size=10),
        ),
        max_size=12,
    ).map("".join)
)
def test_compile_and_evaluate_raise_only_query_error(text: str) -> None:
    try:
        node = parse_query(text)
    except QueryError:
        return
    with contextlib.suppress(QueryError):
        compile_filter(node, RESOLVER)
    with contextlib.suppress(QueryError):
        EVALUATOR.filter([{"totalAmount": 1, "customerRef": {"companyName": "x"}}], node)
