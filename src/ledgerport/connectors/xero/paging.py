"""How Xero pages, as paginators the engine drives.

Lists go ``page=1, 2, ...``, 100 records a page. The page is measured on the body Xero
sent, not on what the reader kept of it (a reader may drop records another stream
owns), and Xero's ``pagination.pageCount``, when the answer carries it, says exactly
when to stop. ``/Journals`` goes by journal number instead: ``offset=N`` returns the
journals numbered above N, so the next offset is the highest number seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ledgerport.connectors.paging import Page, Params

PAGE_SIZE = 100


def _items(body: Any, collection: str) -> list[Any]:
    items = body.get(collection) if isinstance(body, Mapping) else None
    return items if isinstance(items, list) else []


@dataclass(frozen=True)
class XeroPages:
    """``?page=N`` over the list at ``collection`` in the body."""

    collection: str
    size: int = PAGE_SIZE

    def first(self) -> dict[str, str]:
        return {"page": "1"}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        number = int(current.get("page", "1"))
        paging = page.body.get("pagination") if isinstance(page.body, Mapping) else None
        if isinstance(paging, Mapping) and isinstance(paging.get("pageCount"), int):
            more = number < paging["pageCount"]
        else:
            more = len(_items(page.body, self.collection)) >= self.size
        return {**current, "page": str(number + 1)} if more else None


@dataclass(frozen=True)
class JournalNumbers:
    """``?offset=N``: the journals numbered above N, at most ``size`` a call."""

    size: int = PAGE_SIZE

    def first(self) -> dict[str, str]:
        return {"offset": "0"}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        journals = _items(page.body, "Journals")
        numbers = [
            j["JournalNumber"]
            for j in journals
            if isinstance(j, Mapping) and isinstance(j.get("JournalNumber"), int)
        ]
        if len(journals) < self.size or not numbers:
            return None
        return {**current, "offset": str(max(numbers))}
