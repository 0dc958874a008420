"""Sync for Payables v2 bill attachments: upload a file to a bill (written to the
platform in the request), list a bill's files and download one.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, File, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models import payables as v2
from ledgerport.api.models.attachments import BINARY_RESPONSE
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.attachments import file_response
from ledgerport.api.routes.connections import load_connection
from ledgerport.api.routes.payables.common import BASE, linked_connection
from ledgerport.api.routes.payables.mapping import attachment_out
from ledgerport.api.routes.payables.reads import not_pulled, stored, stored_bill
from ledgerport.api.routes.payables.writes import write
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.api.uploads import checked_upload
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.errors import NotFoundError
from ledgerport.storage.repositories import attachments, records
from ledgerport.storage.tables import ConnectionRow

router = APIRouter(tags=["Bill pay"], responses=ERROR_RESPONSES)

# Codat's limit for a bill's file (the accounting platforms' own limits are larger).
MAX_FILE_BYTES = 10 * 1024 * 1024


@router.post(
    f"{BASE}/bills/{{billId}}/attachments",
    status_code=201,
    response_model=v2.Attachment,
    response_class=JSONBytes,
    operation_id="payables-upload-bill-attachment",
    summary="Upload bill attachment",
)
def upload_bill_attachment(
    companyId: str,
    connectionId: str,
    billId: str,
    file: Annotated[UploadFile, File(description="The file to attach to the bill.")],
    services: ServicesDep,
    tasks: TasksDep,
) -> Response:
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
        stored_bill(session, connection, billId)
    uploaded = checked_upload(
        file.filename,
        file.content_type,
        file.file.read(MAX_FILE_BYTES + 1),
        max_bytes=MAX_FILE_BYTES,
        default_name="attachment",
    )
    op = write(
        services,
        tasks,
        connection,
        DataType.BILLS,
        WriteKind.UPLOAD_ATTACHMENT,
        record_id=billId,
        file=uploaded,
    )
    # A successful upload's data is the file as stored (``Attachment``, with its id).
    return JSONBytes(attachment_out(op.data or {}), status_code=201)


def _bill_for_files(
    session: Session, company_id: str, connection_id: str, bill_id: str
) -> ConnectionRow:
    """The connection, once the bill is known on it (409 if bills were never pulled
    and we did not write this one; 404 if they were and it is not among them)."""
    connection = load_connection(session, company_id, connection_id)
    if stored(session, connection, DataType.BILLS, bill_id) is None:
        if not records.has_dataset(
            session, connection.company_id, DataType.BILLS.value, connection.id
        ):
            raise not_pulled(DataType.BILLS)
        raise NotFoundError(f"Bill {bill_id} not found.")
    return connection


@router.get(
    f"{BASE}/bills/{{billId}}/attachments",
    response_model=list[v2.Attachment],
    response_class=JSONBytes,
    operation_id="payables-list-bill-attachments",
    summary="List bill attachments",
)
def list_bill_attachments(
    companyId: str, connectionId: str, billId: str, services: ServicesDep
) -> Response:
    """The bill's files, as a plain array (v2 has no envelope here)."""
    with services.sessions() as session:
        connection = _bill_for_files(session, companyId, connectionId, billId)
        texts = attachments.list_text(session, connection.id, DataType.BILLS.value, billId)
    return JSONBytes([attachment_out(orjson.loads(text)) for text in texts])


@router.get(
    f"{BASE}/bills/{{billId}}/attachments/{{attachmentId}}/download",
    response_class=Response,
    responses=BINARY_RESPONSE,
    operation_id="payables-download-bill-attachment",
    summary="Download bill attachment",
)
def download_bill_attachment(
    companyId: str, connectionId: str, billId: str, attachmentId: str, services: ServicesDep
) -> Response:
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        file = attachments.download(
            session, connection.id, DataType.BILLS.value, billId, attachmentId
        )
    if file is None:
        raise NotFoundError(f"No attachment with id {attachmentId} on bill {billId}.")
    return file_response(file, attachmentId)
