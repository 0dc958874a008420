"""The Data tab: browse a data type with the API's query language, and read a record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError
from ledgerport.portal.company import common, data_query
from ledgerport.portal.deps import CurrentUser, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

MAX_QUERY_LENGTH = 2048  # the API's limit
RESULTS_ID = "data-results"


def _data_type(raw: str) -> DataType:
    try:
        found = DataType(raw)
    except ValueError:
        found = None
    if found not in data_query.BROWSABLE:
        raise PageError(404, "Unknown data type", f"There is no data type called {raw!r}.")
    assert found is not None
    return found


def _number(raw: str, default: int, allowed: tuple[int, ...] | None = None) -> int:
    try:
        value = max(1, int(raw))
    except ValueError:
        return default
    return value if allowed is None or value in allowed else default


@router.get("/portal/companies/{company_id}/data", name="portal_company_data")
def data_page(
    company_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    dataType: str = DataType.INVOICES.value,
    query: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    orderBy: Annotated[str, Query(max_length=256)] = "",
    page: str = "1",
    pageSize: str = "25",
) -> Response:
    data_type = _data_type(dataType)
    number = _number(page, 1)
    size = _number(pageSize, 25, data_query.PAGE_SIZES)
    error = None
    with services.sessions() as session:
        found = common.load(session, company_id)
        try:
            result = data_query.page(
                session,
                found.uuid,
                data_type,
                query=query.strip() or None,
                order_by=orderBy.strip() or None,
                page_number=number,
                page_size=size,
            )
        except BadRequestError as refused:
            error = refused.message
            result = data_query.DataPage(ids=(), rows=(), total=0, pulled=True)
    pages = max(1, -(-result.total // size))
    context = {
        "page": found,
        "tab": "data",
        "data_types": [dt.value for dt in data_query.BROWSABLE],
        "data_type": data_type.value,
        "query": query,
        "order_by": orderBy,
        "page_number": number,
        "page_size": size,
        "page_sizes": data_query.PAGE_SIZES,
        "pages": pages,
        "result": result,
        "columns": data_query.columns(data_type),
        "error": error,
        "results_id": RESULTS_ID,
    }
    wants_results = is_htmx(request) and request.headers.get("HX-Target") == RESULTS_ID
    template = "_data_results.html" if wants_results else "data.html"
    # A refused query is the user's input to fix: 422, which htmx still swaps in.
    status = 422 if error else 200
    return render(request, f"portal/company/{template}", context, user=user, status=status)


@router.get(
    "/portal/companies/{company_id}/data/{data_type}/{record_id}", name="portal_company_record"
)
def record_page(
    company_id: str,
    data_type: str,
    record_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    kind = _data_type(data_type)
    with services.sessions() as session:
        found = common.load(session, company_id)
        text = data_query.record_json(session, found.uuid, kind, record_id)
    if text is None:
        raise PageError(404, "Record not found", f"There is no {kind.value} record {record_id}.")
    context = {
        "page": found,
        "tab": "data",
        "data_type": kind.value,
        "record_id": record_id,
        "json": text,
    }
    return render(request, "portal/company/record.html", context, user=user)
