"""Codat's ``query`` and ``orderBy`` languages: text in, a small immutable AST out.

Grammar (whitespace is allowed between any two tokens)::

    query    := expr
    expr     := term ( "&&" term )*  |  term ( "||" term )*
    term     := "{" expr "}"  |  clause
    clause   := path operator value
    path     := ident ( "." ident )*          ident := [A-Za-z_][A-Za-z0-9_]*
    operator := "!=" | ">=" | "<=" | "=" | "~" | ">" | "<"
    value    := '"' ( '\\' any | not '"' )* '"'  |  bare
    bare     := text up to the next "&&", "||", "}" or the end, trimmed

    orderBy  := term ( "," term )*            term := ["-"] path

Why it looks like this:

* Values are bare because that is what Codat's clients send (``currency=GBP``,
  ``customerRef.companyName~Acme Ltd``), so a bare value may hold spaces, dashes, colons,
  dots, ``@``... Double quotes are optional and exist only so that a value can contain
  ``&&``, ``||``, ``}`` or surrounding spaces; inside them ``\\`` escapes the next character.
* ``&&`` and ``||`` have no precedence: mixing them at one level without braces is
  rejected, as Codat does, instead of silently guessing what the caller meant.
* Positions in errors are 0-based character offsets into the text the caller sent.
* Every malformed input raises :class:`~ledgerport.errors.QueryError`, never anything
  else: the text is capped at 2048 characters and braces at 32 levels, so neither the
  parser nor the compiler can hit Python's recursion limit.

The parser knows nothing about property types; checking an operator and value against a
property's kind happens when the AST is compiled (``compile.py``) or evaluated
(``evaluate.py``), because only a resolver knows the resource.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn

from ledgerport.errors import QueryError

MAX_QUERY_LENGTH = 2048
MAX_DEPTH = 32

_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_TERMINATORS = ("&&", "||", "}")


class Operator(StrEnum):
    EQ = "="
    NE = "!="
    CONTAINS = "~"
    GT = ">"
    LT = "<"
    GE = ">="
    LE = "<="


# Longest first, so ">=" is not read as ">" followed by a value starting with "=".
_OPERATORS = sorted(Operator, key=lambda op: -len(op.value))


@dataclass(frozen=True)
class Clause:
    """``path op value``. Positions are for error messages only and never compared."""

    path: tuple[str, ...]
    op: Operator
    value: str
    position: int = field(default=0, compare=False)
    op_position: int = field(default=0, compare=False)
    value_position: int = field(default=0, compare=False)

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Clause | And | Or


@dataclass(frozen=True)
class OrderTerm:
    path: tuple[str, ...]
    descending: bool = False
    position: int = field(default=0, compare=False)

    @property
    def name(self) -> str:
        return ".".join(self.path)


def parse_query(text: str) -> Node:
    """Parse a ``query`` parameter (already URL-decoded) into an AST."""
    _check_text(text, "Query")
    if not text.strip():
        raise QueryError("Query is empty", position=0)
    return _Parser(text).parse()


def parse_order_by(text: str) -> tuple[OrderTerm, ...]:
    """Parse an ``orderBy`` parameter; blank text means no ordering."""
    _check_text(text, "orderBy")
    if not text.strip():
        return ()
    terms: list[OrderTerm] = []
    start = 0
    for part in text.split(","):
        lead = len(part) - len(part.lstrip())
        body = part.strip()
        pos = start + lead
        descending = body.startswith("-")
        if descending:
            body = body[1:]
            pos += 1
        if not body:
            raise QueryError("Expected a property name in orderBy", position=pos)
        match = _PATH.fullmatch(body)
        if match is None:
            bad = _PATH.match(body)
            at = pos + (bad.end() if bad else 0)
            raise QueryError(f"'{body}' is not a property name", position=at)
        terms.append(OrderTerm(tuple(body.split(".")), descending, pos))
        start += len(part) + 1
    return tuple(terms)


def render_query(node: Node, *, spaced: bool = False) -> str:
    """Text that :func:`parse_query` reads back as ``node`` (used by tests and logs)."""
    if isinstance(node, Clause):
        gap = " " if spaced else ""
        return f"{node.name}{gap}{node.op.value}{gap}{render_value(node.value)}"
    joiner = " && " if spaced else "&&"
    if isinstance(node, Or):
        joiner = " || " if spaced else "||"
    parts = []
    for child in node.children:
        text = render_query(child, spaced=spaced)
        parts.append(text if isinstance(child, Clause) else "{" + text + "}")
    return joiner.join(parts)


def render_value(value: str) -> str:
    """The value bare when it reads back unchanged, else double-quoted and escaped."""
    bare_safe = (
        value
        and value == value.strip()
        and value[0] not in '"='
        and value[-1] not in "&|"
        and not any(t in value for t in _TERMINATORS)
    )
    if bare_safe:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check_text(text: str, what: str) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"{what} is longer than {MAX_QUERY_LENGTH} characters", position=MAX_QUERY_LENGTH
        )
    for i, ch in enumerate(text):
        # Neither engine can store NUL in text, and lone surrogates cannot be encoded.
        if ch == "\x00" or "\ud800" <= ch <= "\udfff":
            raise QueryError(f"{what} contains an invalid character", position=i)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def parse(self) -> Node:
        node = self.expr()
        self.skip_ws()
        if self.pos < len(self.text):
            # A term always ends at "&&", "||", "}" or the end, so only "}" is left here.
            self.fail("Unexpected } without a matching {")
        return node

    def fail(self, message: str, position: int | None = None) -> NoReturn:
        raise QueryError(message, position=self.pos if position is None else position)

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_terminator(self) -> bool:
        return self.text.startswith(_TERMINATORS, self.pos)

    def expr(self) -> Node:
        children = [self.term(after=None)]
        combinator: str | None = None
        while True:
            self.skip_ws()
            token = self.text[self.pos : self.pos + 2]
            if token not in ("&&", "||"):
                break
            if combinator is not None and token != combinator:
                self.fail("Mixing && and || needs braces {} to group them")
            combinator = token
            self.pos += 2
            children.append(self.term(after=token))
        if combinator is None:
            return children[0]
        return And(tuple(children)) if combinator == "&&" else Or(tuple(children))

    def term(self, after: str | None) -> Node:
        self.skip_ws()
        if self.pos >= len(self.text) or self.text[self.pos] in "&|}":
            where = f" after {after}" if after else ""
            self.fail(f"Expected a property name or {{{where}")
        if self.text[self.pos] != "{":
            return self.clause()
        opened = self.pos
        if self.depth >= MAX_DEPTH:
            self.fail(f"Braces are nested deeper than {MAX_DEPTH} levels")
        self.depth += 1
        self.pos += 1
        node = self.expr()
        self.skip_ws()
        if self.pos >= len(self.text) or self.text[self.pos] != "}":
            self.fail(f"Missing closing }} for the {{ at position {opened}")
        self.pos += 1
        self.depth -= 1
        return node

    def clause(self) -> Clause:
        start = self.pos
        match = _PATH.match(self.text, self.pos)
        if match is None:
            self.fail(f"Expected a property name, found '{self.text[self.pos]}'")
        self.pos = match.end()
        name = match.group()
        if self.text.startswith(".", self.pos):
            self.fail(f"Expected a property name after '{name}.'", self.pos + 1)
        self.skip_ws()
        op_position = self.pos
        op = next((o for o in _OPERATORS if self.text.startswith(o.value, self.pos)), None)
        if op is None:
            self.fail(f"Expected an operator (=, !=, ~, >, <, >=, <=) after property {name}")
        self.pos += len(op.value)
        self.skip_ws()
        value_position = self.pos
        value = self.value(op)
        return Clause(tuple(name.split(".")), op, value, start, op_position, value_position)

    def value(self, op: Operator) -> str:
        if self.pos >= len(self.text) or self.at_terminator():
            self.fail(f"Missing value after operator {op.value}")
        if self.text[self.pos] == '"':
            return self.quoted()
        start = self.pos
        while self.pos < len(self.text) and not self.at_terminator():
            self.pos += 1
        return self.text[start : self.pos].strip()

    def quoted(self) -> str:
        opened = self.pos
        self.pos += 1
        chars: list[str] = []
        while True:
            if self.pos >= len(self.text):
                self.fail(f'Missing closing " for the " at position {opened}')
            ch = self.text[self.pos]
            if ch == '"':
                break
            if ch == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
                ch = self.text[self.pos]
            chars.append(ch)
            self.pos += 1
        self.pos += 1
        self.skip_ws()
        if self.pos < len(self.text) and not self.at_terminator():
            self.fail("Unexpected text after a quoted value; expected &&, || or }")
        if not chars:
            self.fail("Empty value", opened)
        return "".join(chars)
