"""QBO's query language, parsed and evaluated: pure, no HTTP.

``SELECT * | COUNT(*) FROM Entity [WHERE prop op value [AND ...]] [ORDERBY prop [ASC|DESC],
...] [STARTPOSITION n] [MAXRESULTS m]`` as Intuit's "Query operations and syntax" page
gives it: operators ``=``, ``<``, ``>``, ``<=``, ``>=``, ``IN (...)`` and ``LIKE`` (``%``
the only wildcard); no OR, no GROUP BY, no JOIN; keywords in any case; ``ORDER BY`` in
two words too (python-quickbooks' ``all()`` writes it so); a column list after ``*``
(python-quickbooks asks ``SELECT *, Sku FROM Item``) is accepted and, as QBO has no
projections, every property comes back. STARTPOSITION is 1-based, MAXRESULTS defaults
to 100 and is capped at 1,000.

A parse failure is QBO's 4000 "Error parsing query" (``QueryParserError: ...``); a
property the entity does not let you filter or sort on is 4001 "Invalid query"
(``QueryValidationError: property 'X' is not queryable``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cmp_to_key
from typing import Any, TypeVar

from ledgerport.simulators.qbo.dates import parse_moment
from ledgerport.simulators.qbo.faults import QUERY_PARSER, QUERY_VALIDATION, QboFault

DEFAULT_MAX_RESULTS = 100
MAX_RESULTS_CAP = 1000
OPERATORS = ("=", "<", ">", "<=", ">=", "IN", "LIKE")

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>-?\d+(?:\.\d+)?(?![\w.]))"
    r"|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(),*])|(?P<word>[A-Za-z_][\w.]*))"
)


@dataclass(frozen=True)
class Condition:
    prop: str
    op: str
    values: tuple[Any, ...]  # one value, or the IN list


@dataclass(frozen=True)
class Query:
    entity: str
    count: bool = False
    where: tuple[Condition, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()  # (prop, descending)
    start: int = 1
    max_results: int = DEFAULT_MAX_RESULTS


@dataclass
class _Tokens:
    items: list[tuple[str, str]]  # (kind, text)
    text: str
    pos: int = 0
    ends: list[int] = field(default_factory=list)

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _parse_error('Encountered "<EOF>"')
        self.pos += 1
        return token

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1].upper() in words:
            self.pos += 1
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.keyword(*words):
            token = self.peek()
            seen = "<EOF>" if token is None else token[1]
            raise _parse_error(f'Encountered "{seen}". Was expecting: {" or ".join(words)}')

    def punct(self, char: str) -> bool:
        token = self.peek()
        if token is not None and token == ("punct", char):
            self.pos += 1
            return True
        return False


def _parse_error(detail: str) -> QboFault:
    return QboFault(QUERY_PARSER, "Error parsing query", f"QueryParserError: {detail}")


def _tokenize(text: str) -> _Tokens:
    items: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            char = text[pos:].lstrip()[:1]
            raise _parse_error(f'Invalid content. Lexical error: Encountered: "{char}"')
        kind = match.lastgroup or "word"
        items.append((kind, match.group(kind)))
        pos = match.end()
    return _Tokens(items, text)


def _literal(token: tuple[str, str]) -> Any:
    kind, text = token
    if kind == "str":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if kind == "num":
        return Decimal(text)
    if kind == "word" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind == "word" and text.lower() == "null":
        return None
    raise _parse_error(f'Encountered "{text}". Was expecting a value')


def _int_after(tokens: _Tokens, what: str) -> int:
    kind, text = tokens.next()
    if kind != "num" or "." in text:
        raise _parse_error(f'Encountered "{text}". Was expecting an integer after {what}')
    return int(text)


def parse(text: str) -> Query:
    """The query in ``text``, or a 4000 ``QboFault``."""
    tokens = _tokenize(text)
    tokens.expect("SELECT")
    count = False
    if tokens.keyword("COUNT"):
        if not (tokens.punct("(") and tokens.punct("*") and tokens.punct(")")):
            raise _parse_error("Was expecting: COUNT(*)")
        count = True
    elif tokens.punct("*"):
        while tokens.punct(","):  # "SELECT *, Sku": no projections, every property returned
            if tokens.next()[0] != "word":
                raise _parse_error("Was expecting a property name")
    else:
        kind, _ = tokens.next()  # "SELECT Id FROM ...": accepted, all properties come back
        if kind != "word":
            raise _parse_error('Was expecting: "*" or COUNT(*)')
        while tokens.punct(","):
            tokens.next()
    tokens.expect("FROM")
    kind, entity = tokens.next()
    if kind != "word":
        raise _parse_error(f'Encountered "{entity}". Was expecting an entity name')
    where: list[Condition] = []
    if tokens.keyword("WHERE"):
        where.append(_condition(tokens))
        while tokens.keyword("AND"):
            where.append(_condition(tokens))
        if tokens.keyword("OR"):
            raise _parse_error('Encountered "OR": the OR operation is not supported')
    order: list[tuple[str, bool]] = []
    if tokens.keyword("ORDERBY") or (tokens.keyword("ORDER") and _by(tokens)):
        while True:
            kind, prop = tokens.next()
            if kind != "word":
                raise _parse_error(f'Encountered "{prop}". Was expecting a property name')
            descending = False
            if tokens.keyword("DESC"):
                descending = True
            else:
                tokens.keyword("ASC")
            order.append((prop, descending))
            if not tokens.punct(","):
                break
    start, max_results = 1, DEFAULT_MAX_RESULTS
    while tokens.peek() is not None:
        if tokens.keyword("STARTPOSITION"):
            start = _int_after(tokens, "STARTPOSITION")
        elif tokens.keyword("MAXRESULTS"):
            max_results = _int_after(tokens, "MAXRESULTS")
        else:
            raise _parse_error(f'Encountered "{tokens.next()[1]}"')
    return Query(
        entity=entity,
        count=count,
        where=tuple(where),
        order=tuple(order),
        start=max(start, 1),
        max_results=min(max(max_results, 0), MAX_RESULTS_CAP),
    )


def _by(tokens: _Tokens) -> bool:
    tokens.expect("BY")
    return True


def _condition(tokens: _Tokens) -> Condition:
    kind, prop = tokens.next()
    if kind != "word":
        raise _parse_error(f'Encountered "{prop}". Was expecting a property name')
    token = tokens.next()
    op = token[1].upper()
    if op not in OPERATORS:
        raise _parse_error(f'Encountered "{token[1]}". Was expecting one of: {OPERATORS}')
    if op == "IN":
        if not tokens.punct("("):
            raise _parse_error('Was expecting "(" after IN')
        values = [_literal(tokens.next())]
        while tokens.punct(","):
            values.append(_literal(tokens.next()))
        if not tokens.punct(")"):
            raise _parse_error('Was expecting ")" to close IN')
        return Condition(prop, op, tuple(values))
    return Condition(prop, op, (_literal(tokens.next()),))


# -- evaluation ------------------------------------------------------------------------

Record = Mapping[str, Any]
_DATE_TIME = frozenset({"metadata.lastupdatedtime", "metadata.createtime"})


def lookup(record: Record, prop: str) -> Any:
    """A (dotted) property of a record, matching names case-insensitively; a reference
    (``CustomerRef``) compares by its ``value``."""
    return _walk(record, prop.split("."))


def _walk(current: Any, parts: list[str]) -> Any:
    if isinstance(current, list):  # AttachableRef.EntityRef.value: any element's value
        found = [_walk(item, parts) for item in current]
        return [value for value in found if value is not None] or None
    if not parts:
        if isinstance(current, Mapping) and "value" in current:
            return current["value"]
        return current
    if not isinstance(current, Mapping):
        return None
    key = next((k for k in current if k.lower() == parts[0].lower()), None)
    return None if key is None else _walk(current[key], parts[1:])


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _compare(prop: str, left: Any, right: Any) -> int | None:
    """-1, 0 or 1 for ``left`` against ``right``; None when they cannot be compared."""
    if left is None or right is None:
        return None if left is not right else 0
    if prop.lower() in _DATE_TIME or isinstance(left, datetime):
        try:
            a = left if isinstance(left, datetime) else parse_moment(str(left))
            b = right if isinstance(right, datetime) else parse_moment(str(right))
        except ValueError:
            return None
        return (a > b) - (a < b)
    if isinstance(left, bool) or isinstance(right, bool):
        lb = left if isinstance(left, bool) else str(left).lower() == "true"
        rb = right if isinstance(right, bool) else str(right).lower() == "true"
        return (lb > rb) - (lb < rb)
    ln, rn = _number(left), _number(right)
    if ln is not None and rn is not None:
        return (ln > rn) - (ln < rn)
    ls, rs = str(left).lower(), str(right).lower()
    return (ls > rs) - (ls < rs)


def _like(value: Any, pattern: Any) -> bool:
    if value is None or pattern is None:
        return False
    parts = (re.escape(part) for part in str(pattern).lower().split("%"))
    return re.fullmatch(".*".join(parts), str(value).lower(), re.DOTALL) is not None


def matches(record: Record, condition: Condition) -> bool:
    value = lookup(record, condition.prop)
    if isinstance(value, list):
        return any(_matches_value(item, condition) for item in value)
    return _matches_value(value, condition)


def _matches_value(value: Any, condition: Condition) -> bool:
    if condition.op == "LIKE":
        return _like(value, condition.values[0])
    if condition.op == "IN":
        return any(_compare(condition.prop, value, v) == 0 for v in condition.values)
    result = _compare(condition.prop, value, condition.values[0])
    if result is None:
        return False
    return {
        "=": result == 0,
        "<": result < 0,
        ">": result > 0,
        "<=": result <= 0,
        ">=": result >= 0,
    }[condition.op]


def check_queryable(query: Query, queryable: Callable[[str], bool]) -> None:
    """4001 for the first WHERE or ORDERBY property the entity does not allow."""
    props = [c.prop for c in query.where] + [prop for prop, _ in query.order]
    for prop in props:
        if not queryable(prop):
            raise QboFault(
                QUERY_VALIDATION,
                "Invalid query",
                f"QueryValidationError: property '{prop}' is not queryable",
            )


def _order_key(order: Sequence[tuple[str, bool]]) -> Callable[[Record, Record], int]:
    def compare(a: Record, b: Record) -> int:
        for prop, descending in order:
            left, right = _first(lookup(a, prop)), _first(lookup(b, prop))
            result = _compare(prop, left, right)
            if result is None:  # a missing value sorts first, as a NULL does
                result = (left is not None) - (right is not None)
            if result:
                return -result if descending else result
        return 0

    return compare


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


R = TypeVar("R", bound=Record)


def select(records: Iterable[R], query: Query) -> tuple[list[R], int]:
    """The page of records the query asks for, and how many matched in all."""
    matched = [r for r in records if all(matches(r, c) for c in query.where)]
    if query.order:
        matched.sort(key=cmp_to_key(_order_key(query.order)))
    first = query.start - 1
    return matched[first : first + query.max_results], len(matched)


def query_response(entity: str, query: Query, page: Sequence[Record], total: int) -> dict[str, Any]:
    """The ``QueryResponse`` object: ``totalCount`` for COUNT(*); else the entity's array
    with ``startPosition`` and ``maxResults`` (the number returned), or ``{}`` when the
    page is empty."""
    if query.count:
        return {"totalCount": total}
    if not page:
        return {}
    return {entity: list(page), "startPosition": query.start, "maxResults": len(page)}
