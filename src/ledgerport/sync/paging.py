"""The engine's paging loop guard: the same request twice means the platform (or a
paginator) is going round in circles, and a pull must end rather than spin forever."""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.errors import LedgerportError


class PagingLoopError(LedgerportError):
    """A page request repeated, or the page cap was reached: the pull fails honestly."""


class PageGuard:
    def __init__(self, max_pages: int = 100_000) -> None:
        self.max_pages = max_pages
        self._seen: set[tuple[tuple[str, str], ...]] = set()

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
