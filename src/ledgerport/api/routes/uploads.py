"""The uploads of a file-upload connection (a ledgerport extension beside Codat's Files
API): what each file was understood to hold, the mapping to confirm or correct, and
whether its records have landed. Codat does this step inside its Link UI only; here the
same step is an API too, so a client can build its own upload screen.

``POST .../files`` (Codat's) uploads; these routes list, show, confirm and download.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.attachments import BINARY_RESPONSE
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.paging import MAX_PAGE_SIZE, PageRequest, envelope
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.api.routes.attachments import OCTET_STREAM
from ledgerport.api.routes.connections import load_connection
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.domain.dates import to_codat
from ledgerport.domain.uploaded_files import content_disposition
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import files as repo
from ledgerport.storage.tables import UploadedFileRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import uploads

router = APIRouter(tags=["Uploads"], responses=ERROR_RESPONSES)

BASE = "/companies/{companyId}/connections/{connectionId}/uploads"


class Confirmation(BaseModel):
    """The corrected mapping of each sheet to read (as ``sheets`` in an upload); leave it
    out to confirm the detected one."""

    model_config = ConfigDict(extra="forbid")

    sheets: list[dict[str, Any]] | None = Field(default=None, max_length=50)


def representation(row: UploadedFileRow, imported: bool) -> dict[str, Any]:
    detected = row.detected or {}
    return {
        "id": str(row.id),
        "connectionId": str(row.connection_id),
        "fileName": row.file_name,
        "contentType": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded": to_codat(row.uploaded),
        "status": row.status,
        "format": row.format,
        # The mapping the file is (or would be) read with: the confirmed one, else the
        # detected one.
        "sheets": row.mappings if row.mappings is not None else detected.get("sheets", []),
        "detectedSheets": detected.get("sheets", []),
        "skippedSheets": detected.get("skippedSheets", {}),
        "encoding": detected.get("encoding"),
        "confirmed": to_codat(row.confirmed) if row.confirmed else None,
        "suppliersFound": row.suppliers_found,
        "billsFound": row.bills_found,
        "review": row.review or [],
        "imported": imported,
    }


@router.get(BASE, response_class=JSONBytes, operation_id="list-uploads", summary="List uploads")
def list_uploads(
    companyId: str,
    connectionId: str,
    request: Request,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=2**31 - 1)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)] = 100,
) -> Response:
    """The connection's files, oldest first, each with its mapping and import state."""
    req = PageRequest(page=page, page_size=page_size, query=None, order_by=None)
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        shown = repo.for_connection(session, connection.id, offset=req.offset, limit=req.page_size)
        total = repo.count_for_connection(session, connection.id)
        landed = uploads.imported(session, shown)
        results = [representation(row, row.id in landed) for row in shown]
    return JSONBytes(envelope(request, req, results, total))


@router.get(
    BASE + "/{uploadId}", response_class=JSONBytes, operation_id="get-upload", summary="Get upload"
)
def get_upload(companyId: str, connectionId: str, uploadId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        row = uploads.load(session, connection.company_id, connection.id, uploadId)
        return JSONBytes(representation(row, row.id in uploads.imported(session, [row])))


@router.post(
    BASE + "/{uploadId}/confirm",
    response_class=JSONBytes,
    operation_id="confirm-upload",
    summary="Confirm an upload's mapping",
)
def confirm_upload(
    companyId: str,
    connectionId: str,
    uploadId: str,
    services: ServicesDep,
    tasks: TasksDep,
    body: Annotated[Confirmation | None, Body()] = None,
) -> Response:
    """Reads the file with the mapping sent (or the detected one) and, when that works,
    makes it ready: the connection's suppliers and bills are pulled again, with it. A
    file-upload connection still waiting for its first file is linked by this."""
    now = utcnow()
    with transaction(services.sessions) as session:
        connection = load_connection(session, companyId, connectionId)
        row = uploads.load(session, connection.company_id, connection.id, uploadId)
        uploads.confirm(services, connection, row, body.sheets if body else None, now)
        uploads.link(session, connection, now)
        queued = uploads.queue_pulls(services, session, connection, now)
        session.flush()
        result = representation(row, row.id in uploads.imported(session, [row]))
    for pull_id in queued:
        tasks.run_pull(str(pull_id))
    return JSONBytes(result)


@router.delete(
    BASE + "/{uploadId}",
    status_code=204,
    response_class=Response,
    operation_id="delete-upload",
    summary="Delete an upload",
)
def delete_upload(
    companyId: str, connectionId: str, uploadId: str, services: ServicesDep, tasks: TasksDep
) -> Response:
    """Takes the file off the connection. The records read from it go with the pull this
    queues (flagged deleted, as a platform's deleted records are); a bill also in
    another file stays."""
    with transaction(services.sessions) as session:
        connection = load_connection(session, companyId, connectionId)
        row = uploads.load(session, connection.company_id, connection.id, uploadId)
        queued = uploads.remove(services, session, connection, row, utcnow())
    uploads.forget_file(services, row)
    for pull_id in queued:
        tasks.run_pull(str(pull_id))
    return empty(204)


@router.get(
    BASE + "/{uploadId}/download",
    response_class=Response,
    responses=BINARY_RESPONSE,
    operation_id="download-upload",
    summary="Download an uploaded file",
)
def download_upload(
    companyId: str, connectionId: str, uploadId: str, services: ServicesDep
) -> Response:
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        row = uploads.load(session, connection.company_id, connection.id, uploadId)
        name, content = row.file_name, repo.content(row, services.blobs)
    return Response(
        content=content,
        media_type=OCTET_STREAM,
        headers={"Content-Disposition": content_disposition(name)},
    )
