"""The query language evaluated in Python over plain dicts.

Its semantics are exactly those of :func:`~ledgerport.storage.query.compile.compile_filter`
over a :class:`~ledgerport.storage.query.fields.JsonDocumentResolver` with the same kinds,
which makes it the oracle of the property-based tests (SQL result == this result, on
both engines), and lets the app filter data it holds in memory the way the database would:

* a value is read by walking nested objects; anything else on the way (a list, a
  scalar, a missing key), JSON null, or a value of the wrong JSON type is *missing*;
* missing matches ``!=`` only; text compares with ASCII-only case folding; numbers as
  decimals; datetimes as UTC instants rounded to the millisecond (``fields.py``);
* :meth:`DocumentEvaluator.sort` orders like ``compile_order``: text by code point,
  missing values last in both directions, then by the tiebreak.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from ledgerport.storage.query.fields import (
    FieldKind,
    JsonDocumentResolver,
    Value,
    fold_case,
    parse_datetime,
    typed_value,
    unknown_property,
)
from ledgerport.storage.query.parser import And, Clause, Node, Operator, OrderTerm

DocT = TypeVar("DocT", bound=Mapping[str, Any])
Predicate = Callable[[Mapping[str, Any]], bool]


class DocumentEvaluator:
    """Filters and sorts JSON-like documents whose dotted paths have declared kinds."""

    def __init__(self, resource_name: str, kinds: Mapping[str, FieldKind]) -> None:
        self.resource_name = resource_name
        self.kinds = dict(kinds)

    @classmethod
    def for_resolver(cls, resolver: JsonDocumentResolver) -> DocumentEvaluator:
        """The evaluator agreeing with ``resolver``'s SQL."""
        return cls(resolver.resource_name, resolver.kinds)

    def kind(self, path: tuple[str, ...], position: int | None = None) -> FieldKind:
        kind = self.kinds.get(".".join(path))
        if kind is None:
            raise unknown_property(self.resource_name, path, position)
        return kind

    def read(self, document: Mapping[str, Any], path: tuple[str, ...]) -> Value | None:
        """The typed value at ``path``, or None when it is missing (see module doc)."""
        return _read(document, path, self.kind(path))

    def predicate(self, node: Node) -> Predicate:
        """A test for ``node``; unknown properties and bad values raise QueryError now."""
        if isinstance(node, Clause):
            return self._clause(node)
        tests = [self.predicate(child) for child in node.children]
        if isinstance(node, And):
            return lambda doc: all(test(doc) for test in tests)
        return lambda doc: any(test(doc) for test in tests)

    def filter(self, documents: Iterable[DocT], node: Node | None) -> list[DocT]:
        if node is None:
            return list(documents)
        test = self.predicate(node)
        return [doc for doc in documents if test(doc)]

    def sort(
        self,
        documents: Iterable[DocT],
        terms: Sequence[OrderTerm],
        *,
        tiebreak: Callable[[DocT], Any] | None = None,
    ) -> list[DocT]:
        keys = [(term.path, self.kind(term.path, term.position), term.descending) for term in terms]

        def compare(a: DocT, b: DocT) -> int:
            for path, kind, descending in keys:
                left, right = _read(a, path, kind), _read(b, path, kind)
                if left is None or right is None:
                    if left is None and right is None:
                        continue
                    return 1 if left is None else -1  # missing last, either direction
                if left == right:
                    continue
                result = -1 if _less(left, right) else 1
                return -result if descending else result
            if tiebreak is None:
                return 0
            ta, tb = tiebreak(a), tiebreak(b)
            return -1 if ta < tb else (1 if ta > tb else 0)

        return sorted(documents, key=functools.cmp_to_key(compare))

    def _clause(self, clause: Clause) -> Predicate:
        kind = self.kind(clause.path, clause.position)
        wanted = typed_value(clause, kind)
        if isinstance(wanted, str):
            wanted = fold_case(wanted)
        path, op = clause.path, clause.op

        def test(doc: Mapping[str, Any]) -> bool:
            stored = _read(doc, path, kind)
            if stored is None:
                return op is Operator.NE
            if isinstance(stored, str):
                stored = fold_case(stored)
            return _apply(op, stored, wanted)

        return test


def _read(document: Mapping[str, Any], path: tuple[str, ...], kind: FieldKind) -> Value | None:
    current: Any = document
    for part in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    if kind is FieldKind.STRING:
        return current if isinstance(current, str) else None
    if kind is FieldKind.BOOLEAN:
        return current if isinstance(current, bool) else None
    if kind is FieldKind.DATETIME:
        return parse_datetime(current) if isinstance(current, str) else None
    if isinstance(current, bool) or not isinstance(current, int | float | Decimal):
        return None
    if isinstance(current, float):
        return Decimal(repr(current)) if math.isfinite(current) else None
    if isinstance(current, int):
        return Decimal(current)
    return current if current.is_finite() else None


def _less(left: Any, right: Any) -> bool:
    return bool(left < right)


def _apply(op: Operator, stored: Any, wanted: Any) -> bool:
    if op is Operator.EQ:
        return bool(stored == wanted)
    if op is Operator.NE:
        return bool(stored != wanted)
    if op is Operator.CONTAINS:
        return bool(wanted in stored)
    if op is Operator.GT:
        return bool(stored > wanted)
    if op is Operator.LT:
        return bool(stored < wanted)
    if op is Operator.GE:
        return bool(stored >= wanted)
    return bool(stored <= wanted)
