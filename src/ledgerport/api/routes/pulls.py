"""Refreshing data: queue pulls, follow them, and see each data type's status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import select
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES, PagingInfo
from ledgerport.api.paging import PageDep, rows_page
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.api.routes.companies import load_company
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.pulls import PullStatus, is_completed, is_errored
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.storage.db import transaction
from ledgerport.storage.query import ColumnResolver, FieldKind, ResolvedField
from ledgerport.storage.repositories import pulls
from ledgerport.storage.tables import ConnectionRow, PullOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import refresh
from ledgerport.sync.jobs import Tasks

router = APIRouter(tags=["Refresh data"], responses=ERROR_RESPONSES)


def get_tasks(request: Request) -> Tasks:
    tasks: Tasks = request.app.state.tasks
    return tasks


TasksDep = Annotated[Tasks, Depends(get_tasks)]

_FIELDS = ColumnResolver(
    "PullOperation",
    {
        "dataType": ResolvedField(PullOperationRow.data_type.expression, FieldKind.STRING),
        "status": ResolvedField(PullOperationRow.status.expression, FieldKind.STRING),
        "requested": ResolvedField(PullOperationRow.requested.expression, FieldKind.DATETIME),
        "completed": ResolvedField(PullOperationRow.completed.expression, FieldKind.DATETIME),
        "progress": ResolvedField(PullOperationRow.progress.expression, FieldKind.NUMBER),
    },
)


class PullOperation(BaseModel):
    id: str
    companyId: str
    connectionId: str
    dataType: str
    status: PullStatus
    statusDescription: str | None = None
    errorMessage: str | None = None
    requested: str
    completed: str | None = None
    progress: int
    isCompleted: bool
    isErrored: bool
    audit: dict[str, Any] = {}


class PullOperations(PagingInfo):
    results: list[PullOperation]


def representation(row: PullOperationRow) -> dict[str, Any]:
    status = PullStatus(row.status)
    body: dict[str, Any] = {
        "id": str(row.id),
        "companyId": str(row.company_id),
        "connectionId": str(row.connection_id),
        "dataType": row.data_type,
        "status": status.value,
        "statusDescription": row.status_description,
        "errorMessage": row.error_message,
        "requested": to_codat(row.requested),
        "progress": row.progress,
        "isCompleted": is_completed(status),
        "isErrored": is_errored(status),
        # Not in Codat's schema (extra fields are ignored by its SDKs): what the pull did.
        "audit": row.audit or {},
    }
    if row.completed is not None:  # Codat's `completed` is never null: left out instead
        body["completed"] = to_codat(row.completed)
    return body


def _linked(connections: list[ConnectionRow]) -> list[ConnectionRow]:
    return [c for c in connections if c.status == ConnectionStatus.LINKED.value]


@router.post(
    "/companies/{companyId}/data/queue/{dataType}",
    response_model=PullOperation,
    response_class=JSONBytes,
    operation_id="refresh-data-type",
    summary="Refresh data type",
)
def refresh_data_type(
    companyId: str,
    dataType: str,
    services: ServicesDep,
    tasks: TasksDep,
    connectionId: Annotated[str | None, Query()] = None,
) -> Response:
    """Queues a pull of one data type (from ``connectionId``, or the company's linked
    connection). A pull of the same type already queued or running is returned instead
    of starting a second."""
    try:
        data_type = DataType(dataType)
    except ValueError:
        raise BadRequestError(f"Unknown data type '{dataType}'.") from None
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        connections = list(
            session.scalars(
                select(ConnectionRow)
                .where(ConnectionRow.company_id == company.id)
                .order_by(ConnectionRow.created)
            )
        )
        if connectionId is not None:
            wanted = parse_id(connectionId, "Data connection")
            connections = [c for c in connections if c.id == wanted]
            if not connections:
                raise NotFoundError(f"Data connection {connectionId} not found.")
        linked = _linked(connections)
        if not linked:
            raise BadRequestError(
                "The company has no linked connection to pull from; send it its Link URL."
            )
        connection = next(
            (
                c
                for c in linked
                if (conn := services.connectors.get(c.platform_key)) and conn.stream(data_type)
            ),
            linked[0],
        )
        row, created = pulls.queue(session, company.id, connection.id, data_type.value, utcnow())
        body = representation(row)
    if created:
        tasks.run_pull(str(row.id))
    return JSONBytes(body)


@router.post(
    "/companies/{companyId}/data/all",
    status_code=204,
    response_class=Response,
    operation_id="refresh-company-data",
    summary="Refresh all data",
)
def refresh_all(companyId: str, services: ServicesDep, tasks: TasksDep) -> Response:
    """Queues a pull of every data type set to ``fetchOnFirstLink`` that each linked
    connection's platform can read."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        queued, _ = refresh.queue_all(services, session, company.id, utcnow())
    for pull_id in queued:
        tasks.run_pull(str(pull_id))
    return empty(204)


@router.get(
    "/companies/{companyId}/data/history",
    response_model=PullOperations,
    response_class=JSONBytes,
    operation_id="list-pull-operations",
    summary="List pull operations",
)
def list_pull_operations(
    companyId: str, request: Request, services: ServicesDep, paging: PageDep
) -> Response:
    """Every pull of the company's data, newest first unless ordered otherwise."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        page = rows_page(
            request,
            paging,
            session,
            pulls.company_scope(company.id),
            _FIELDS,
            (PullOperationRow.requested.desc(), PullOperationRow.id.expression),
            representation,
        )
    return JSONBytes(page)


@router.get(
    "/companies/{companyId}/data/history/{datasetId}",
    response_model=PullOperation,
    response_class=JSONBytes,
    operation_id="get-pull-operation",
    summary="Get pull operation",
)
def get_pull_operation(companyId: str, datasetId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        company = load_company(session, companyId)
        row = session.get(PullOperationRow, parse_id(datasetId, "Pull operation"))
        if row is None or row.company_id != company.id:
            raise NotFoundError(f"Pull operation {datasetId} not found.")
        return JSONBytes(representation(row))


@router.get(
    "/companies/{companyId}/dataStatus",
    response_class=JSONBytes,
    operation_id="get-company-data-status",
    summary="Get data status",
)
def get_data_status(companyId: str, services: ServicesDep) -> Response:
    """Per data type pulled: the latest pull's status and the last successful one."""
    statuses: dict[str, dict[str, Any]] = {}
    with services.sessions() as session:
        company = load_company(session, companyId)
        rows = session.scalars(
            pulls.company_scope(company.id).order_by(PullOperationRow.requested)
        ).all()
    for row in rows:  # oldest first, so later pulls overwrite
        entry = statuses.setdefault(row.data_type, {"dataType": row.data_type})
        entry["currentStatus"] = row.status
        entry["latestSyncId"] = str(row.id)
        if row.status == PullStatus.COMPLETE.value:
            entry["latestSuccessfulSyncId"] = str(row.id)
            entry["lastSuccessfulSync"] = to_codat(row.completed or row.requested)
    return JSONBytes(statuses)
