from __future__ import annotations

import pytest

from ledgerport.connectors.paging import (
    CursorToken,
    LinkHeader,
    Offset,
    Page,
    PageNumber,
    Paginator,
    Single,
)
from ledgerport.sync.paging import PageGuard, PagingLoopError


def _walk(paginator: Paginator, pages: list[Page]) -> list[dict[str, str]]:
    """The requests a paginator makes over canned responses, guarded like the engine."""
    guard, requests = PageGuard(max_pages=50), []
    params: dict[str, str] | None = paginator.first()
    for page in pages:
        assert params is not None
        guard.check(params)
        requests.append(params)
        params = paginator.next(params, page)
        if params is None:
            break
    assert params is None, "the paginator did not stop at the last page"
    return requests


def page(count: int, body: object = None, headers: dict[str, str] | None = None) -> Page:
    return Page(body=body, headers=headers or {}, record_count=count)


def test_page_number_stops_on_a_short_page() -> None:
    requests = _walk(PageNumber(size=100), [page(100), page(100), page(7)])
    assert [r["page"] for r in requests] == ["1", "2", "3"]
    assert _walk(PageNumber(size=100), [page(0)]) == [{"page": "1"}]
    sized = PageNumber(param="p", size=50, size_param="pageSize", start=0)
    assert _walk(sized, [page(50), page(1)]) == [
        {"p": "0", "pageSize": "50"},
        {"p": "1", "pageSize": "50"},
    ]


def test_offset_advances_by_what_came_back() -> None:
    requests = _walk(Offset(size=10), [page(10), page(10), page(3)])
    assert [r["offset"] for r in requests] == ["0", "10", "20"]


def test_cursor_token_follows_the_body() -> None:
    paginator = CursorToken(path=("pagination", "continuationToken"), param="continuationToken")
    pages = [
        page(2, {"pagination": {"continuationToken": "abc"}}),
        page(2, {"pagination": {"continuationToken": "def"}}),
        page(1, {"pagination": {"continuationToken": None}}),
    ]
    assert [r.get("continuationToken") for r in _walk(paginator, pages)] == [None, "abc", "def"]
    assert _walk(paginator, [page(0, {"pagination": {}})]) == [{}]
    assert _walk(paginator, [page(0, ["not", "a", "mapping"])]) == [{}]


def test_link_header() -> None:
    link = (
        '<https://x.example/items?cursor=b2&limit=5>; rel="next", '
        '<https://x.example/items>; rel="first"'
    )
    requests = _walk(LinkHeader(), [page(5, headers={"Link": link}), page(5)])
    assert requests == [{}, {"cursor": "b2", "limit": "5"}]


def test_single() -> None:
    assert _walk(Single(), [page(1000)]) == [{}]


def test_a_repeating_platform_is_caught() -> None:
    paginator = CursorToken(path=("next",), param="token")
    pages = [page(1, {"next": "same"})] * 5
    with pytest.raises(PagingLoopError, match="Loop detected"):
        _walk(paginator, pages)


def test_page_cap() -> None:
    guard = PageGuard(max_pages=3)
    for n in range(3):
        guard.check({"page": str(n)})
    with pytest.raises(PagingLoopError, match="Gave up after 3 pages"):
        guard.check({"page": "99"})


def test_a_page_answered_twice_is_caught() -> None:
    """Page 2 with page 1's records: page 2 was never read. Empty pages may repeat."""
    guard = PageGuard()
    first = [{"ID": "a"}, {"ID": "b"}]
    guard.check_answer({"page": "1"}, first)
    with pytest.raises(PagingLoopError, match="same records as the previous page"):
        guard.check_answer({"page": "2"}, [dict(r) for r in first])
    guard = PageGuard()
    guard.check_answer({"page": "1"}, first)
    guard.check_answer({"page": "2"}, [{"ID": "c"}])
    guard.check_answer({"page": "3"}, [])
    guard.check_answer({"page": "4"}, [])
