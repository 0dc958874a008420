"""One supplier per business across every uploaded file.

Drafts are grouped when their tax numbers match, when their names reduce to the same key
(:func:`names.supplier_key`), or when the keys are close enough (rapidfuzz
``token_sort_ratio`` at or above ``threshold``), except that two different tax numbers
always mean two suppliers, however alike the names, and so do names whose numbers differ
("Shop 12", "Shop 13"). Groups and ids depend only on the set of drafts, not their order,
so importing the same files again yields the same suppliers.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ledgerport.connectors.file_upload.understanding.drafts import Source, SupplierDraft
from ledgerport.connectors.file_upload.understanding.names import supplier_key, tax_key

_DIGITS = re.compile(r"\d+")
NAMESPACE = uuid.UUID("6f1c6a38-6a3e-4c55-9a34-7c1b2d8f0e51")
DEFAULT_THRESHOLD = 90.0


@dataclass(frozen=True)
class SupplierGroup:
    id: str
    name: str
    keys: frozenset[str]
    tax_number: str | None
    email: str | None
    phone: str | None
    currency: str | None
    names: tuple[str, ...]
    sources: tuple[Source, ...]


class _Groups:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.taxes: list[set[str]] = [set() for _ in range(size)]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or (self.taxes[ra] and self.taxes[rb] and self.taxes[ra] != self.taxes[rb]):
            return
        ra, rb = min(ra, rb), max(ra, rb)
        self.parent[rb] = ra
        self.taxes[ra] |= self.taxes[rb]


def group_suppliers(
    drafts: Sequence[SupplierDraft], threshold: float = DEFAULT_THRESHOLD
) -> tuple[list[SupplierGroup], dict[str, str]]:
    """The suppliers, and the id each name key belongs to (for bills' ``supplierRef``)."""
    keys = sorted({supplier_key(d.name) for d in drafts})
    index = {key: i for i, key in enumerate(keys)}
    groups = _Groups(len(keys))
    for draft in drafts:
        if (tax := tax_key(draft.tax_number)) is not None:
            groups.taxes[index[supplier_key(draft.name)]].add(tax)
    by_tax: dict[str, int] = {}
    for key in keys:
        for tax in sorted(groups.taxes[index[key]]):
            if tax in by_tax:
                groups.join(by_tax[tax], index[key])
            by_tax.setdefault(tax, index[key])
    for i, key in enumerate(keys):
        if len(key) < 4:
            continue  # "abc" vs "abd" is noise, not a typo
        for _, score, j in process.extract(
            key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=None
        ):
            # "Store 12" and "Store 13" are two businesses however close the text.
            if j > i and score >= threshold and _DIGITS.findall(key) == _DIGITS.findall(keys[j]):
                groups.join(i, j)
    members: dict[int, list[SupplierDraft]] = {}
    for draft in drafts:
        members.setdefault(groups.find(index[supplier_key(draft.name)]), []).append(draft)
    result, ids = [], {}
    for root in sorted(members):
        group = _group(members[root])
        result.append(group)
        ids.update(dict.fromkeys(group.keys, group.id))
    return result, ids


def _first(values: list[str | None]) -> str | None:
    present = [v for v in values if v]
    return Counter(present).most_common(1)[0][0] if present else None


def _group(drafts: list[SupplierDraft]) -> SupplierGroup:
    keys = frozenset(supplier_key(d.name) for d in drafts)
    names = Counter(d.name for d in drafts)
    # The most used spelling, then the longest (it carries the legal form), then by text.
    name = min(names, key=lambda n: (-names[n], -len(n), n))
    anchor = min(keys)
    sources = tuple(
        sorted({d.source for d in drafts}, key=lambda s: (s.file_name, s.rows, s.page or 0))
    )
    return SupplierGroup(
        id=str(uuid.uuid5(NAMESPACE, f"supplier|{anchor}")),
        name=name,
        keys=keys,
        tax_number=_first([d.tax_number for d in drafts]),
        email=_first([d.email for d in drafts]),
        phone=_first([d.phone for d in drafts]),
        currency=_first([d.currency for d in drafts]),
        names=tuple(sorted(names)),
        sources=sources,
    )
