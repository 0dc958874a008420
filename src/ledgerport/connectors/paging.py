"""How a platform pages its lists, declared per stream; the engine drives them.

Each paginator is pure: given the request that produced a page and what came back, it
names the next request, or None when the list is done. One small class per scheme, as
the Singer SDK does; the engine adds the loop guard and the page cap, once for all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

Params = Mapping[str, str]


@dataclass(frozen=True)
class Page:
    """What the engine learned from one response: enough for any paginator."""

    body: Any
    headers: Mapping[str, str]
    record_count: int


class Paginator(Protocol):
    def first(self) -> dict[str, str]:
        """Query parameters of the first request."""
        ...

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        """Query parameters of the request after ``current``, or None at the end."""
        ...


@dataclass(frozen=True)
class Single:
    """The whole list in one response."""

    def first(self) -> dict[str, str]:
        return {}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        return None


@dataclass(frozen=True)
class PageNumber:
    """``?page=N`` (from ``start``); a page shorter than ``size`` is the last one.
    ``size_param`` is sent only for platforms that let the caller choose the size."""

    param: str = "page"
    size: int = 100
    size_param: str | None = None
    start: int = 1

    def first(self) -> dict[str, str]:
        params = {self.param: str(self.start)}
        if self.size_param:
            params[self.size_param] = str(self.size)
        return params

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        if page.record_count < self.size:
            return None
        return {**current, self.param: str(int(current[self.param]) + 1)}


@dataclass(frozen=True)
class Offset:
    """``?offset=N&limit=M`` (QuickBooks' STARTPOSITION/MAXRESULTS is the same idea)."""

    offset_param: str = "offset"
    limit_param: str = "limit"
    size: int = 100
    start: int = 0

    def first(self) -> dict[str, str]:
        return {self.offset_param: str(self.start), self.limit_param: str(self.size)}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        if page.record_count < self.size:
            return None
        offset = int(current[self.offset_param]) + page.record_count
        return {**current, self.offset_param: str(offset)}


@dataclass(frozen=True)
class CursorToken:
    """The response carries an opaque token for the next page (at ``path`` in the body);
    it goes back as ``param``. No token, or an empty one, ends the list."""

    path: tuple[str, ...]
    param: str

    def first(self) -> dict[str, str]:
        return {}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        token: Any = page.body
        for key in self.path:
            token = token.get(key) if isinstance(token, Mapping) else None
        if token in (None, ""):
            return None
        return {**current, self.param: str(token)}


@dataclass(frozen=True)
class LinkHeader:
    """RFC 8288 ``Link: <url>; rel="next"``; the next request takes that URL's query."""

    rel: str = "next"

    def first(self) -> dict[str, str]:
        return {}

    def next(self, current: Params, page: Page) -> dict[str, str] | None:
        header = next((v for k, v in page.headers.items() if k.lower() == "link"), "")
        for part in header.split(","):
            target, _, attrs = part.partition(";")
            rels = {
                a.strip().removeprefix("rel=").strip('"')
                for a in attrs.split(";")
                if a.strip().startswith("rel=")
            }
            if self.rel in " ".join(rels).split() and target.strip().startswith("<"):
                url = target.strip()[1:-1]
                return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        return None
