"""Codat's paging parameters and envelope (``results``, ``pageNumber``, ``pageSize``,
``totalResults``, ``_links`` with the required ``self`` and ``current``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from sqlalchemy import Select
from sqlalchemy.orm import Session

from ledgerport.storage.query import ColumnResolver, apply_query
from ledgerport.storage.repositories import totals

MAX_PAGE_SIZE = 5000
MAX_QUERY_LENGTH = 2048


@dataclass(frozen=True)
class PageRequest:
    page: int
    page_size: int
    query: str | None
    order_by: str | None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


async def page_request(
    page: Annotated[int, Query(ge=1, le=2**31 - 1, description="Page number, from 1.")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE, description="Results per page.")
    ] = 100,
    query: Annotated[
        str | None,
        Query(max_length=MAX_QUERY_LENGTH, description="Codat query language filter."),
    ] = None,
    order_by: Annotated[
        str | None,
        Query(
            alias="orderBy", max_length=256, description="Field to order by; '-' for descending."
        ),
    ] = None,
) -> PageRequest:
    return PageRequest(
        page=page, page_size=page_size, query=query or None, order_by=order_by or None
    )


PageDep = Annotated[PageRequest, Depends(page_request)]


def _href(path: str, req: PageRequest, page: int) -> str:
    params: dict[str, str | int] = {"page": page, "pageSize": req.page_size}
    if req.query:
        params["query"] = req.query
    if req.order_by:
        params["orderBy"] = req.order_by
    return f"{path}?{urlencode(params)}"


def envelope(request: Request, req: PageRequest, results: list[Any], total: int) -> dict[str, Any]:
    path = request.scope.get("root_path", "") + request.url.path
    links: dict[str, dict[str, str]] = {
        "self": {"href": path},
        "current": {"href": _href(path, req, req.page)},
    }
    if req.page > 1:
        last_page = max(1, -(-total // req.page_size))
        links["previous"] = {"href": _href(path, req, min(req.page - 1, last_page))}
    if req.offset + len(results) < total:
        links["next"] = {"href": _href(path, req, req.page + 1)}
    return {
        "results": results,
        "pageNumber": req.page,
        "pageSize": req.page_size,
        "totalResults": total,
        "_links": links,
    }


def rows_page(
    request: Request,
    req: PageRequest,
    session: Session,
    stmt: Select[Any],
    fields: ColumnResolver,
    default_order: tuple[Any, ...],
    represent: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of ORM rows (pull or push history...) as Codat's envelope: the query and
    ordering applied through the query-language compiler, the total counted, each row
    represented."""
    ordered = apply_query(stmt, fields, req.query, req.order_by, default_order=default_order)
    total = totals.total(session, ordered)
    rows = session.scalars(ordered.offset(req.offset).limit(req.page_size)).all()
    return envelope(request, req, [represent(row) for row in rows], total)
