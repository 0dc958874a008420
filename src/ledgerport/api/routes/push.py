"""Writing to a company's platform (Codat's push): create, update, delete and attach
files, each an asynchronous push operation answered at once with 200 and polled at
``GET /companies/{companyId}/push/{pushOperationKey}``; the create models a push is
checked against (``GET .../options/{dataType}``); and push history.

One route per method serves every data type, named by the path segment Codat uses
(``accounts`` for the chart of accounts); what a platform can write comes from its
connector's declaration, so an unsupported write is a clear 400, never a silent no-op.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.push import PushOperation, PushOperations
from ledgerport.api.paging import PageDep, rows_page
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.connections import load_connection
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.api.uploads import read_upload
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.accounting.registry import URL_SEGMENTS
from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.storage.query import ColumnResolver, FieldKind, ResolvedField
from ledgerport.storage.repositories import pushes
from ledgerport.storage.tables import PushOperationRow
from ledgerport.sync import push as engine
from ledgerport.sync.jobs import Tasks

router = APIRouter(tags=["Push data"], responses=ERROR_RESPONSES)

MAX_FILE_BYTES = 25 * 1024 * 1024  # within every platform's attachment limit we know
MAX_BODY_BYTES = 5 * 1024 * 1024

_BY_SEGMENT: dict[str, DataType] = {
    **{data_type.value: data_type for data_type in DataType},
    **{segment: data_type for data_type, segment in URL_SEGMENTS.items()},
}

_FIELDS = ColumnResolver(
    "PushOperation",
    {
        "dataType": ResolvedField(PushOperationRow.data_type.expression, FieldKind.STRING),
        "status": ResolvedField(PushOperationRow.status.expression, FieldKind.STRING),
        "statusCode": ResolvedField(PushOperationRow.status_code.expression, FieldKind.NUMBER),
        "requestedOnUtc": ResolvedField(PushOperationRow.requested.expression, FieldKind.DATETIME),
        "completedOnUtc": ResolvedField(PushOperationRow.completed.expression, FieldKind.DATETIME),
        "dataConnectionKey": ResolvedField(
            PushOperationRow.connection_id.expression, FieldKind.STRING
        ),
        "pushOperationKey": ResolvedField(PushOperationRow.id.expression, FieldKind.STRING),
    },
)


def _data_type(segment: str) -> DataType:
    data_type = _BY_SEGMENT.get(segment)
    if data_type is None:
        raise NotFoundError(f"Unknown data type '{segment}'.")
    return data_type


async def _record(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadRequestError(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not body.strip():
        raise BadRequestError("The request body must be a JSON object (the record to write).")
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequestError(f"The request body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise BadRequestError("The request body must be a JSON object (the record to write).")
    return value


def _submit(
    services: Any,
    tasks: Tasks,
    companyId: str,
    connectionId: str,
    data_type: DataType,
    kind: WriteKind,
    **kwargs: Any,
) -> Response:
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        company_id, connection_id = connection.company_id, connection.id
    row = engine.submit(
        services,
        tasks.run_push,
        company_id=company_id,
        connection_id=connection_id,
        data_type=data_type,
        kind=kind,
        queue_pull=tasks.run_pull,
        **kwargs,
    )
    return JSONBytes(engine.representation(row))


TimeoutParam = Annotated[
    int | None,
    Query(
        alias="timeoutInMinutes",
        ge=1,
        le=engine.MAX_TIMEOUT_MINUTES,
        description="Minutes the write may take before it is TimedOut.",
    ),
]
SyncParam = Annotated[
    bool,
    Query(
        alias="allowSyncOnPushComplete",
        description="Pull what the write changed once it succeeds.",
    ),
]


@router.post(
    "/companies/{companyId}/connections/{connectionId}/push/{dataType}",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="create-record",
    summary="Create a record (push)",
)
async def create_record(
    companyId: str,
    connectionId: str,
    dataType: str,
    request: Request,
    services: ServicesDep,
    tasks: TasksDep,
    timeout: TimeoutParam = None,
    sync_on_complete: SyncParam = True,
) -> Response:
    """Writes a new record to the platform. Answers 200 with the push operation, usually
    still ``Pending``; a record that breaks the create model is ``Failed`` at once with
    a message per field, and nothing is sent."""
    data_type = _data_type(dataType)
    record = await _record(request)
    # Off the event loop: checking a record builds the platform's create model.
    return await run_in_threadpool(
        _submit,
        services,
        tasks,
        companyId,
        connectionId,
        data_type,
        WriteKind.CREATE,
        record=record,
        timeout_minutes=timeout,
        sync_on_complete=sync_on_complete,
    )


@router.post(
    "/companies/{companyId}/connections/{connectionId}/data/bankAccounts",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="create-bank-account-direct",
    summary="Create bank account",
)
async def create_bank_account(
    companyId: str,
    connectionId: str,
    request: Request,
    services: ServicesDep,
    tasks: TasksDep,
    timeout: TimeoutParam = None,
    sync_on_complete: SyncParam = True,
) -> Response:
    """The same as ``POST .../push/bankAccounts`` (the path the seeds' guides use)."""
    return await create_record(
        companyId,
        connectionId,
        DataType.BANK_ACCOUNTS.value,
        request,
        services,
        tasks,
        timeout,
        sync_on_complete,
    )


@router.put(
    "/companies/{companyId}/connections/{connectionId}/push/{dataType}/{recordId}",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="update-record",
    summary="Update a record (push)",
)
async def update_record(
    companyId: str,
    connectionId: str,
    dataType: str,
    recordId: str,
    request: Request,
    services: ServicesDep,
    tasks: TasksDep,
    timeout: TimeoutParam = None,
    force_update: Annotated[
        bool,
        Query(
            alias="forceUpdate",
            description="Overwrite even if the record changed in the platform since the last pull.",
        ),
    ] = False,
) -> Response:
    """Replaces a record in the platform. Without ``forceUpdate`` the write fails if the
    platform's copy changed since we last pulled it (pull again first)."""
    data_type = _data_type(dataType)
    record = await _record(request)
    # Off the event loop: checking a record builds the platform's create model.
    return await run_in_threadpool(
        _submit,
        services,
        tasks,
        companyId,
        connectionId,
        data_type,
        WriteKind.UPDATE,
        record=record,
        record_id=recordId,
        force_update=force_update,
        timeout_minutes=timeout,
    )


@router.delete(
    "/companies/{companyId}/connections/{connectionId}/push/{dataType}/{recordId}",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="delete-record",
    summary="Delete a record (push)",
)
def delete_record(
    companyId: str,
    connectionId: str,
    dataType: str,
    recordId: str,
    services: ServicesDep,
    tasks: TasksDep,
    timeout: TimeoutParam = None,
) -> Response:
    data_type = _data_type(dataType)
    return _submit(  # a plain def: FastAPI runs it in the thread pool
        services,
        tasks,
        companyId,
        connectionId,
        data_type,
        WriteKind.DELETE,
        record_id=recordId,
        timeout_minutes=timeout,
    )


@router.post(
    "/companies/{companyId}/connections/{connectionId}/push/{dataType}/{recordId}/attachments",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="upload-attachment",
    summary="Upload an attachment (push)",
)
@router.post(  # Codat's path for invoices, direct costs and credit notes
    "/companies/{companyId}/connections/{connectionId}/push/{dataType}/{recordId}/attachment",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="upload-attachment-singular",
    summary="Upload an attachment (push)",
)
async def upload_attachment(
    companyId: str,
    connectionId: str,
    dataType: str,
    recordId: str,
    file: UploadFile,
    services: ServicesDep,
    tasks: TasksDep,
) -> Response:
    """Attaches a file (multipart field ``file``) to a record in the platform."""
    data_type = _data_type(dataType)
    uploaded = await read_upload(file, max_bytes=MAX_FILE_BYTES, default_name="attachment")
    return await run_in_threadpool(
        _submit,
        services,
        tasks,
        companyId,
        connectionId,
        data_type,
        WriteKind.UPLOAD_ATTACHMENT,
        record_id=recordId,
        file=uploaded,
    )


@router.delete(
    "/companies/{companyId}/connections/{connectionId}/push/{dataType}/{recordId}/attachments/{attachmentId}",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="delete-attachment",
    summary="Delete an attachment (push)",
)
def delete_attachment(
    companyId: str,
    connectionId: str,
    dataType: str,
    recordId: str,
    attachmentId: str,
    services: ServicesDep,
    tasks: TasksDep,
    timeout: TimeoutParam = None,
) -> Response:
    """Removes a file from a record in the platform (Codat's delete bill attachment)."""
    return _submit(
        services,
        tasks,
        companyId,
        connectionId,
        _data_type(dataType),
        WriteKind.DELETE_ATTACHMENT,
        record_id=recordId,
        record={"attachmentId": attachmentId},
        timeout_minutes=timeout,
    )


@router.get(
    "/companies/{companyId}/connections/{connectionId}/options/{dataType}",
    response_class=JSONBytes,
    operation_id="get-create-update-model-options",
    summary="Get create/update model",
)
def get_create_model(
    companyId: str,
    connectionId: str,
    dataType: str,
    services: ServicesDep,
    kind: Annotated[
        str,
        Query(description="Create (default) or Update: the model for that kind of write."),
    ] = "Create",
) -> Response:
    """The fields the platform accepts for this data type on this connection, their
    types, which are required and the values allowed (account ids from the company's
    chart, statuses...): what every push is checked against before it is sent."""
    data_type = _data_type(dataType)
    try:
        write_kind = WriteKind(kind)
    except ValueError:
        raise BadRequestError("kind must be Create or Update.") from None
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        company_id, connection_id = connection.company_id, connection.id
    model = engine.create_model(
        services,
        company_id=company_id,
        connection_id=connection_id,
        data_type=data_type,
        kind=write_kind,
    )
    return JSONBytes(model.model_dump(exclude_none=True))


@router.get(
    "/companies/{companyId}/push",
    response_model=PushOperations,
    response_class=JSONBytes,
    operation_id="list-company-push-operations",
    summary="List push operations",
)
def list_push_operations(
    companyId: str, request: Request, services: ServicesDep, paging: PageDep
) -> Response:
    """Every write to the company's connections, newest first unless ordered otherwise."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        page = rows_page(
            request,
            paging,
            session,
            pushes.company_scope(company.id),
            _FIELDS,
            (PushOperationRow.requested.desc(), PushOperationRow.id.expression),
            engine.representation,
        )
    return JSONBytes(page)


@router.get(
    "/companies/{companyId}/push/{pushOperationKey}",
    response_model=PushOperation,
    response_class=JSONBytes,
    operation_id="get-push-operation",
    summary="Get push operation",
)
def get_push_operation(companyId: str, pushOperationKey: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        company = load_company(session, companyId)
        row = session.get(PushOperationRow, parse_id(pushOperationKey, "Push operation"))
        if row is None or row.company_id != company.id:
            raise NotFoundError(f"Push operation {pushOperationKey} not found.")
        return JSONBytes(engine.representation(row))
