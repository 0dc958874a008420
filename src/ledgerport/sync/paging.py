"""The engine's paging loop guard: the same request twice, or the same page answered
twice in a row, means the platform (or a paginator) is going round in circles, and a
pull must end rather than spin forever or skip a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ledgerport.errors import LedgerportError


class PagingLoopError(LedgerportError):
    """A page request repeated, or the page cap was reached: the pull fails honestly."""


class PageGuard:
    def __init__(self, max_pages: int = 100_000) -> None:
        self.max_pages = max_pages
        self._seen: set[tuple[tuple[str, str], ...]] = set()
        self._previous: Sequence[Any] = ()

    def check(self, params: Mapping[str, str]) -> None:
        """Call with each request's parameters before sending it."""
        key = tuple(sorted(params.items()))
        if key in self._seen:
            raise PagingLoopError(
                f"Loop detected in paging: the request {dict(key)} was already made."
            )
        if len(self._seen) >= self.max_pages:
            raise PagingLoopError(f"Gave up after {self.max_pages} pages.")
        self._seen.add(key)

    def check_answer(self, params: Mapping[str, str], records: Sequence[Any]) -> None:
        """Call with each page's records as they came: the very records of the page
        before (a page served twice by a cache, a page number the platform ignored)
        mean the page asked for was never read, so reading on would lose its records
        and a full pull would flag them deleted."""
        if records and records == self._previous:
            raise PagingLoopError(
                f"Loop detected in paging: the request {dict(params)} was answered with "
                "the same records as the previous page."
            )
        self._previous = records
