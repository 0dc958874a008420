"""The data API: every standard data type, paged, queried and ordered, served from the
records store. One pair of routes per data type, generated from the domain registry so
a data type added there is served here.

Records go out as stored JSON text (``orjson.Fragment``), never re-validated record by
record: the envelope is the only JSON built per request.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import create_model
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep, SessionDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES, PagingInfo
from ledgerport.api.paging import PageDep, PageRequest, envelope
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.connections import load_connection
from ledgerport.domain.accounting.registry import MODELS, URL_SEGMENTS
from ledgerport.domain.enums import DataType
from ledgerport.errors import ConflictError, NotFoundError
from ledgerport.storage.query import (
    Clause,
    Operator,
    apply_query,
    compile_filter,
)
from ledgerport.storage.repositories import record_queries, records
from ledgerport.storage.tables import CompanyRow, RecordRow

router = APIRouter(tags=["Data"], responses=ERROR_RESPONSES)

resolver = record_queries.resolver  # also used by Sync for Payables' lists


def _not_pulled(data_type: DataType) -> ConflictError:
    return ConflictError(
        f"The data set has not been requested: {data_type.value} has not been pulled for "
        "this company yet. Queue a refresh, then read it once the pull completes."
    )


_COMPANY_EXISTS = select(CompanyRow.id).where(CompanyRow.id == bindparam("id"))


def _scope(
    session: Session, company_id: str, connection_id: str | None
) -> tuple[uuid.UUID, uuid.UUID | None]:
    """The company, and the connection when the path names one (404 if either is unknown)."""
    if connection_id is None:
        company = parse_id(company_id, "Company")
        if session.execute(_COMPANY_EXISTS, {"id": company}).scalar() is None:
            raise NotFoundError(f"Company {company_id} not found.")
        return company, None
    connection = load_connection(session, company_id, connection_id)
    return connection.company_id, connection.id


def _list(
    data_type: DataType,
    request: Request,
    session: Session,
    paging: PageRequest,
    company_id: str,
    connection_id: str | None,
    within: Clause | None = None,
) -> Response:
    """One page of a data type's records. ``within`` narrows the list the way a path
    does (a bank account's transactions), compiled like any query clause."""
    if connection_id is None:
        company_uuid = parse_id(company_id, "Company")
        scope_connection = None
        datasets = records.company_datasets(session, company_uuid, data_type.value)
        if not datasets.found:
            raise NotFoundError(f"Company {company_id} not found.")
        stored = datasets.total if datasets.pulled else None
        # Nearly always one connection holds the type: its keys are just record ids.
        single = datasets.connections[0] if len(datasets.connections) == 1 else None
    else:
        company_uuid, scope_connection = _scope(session, company_id, connection_id)
        assert scope_connection is not None
        stored = records.dataset_count(session, scope_connection, data_type.value)
        single = scope_connection
    if stored is None:
        raise _not_pulled(data_type)
    scope = records.scope(company_uuid, data_type.value, scope_connection)
    if within is not None:
        scope = scope.where(compile_filter(within, resolver(data_type)))
    stmt = apply_query(
        scope,
        resolver(data_type),
        paging.query,
        paging.order_by,
        default_order=records.page_order(ordered=paging.order_by is not None),
    )
    texts, total = records.page_text(
        session,
        stmt,
        offset=paging.offset,
        limit=paging.page_size,
        known_total=None if paging.query or within is not None else stored,
        only=None if single is None else (single, data_type.value),
    )
    results = [orjson.Fragment(text) for text in texts]
    return JSONBytes(envelope(request, paging, results, total))


def _get(
    data_type: DataType,
    services: Any,
    company_id: str,
    record_id: str,
    connection_id: str | None,
) -> Response:
    with services.sessions() as session:
        company = load_company(session, company_id)
        scope_connection: uuid.UUID | None = None
        if connection_id is not None:
            scope_connection = load_connection(session, company_id, connection_id).id
        if not records.has_dataset(session, company.id, data_type.value, scope_connection):
            raise _not_pulled(data_type)
        text = records.one_text(session, company.id, data_type.value, record_id, scope_connection)
    if text is None:
        raise NotFoundError(f"No {data_type.value} record with id {record_id}.")
    return JSONBytes(orjson.Fragment(text))


PAGE_MODELS: dict[DataType, type[PagingInfo]] = {}
"""Each data type's page model, made once (so OpenAPI has one schema per name)."""


def _add_routes(data_type: DataType) -> None:
    segment = URL_SEGMENTS[data_type]
    model = MODELS[data_type]
    name = model.__name__

    page_model = create_model(f"{name}Page", __base__=PagingInfo, results=(list[model], ...))  # type: ignore[valid-type]
    PAGE_MODELS[data_type] = page_model

    async def list_company(
        companyId: str, request: Request, session: SessionDep, paging: PageDep
    ) -> Response:
        return _list(data_type, request, session, paging, companyId, None)

    async def list_connection(
        companyId: str, connectionId: str, request: Request, session: SessionDep, paging: PageDep
    ) -> Response:
        return _list(data_type, request, session, paging, companyId, connectionId)

    async def get_company(companyId: str, recordId: str, services: ServicesDep) -> Response:
        return _get(data_type, services, companyId, recordId, None)

    async def get_connection(
        companyId: str, connectionId: str, recordId: str, services: ServicesDep
    ) -> Response:
        return _get(data_type, services, companyId, recordId, connectionId)

    base = f"/companies/{{companyId}}/data/{segment}"
    conn_base = f"/companies/{{companyId}}/connections/{{connectionId}}/data/{segment}"
    summary = f"List {segment}"
    router.add_api_route(
        base,
        list_company,
        methods=["GET"],
        response_model=page_model,
        response_class=JSONBytes,
        operation_id=f"list-{segment}",
        summary=summary,
    )
    router.add_api_route(
        conn_base,
        list_connection,
        methods=["GET"],
        response_model=page_model,
        response_class=JSONBytes,
        operation_id=f"list-connection-{segment}",
        summary=summary,
    )
    router.add_api_route(
        f"{base}/{{recordId}}",
        get_company,
        methods=["GET"],
        response_model=model,
        response_class=JSONBytes,
        operation_id=f"get-{segment}",
        summary=f"Get {name}",
    )
    router.add_api_route(
        f"{conn_base}/{{recordId}}",
        get_connection,
        methods=["GET"],
        response_model=model,
        response_class=JSONBytes,
        operation_id=f"get-connection-{segment}",
        summary=f"Get {name}",
    )


for _data_type in MODELS:
    if _data_type is not DataType.COMPANY:
        _add_routes(_data_type)


@router.get(
    "/companies/{companyId}/data/info",
    response_class=JSONBytes,
    response_model=MODELS[DataType.COMPANY],
    operation_id="get-company-info",
    summary="Get company info",
)
async def get_company_info(companyId: str, services: ServicesDep) -> Response:
    """The company's own details as its accounting platform holds them."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        if not records.has_dataset(session, company.id, DataType.COMPANY.value):
            raise _not_pulled(DataType.COMPANY)
        texts, _ = records.page_text(
            session,
            records.scope(company.id, DataType.COMPANY.value).order_by(
                RecordRow.modified_date.desc()
            ),
            offset=0,
            limit=1,
        )
    if not texts:
        raise NotFoundError("The platform returned no company information.")
    return JSONBytes(orjson.Fragment(texts[0]))


@router.get(
    "/companies/{companyId}/connections/{connectionId}/data/bankAccounts/{accountId}"
    "/bankTransactions",
    response_class=JSONBytes,
    response_model=PAGE_MODELS[DataType.BANK_TRANSACTIONS],
    operation_id="list-bank-account-transactions",
    summary="List bank account transactions",
)
async def list_bank_account_transactions(
    companyId: str,
    connectionId: str,
    accountId: str,
    request: Request,
    session: SessionDep,
    paging: PageDep,
) -> Response:
    """Where Codat serves bank transactions: one account's, on one connection (each
    record carries its ``accountId``). An account the pulled bank accounts do not have
    is a 404; with bank accounts never pulled, the list is simply what is stored."""
    connection = load_connection(session, companyId, connectionId)
    accounts = DataType.BANK_ACCOUNTS.value
    if records.dataset_count(session, connection.id, accounts) is not None and (
        records.one_text(session, connection.company_id, accounts, accountId, connection.id) is None
    ):
        raise NotFoundError(f"Bank account {accountId} not found.")
    return _list(
        DataType.BANK_TRANSACTIONS,
        request,
        session,
        paging,
        companyId,
        connectionId,
        within=Clause(("accountId",), Operator.EQ, accountId),
    )
