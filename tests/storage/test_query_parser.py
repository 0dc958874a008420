"""The query and orderBy parsers, and the type checks a resolver adds (no database)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlencode

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from ledgerport.errors import QueryError
from ledgerport.storage.query import (
    And,
    Clause,
    DocumentEvaluator,
    FieldKind,
    JsonDocumentResolver,
    Operator,
    Or,
    OrderTerm,
    compile_filter,
    parse_order_by,
    parse_query,
    render_query,
    typed_value,
)
from ledgerport.storage.types import json_type

_TABLE = Table("parser_docs", MetaData(), Column("id", Integer), Column("data", json_type()))
RESOLVER = JsonDocumentResolver(
    "Invoices",
    _TABLE.c.data,
    {
        "status": FieldKind.STRING,
        "customerRef.companyName": FieldKind.STRING,
        "totalAmount": FieldKind.NUMBER,
        "issueDate": FieldKind.DATETIME,
        "metadata.isDeleted": FieldKind.BOOLEAN,
    },
)


def clause(path: str, op: str, value: str) -> Clause:
    return Clause(tuple(path.split(".")), Operator(op), value)


@pytest.mark.parametrize("op", [o.value for o in Operator])
def test_every_operator(op: str) -> None:
    assert parse_query(f"totalAmount{op}100") == clause("totalAmount", op, "100")
    assert parse_query(f"  totalAmount {op}  100 ") == clause("totalAmount", op, "100")


def test_and_or_and_braces_with_spaces() -> None:
    node = parse_query("{totalAmount > 100 || totalAmount < 50} && status != paid")
    assert node == And(
        (
            Or((clause("totalAmount", ">", "100"), clause("totalAmount", "<", "50"))),
            clause("status", "!=", "paid"),
        )
    )


def test_nesting_keeps_the_brace_structure() -> None:
    node = parse_query("{a=1&&{b=2||{c=3&&d=4}}}||e=5")
    assert node == Or(
        (
            And(
                (
                    clause("a", "=", "1"),
                    Or(
                        (clause("b", "=", "2"), And((clause("c", "=", "3"), clause("d", "=", "4"))))
                    ),
                )
            ),
            clause("e", "=", "5"),
        )
    )
    assert parse_query("{{{a=1}}}") == clause("a", "=", "1")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("customerRef.companyName~Acme Ltd", "Acme Ltd"),
        ("customerRef.companyName =  Acme   Trading  Ltd.  ", "Acme   Trading  Ltd."),
        ("email=jane.doe+test@example.com", "jane.doe+test@example.com"),
        ("issueDate>2021-01-28T10:00:00+02:00", "2021-01-28T10:00:00+02:00"),
        ("note=a & b | c {d", "a & b | c {d"),
        ("note==x", "=x"),
        ('note=O"Brien', 'O"Brien'),
        ('note="a && b || c}"', "a && b || c}"),
        ('note=" padded "', " padded "),
        (r'note="say \"hi\" \\ bye"', r'say "hi" \ bye'),
        ("note=50%", "50%"),
    ],
)
def test_bare_and_quoted_values(text: str, value: str) -> None:
    node = parse_query(text)
    assert isinstance(node, Clause)
    assert node.value == value


def test_a_query_as_the_codat_sdks_send_it_after_url_decoding() -> None:
    query = "customerRef.companyName=Acme Ltd&&status=Submitted"
    decoded = parse_qs(urlencode({"query": query}))["query"][0]
    assert parse_query(decoded) == And(
        (clause("customerRef.companyName", "=", "Acme Ltd"), clause("status", "=", "Submitted"))
    )


def test_positions_are_recorded_but_not_compared() -> None:
    node = parse_query("  status != paid")
    assert isinstance(node, Clause)
    assert (node.position, node.op_position, node.value_position) == (2, 9, 12)
    assert node == clause("status", "!=", "paid")


@pytest.mark.parametrize(
    "text",
    [
        "a=1",
        "{a=1||b=2}&&c=x y",
        'a="x && y"&&b=" lead"&&c="\\"q\\""',
        "a>=5||b<=-1.5||c~%_",
        "a.b.c!=1",
    ],
)
def test_render_round_trips(text: str) -> None:
    node = parse_query(text)
    assert parse_query(render_query(node)) == node
    assert parse_query(render_query(node, spaced=True)) == node


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("{status=paid", "Missing closing } for the { at position 0", 12),
        ("status=paid}", "Unexpected } without a matching {", 11),
        ("status=", "Missing value after operator =", 7),
        ("status=   && a=1", "Missing value after operator =", 10),
        ("status= }", "Missing value after operator =", 8),
        ('status=""', "Empty value", 7),
        ('status="paid', 'Missing closing " for the " at position 7', 12),
        ('status="paid" x', "Unexpected text after a quoted value", 14),
        ("status paid", "Expected an operator", 7),
        ("status", "Expected an operator", 6),
        ("status=paid&&", "Expected a property name or { after &&", 13),
        ("status=paid || ", "Expected a property name or { after ||", 15),
        ("&&status=paid", "Expected a property name or {", 0),
        ("{}", "Expected a property name or {", 1),
        ("a=1&&b=2||c=3", "Mixing && and || needs braces {} to group them", 8),
        ("a=1 || b=2 && c=3", "Mixing && and || needs braces {} to group them", 11),
        ("=paid", "Expected a property name, found '='", 0),
        ("1abc=paid", "Expected a property name, found '1'", 0),
        ("customerRef.=x", "Expected a property name after 'customerRef.'", 12),
        ("   ", "Query is empty", 0),
        ("a=b\x00", "Query contains an invalid character", 3),
    ],
)
def test_syntax_errors_say_where(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.position == position
    assert message in caught.value.message
    assert caught.value.message.startswith("Error parsing query - ")
    assert caught.value.message.endswith(f"(at position {position})")
    assert caught.value.status_code == 400


def test_queries_longer_than_2048_characters_are_refused() -> None:
    ok = "status=" + "x" * (2048 - len("status="))
    assert isinstance(parse_query(ok), Clause)
    with pytest.raises(QueryError, match="longer than 2048 characters"):
        parse_query(ok + "x")
    with pytest.raises(QueryError, match="longer than 2048 characters"):
        parse_order_by("a," * 1025)


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    assert parse_query("{" * 32 + "a=1" + "}" * 32) == clause("a", "=", "1")
    with pytest.raises(QueryError, match="nested deeper than 32") as caught:
        parse_query("{" * 1000 + "a=1" + "}" * 1000)
    assert caught.value.position == 32


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("name", (OrderTerm(("name",)),)),
        ("-modifiedDate", (OrderTerm(("modifiedDate",), descending=True),)),
        (
            " name , -created,customerRef.companyName ",
            (
                OrderTerm(("name",)),
                OrderTerm(("created",), descending=True),
                OrderTerm(("customerRef", "companyName")),
            ),
        ),
        ("", ()),
        ("  ", ()),
    ],
)
def test_order_by(text: str, terms: tuple[OrderTerm, ...]) -> None:
    assert parse_order_by(text) == terms


def test_order_by_positions() -> None:
    assert [t.position for t in parse_order_by("name, -created")] == [0, 7]


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("name,,created", "Expected a property name in orderBy", 5),
        ("-", "Expected a property name in orderBy", 1),
        ("name,", "Expected a property name in orderBy", 5),
        ("first name", "'first name' is not a property name", 5),
        ("--name", "'-name' is not a property name", 1),
        ("name.", "'name.' is not a property name", 4),
    ],
)
def test_order_by_errors(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_order_by(text)
    assert message in caught.value.message
    assert caught.value.position == position


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("currency=GBP", "Could not resolve property currency on Invoices", 0),
        ("status=x&&lines.amount>1", "Could not resolve property lines.amount on Invoices", 10),
        ("status>paid", "operator > is not supported for text property status", 6),
        (
            "customerRef.companyName<=A",
            "operator <= is not supported for text property customerRef.companyName",
            23,
        ),
        ("totalAmount~10", "operator ~ is not supported for number property totalAmount", 11),
        ("issueDate~2021", "operator ~ is not supported for date property issueDate", 9),
        (
            "metadata.isDeleted>true",
            "operator > is not supported for boolean property metadata.isDeleted",
            18,
        ),
        ("totalAmount>ten", "'ten' is not a number (property totalAmount)", 12),
        ("totalAmount>1e5", "'1e5' is not a number", 12),
        ("totalAmount>NaN", "'NaN' is not a number", 12),
        ("totalAmount = 1,000", "'1,000' is not a number", 14),
        ("issueDate>28/01/2021", "'28/01/2021' is not a date (property issueDate)", 10),
        ("issueDate>2021-02-30", "'2021-02-30' is not a date", 10),
        ("issueDate>2021-01-28T25:00:00", "is not a date", 10),
        ("issueDate>2021-01-28 10:00:00", "is not a date", 10),
        ("issueDate>2021-01-28T10:00:00+0200", "is not a date", 10),
        ("metadata.isDeleted=yes", "'yes' is not true or false", 19),
    ],
)
def test_type_errors_from_the_resolver(text: str, message: str, position: int) -> None:
    node = parse_query(text)
    with pytest.raises(QueryError) as compiled:
        compile_filter(node, RESOLVER)
    assert message in compiled.value.message
    assert compiled.value.position == position
    # The evaluator refuses the same queries with the same words.
    with pytest.raises(QueryError) as evaluated:
        DocumentEvaluator.for_resolver(RESOLVER).predicate(node)
    assert evaluated.value.message == compiled.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("totalAmount=-12.50", Decimal("-12.50")),
        ("totalAmount=+.5", Decimal("0.5")),
        ("totalAmount=7.", Decimal("7")),
        ("metadata.isDeleted=TRUE", True),
        ("metadata.isDeleted=False", False),
    ],
)
def test_accepted_value_spellings(text: str, expected: object) -> None:
    compile_filter(parse_query(text), RESOLVER)  # no error
    node = parse_query(text)
    assert isinstance(node, Clause)
    assert typed_value(node, RESOLVER.resolve(node.path).kind) == expected
