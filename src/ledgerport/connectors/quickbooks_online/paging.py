"""How a QBO stream pages, declared per stream (the engine drives it).

A stream reads one or more entities in turn (``steps``: taxRates reads TaxRate, then
TaxCode; trackingCategories reads Class, then Department), each a query paged 1,000 at a
time. An incremental stream starts in ``cdc`` mode: with a ``since`` inside CDC's window
the reader answers the first request with one CDC call for all the stream's entities,
and that is the whole pull, unless CDC answered its maximum (it may have left objects
out): then the pull goes on as queries filtered on ``MetaData.LastUpdatedTime`` from the
first step. Without a ``since`` (a full pull), or past the window, the reader queries
from the start, and every later request says ``query``.

The request parameters are ours, not QBO's: ``mode``, ``entity`` and ``start``; the
reader turns them into a query or a CDC call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ledgerport.connectors.paging import Page, Params
from ledgerport.connectors.quickbooks_online.query import MAX_RESULTS, cdc_is_full, query_objects

CDC, QUERY = "cdc", "query"


@dataclass(frozen=True)
class Step:
    """One entity a stream reads. ``where``: a query condition (bank accounts are the
    Bank-type accounts) and ``keep`` the same test on an object, for CDC answers, which
    cannot be filtered. ``lookup``: read to complete the next steps' objects, not stored
    as records itself. ``paged``: false for one-object entities (CompanyInfo)."""

    entity: str
    where: str | None = None
    keep: Callable[[Mapping[str, Any]], bool] | None = None
    lookup: bool = False
    paged: bool = True


@dataclass(frozen=True)
class QueryPaging:
    steps: tuple[Step, ...]
    cdc: bool = True

    def step(self, entity: str) -> Step:
        return next(s for s in self.steps if s.entity == entity)

    @property
    def cdc_entities(self) -> tuple[str, ...]:
        return tuple(s.entity for s in self.steps if not s.lookup)

    def first(self) -> dict[str, str]:
        return {"mode": CDC if self.cdc else QUERY, "entity": self.steps[0].entity, "start": "1"}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        body = page.body if isinstance(page.body, Mapping) else {}
        if "CDCResponse" in body:
            if cdc_is_full(body):
                return {"mode": QUERY, "entity": self.steps[0].entity, "start": "1"}
            return None
        entity = current["entity"]
        count = len(query_objects(body, entity))
        if self.step(entity).paged and count >= MAX_RESULTS:
            return {"mode": QUERY, "entity": entity, "start": str(int(current["start"]) + count)}
        index = [s.entity for s in self.steps].index(entity)
        if index + 1 < len(self.steps):
            return {"mode": QUERY, "entity": self.steps[index + 1].entity, "start": "1"}
        return None
