"""Xero's ``where`` and ``order`` query parameters, the subset clients use:

- comparisons ``==`` (or ``=``), ``!=``, ``<``, ``<=``, ``>``, ``>=`` between a field
  path (``Status``, ``Contact.ContactID``) and a value: ``"text"``, a number,
  ``true``/``false``, ``null``, ``guid("...")``, ``DateTime(2024,01,31)`` (or with
  hours, minutes, seconds);
- ``Name.Contains("x")``, ``.StartsWith("x")``, ``.EndsWith("x")``;
- ``&&``/``AND``, ``||``/``OR`` and parentheses;
- ``order=Date DESC,InvoiceNumber`` (ASC by default).

Dates compare as moments (record dates are ``/Date()/``); GUIDs compare without case.
An expression outside this subset is refused with Xero's ``QueryParseException``
rather than ignored, so a client never reads a silently unfiltered list."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ledgerport.simulators.xero.dates import parse_ms_date

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<=|>=|=|<|>|&&|\|\||\(|\)|,)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_METHODS: dict[str, Callable[[str, str], bool]] = {
    "Contains": lambda field, value: value in field,
    "StartsWith": lambda field, value: field.startswith(value),
    "EndsWith": lambda field, value: field.endswith(value),
}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class QueryError(ValueError):
    """A ``where`` or ``order`` outside the supported subset."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise QueryError(f"cannot read the where clause at {text[pos:]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (expected is not None and token[1] != expected):
            raise QueryError(f"expected {expected or 'more'} in the where clause")
        self.pos += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.either()
        if self.peek() is not None:
            raise QueryError(f"unexpected {self.peek()[1]!r} in the where clause")  # type: ignore[index]
        return predicate

    def either(self) -> Predicate:
        parts = [self.both()]
        while (token := self.peek()) is not None and token[1] in ("||", "OR", "or"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else lambda r: any(p(r) for p in parts)

    def both(self) -> Predicate:
        parts = [self.single()]
        while (token := self.peek()) is not None and token[1] in ("&&", "AND", "and"):
            self.take()
            parts.append(self.single())
        return parts[0] if len(parts) == 1 else lambda r: all(p(r) for p in parts)

    def single(self) -> Predicate:
        if self.peek() == ("op", "("):
            self.take("(")
            inner = self.either()
            self.take(")")
            return inner
        kind, path = self.take()
        if kind != "word":
            raise QueryError(f"expected a field name, got {path!r}")
        head, _, method = path.rpartition(".")
        if head and method in _METHODS:
            self.take("(")
            value = self.value()
            self.take(")")
            if not isinstance(value, str):
                raise QueryError(f"{method} takes a string")
            test = _METHODS[method]
            return lambda r: isinstance(f := _get(r, head), str) and test(f, value)
        kind, op = self.take()
        if kind != "op" or op not in ("==", "=", "!=", "<", "<=", ">", ">="):
            raise QueryError(f"expected a comparison after {path}, got {op!r}")
        value = self.value()
        return lambda r: _compare(_get(r, path), op, value)

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "number":
            return Decimal(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if text in ("guid", "Guid", "GUID"):
            self.take("(")
            guid = self.value()
            self.take(")")
            if not isinstance(guid, str) or not _GUID.match(guid):
                raise QueryError(f"not a GUID: {guid!r}")
            return guid.lower()
        if text in ("DateTime", "DateTimeOffset"):
            self.take("(")
            parts = [self.take()[1]]
            while self.peek() == ("op", ","):
                self.take(",")
                parts.append(self.take()[1])
            self.take(")")
            try:
                n = [int(p) for p in parts] + [0, 0, 0]
                return datetime(n[0], n[1], n[2], n[3], n[4], n[5], tzinfo=UTC)
            except (IndexError, ValueError):
                raise QueryError(f"not a date: DateTime({','.join(parts)})") from None
        raise QueryError(f"cannot read the value {text!r}")


def _get(record: Record, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _comparable(field: Any, value: Any) -> tuple[Any, Any] | None:
    """The field as the value's kind, or None when the two cannot be compared."""
    if value is None or field is None:
        return field, value
    if isinstance(value, bool):
        return (field, value) if isinstance(field, bool) else None
    if isinstance(value, datetime):
        try:
            return parse_ms_date(field), value
        except (TypeError, ValueError):
            return None
    if isinstance(value, Decimal):
        try:
            return Decimal(str(field)), value
        except InvalidOperation:
            return None
    if isinstance(field, str) and _GUID.match(field) and _GUID.match(value):
        return field.lower(), value.lower()
    return (field, value) if isinstance(field, str) else None


def _compare(field: Any, op: str, value: Any) -> bool:
    pair = _comparable(field, value)
    if pair is None:
        return op == "!="
    left, right = pair
    if op in ("==", "="):
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if left is None or right is None:
        return False
    checks = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}
    return bool(checks[op])


def where(text: str) -> Predicate:
    """The predicate a ``where`` parameter stands for; raises :class:`QueryError`."""
    return _Parser(text).parse()


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, str) and value.startswith("/Date("):
        return (1, parse_ms_date(value).timestamp())
    if isinstance(value, bool | int | float | Decimal):
        return (1, float(value))
    return (2, str(value).casefold())


def order(records: list[Record], text: str) -> list[Record]:
    """``records`` sorted by an ``order`` parameter (stable, last key applied first)."""
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or not re.match(r"^[A-Za-z_][A-Za-z0-9_.]*$", words[0]):
            raise QueryError(f"cannot read the order {text!r}")
        direction = words[1].upper() if len(words) == 2 else "ASC"
        if direction not in ("ASC", "DESC"):
            raise QueryError(f"order direction must be ASC or DESC, not {words[1]!r}")
        keys.append((words[0], direction == "DESC"))
    out = list(records)
    for path, descending in reversed(keys):
        out.sort(key=lambda r, p=path: _sort_key(_get(r, p)), reverse=descending)  # type: ignore[misc]
    return out
