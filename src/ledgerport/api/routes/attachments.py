"""Files on records: list, metadata and download for every parent Codat's Accounting API
serves attachments on, and an invoice as PDF.

Attachment routes are connection-scoped, as in Codat's spec; the parent data type must
have been pulled on that connection (409 otherwise, as for data reads) and the parent
must exist (404). Downloads are ``application/octet-stream`` whatever the file is: the
spec says so, and the Accounting SDK reads the bytes only under that content type; the
file's own type is in its metadata. Paths, path-parameter names and operation ids follow
the 2023 Accounting spec.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import orjson
from fastapi import APIRouter, Path
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.attachments import BINARY_RESPONSE, Attachments
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.connections import load_connection
from ledgerport.domain.accounting.attachments import ATTACHMENT_PARENTS, Attachment
from ledgerport.domain.accounting.registry import URL_SEGMENTS
from ledgerport.domain.enums import DataType
from ledgerport.domain.uploaded_files import content_disposition
from ledgerport.errors import ConflictError, NotFoundError
from ledgerport.services import Services
from ledgerport.storage.repositories import attachments, records

router = APIRouter(tags=["Attachments"], responses=ERROR_RESPONSES)

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class Parent:
    """A data type whose records carry files: how the spec names its id parameter and
    its operations (``list-{operation}-attachments``)."""

    data_type: DataType
    id_param: str
    operation: str
    label: str


PARENTS: tuple[Parent, ...] = (
    Parent(DataType.BILLS, "billId", "bill", "bill"),
    Parent(DataType.CUSTOMERS, "customerId", "customer", "customer"),
    Parent(DataType.DIRECT_COSTS, "directCostId", "direct-cost", "direct cost"),
    Parent(DataType.DIRECT_INCOMES, "directIncomeId", "direct-income", "direct income"),
    Parent(DataType.INVOICES, "invoiceId", "invoice", "invoice"),
    Parent(DataType.SUPPLIERS, "supplierId", "supplier", "supplier"),
)
"""How each of ``ATTACHMENT_PARENTS`` names its id and operations, as the spec does."""
assert {parent.data_type for parent in PARENTS} == ATTACHMENT_PARENTS


def _not_pulled(data_type: DataType) -> ConflictError:
    return ConflictError(
        f"The data set has not been requested: {data_type.value} has not been pulled for "
        "this connection yet. Queue a refresh, then read its attachments once the pull "
        "completes."
    )


def _parent_scope(
    session: Session, company_id: str, connection_id: str, parent: Parent, record_id: str
) -> uuid.UUID:
    """The connection's id, once the parent record is known to exist on it."""
    connection = load_connection(session, company_id, connection_id)
    data_type = parent.data_type.value
    if not records.has_dataset(session, connection.company_id, data_type, connection.id):
        raise _not_pulled(parent.data_type)
    if not attachments.parent_exists(
        session, connection.company_id, data_type, record_id, connection.id
    ):
        raise NotFoundError(f"No {data_type} record with id {record_id}.")
    return connection.id


def _attachment_not_found(parent: Parent, record_id: str, attachment_id: str) -> NotFoundError:
    return NotFoundError(
        f"No attachment with id {attachment_id} on {parent.data_type.value} record {record_id}."
    )


def file_response(file: attachments.StoredFile, default_name: str) -> Response:
    return Response(
        content=file.content,
        media_type=OCTET_STREAM,
        headers={"Content-Disposition": content_disposition(file.name or default_name)},
    )


def _list(
    services: Services, parent: Parent, company_id: str, connection_id: str, record_id: str
) -> Response:
    with services.sessions() as session:
        connection = _parent_scope(session, company_id, connection_id, parent, record_id)
        texts = attachments.list_text(session, connection, parent.data_type.value, record_id)
    return JSONBytes({"attachments": [orjson.Fragment(text) for text in texts]})


def _get(
    services: Services,
    parent: Parent,
    company_id: str,
    connection_id: str,
    record_id: str,
    attachment_id: str,
) -> Response:
    with services.sessions() as session:
        connection = _parent_scope(session, company_id, connection_id, parent, record_id)
        text = attachments.one_text(
            session, connection, parent.data_type.value, record_id, attachment_id
        )
    if text is None:
        raise _attachment_not_found(parent, record_id, attachment_id)
    return JSONBytes(orjson.Fragment(text))


def _download(
    services: Services,
    parent: Parent,
    company_id: str,
    connection_id: str,
    record_id: str,
    attachment_id: str,
) -> Response:
    with services.sessions() as session:
        connection = _parent_scope(session, company_id, connection_id, parent, record_id)
        file = attachments.download(
            session, connection, parent.data_type.value, record_id, attachment_id
        )
    if file is None:
        raise _attachment_not_found(parent, record_id, attachment_id)
    return file_response(file, attachment_id)


def _add_routes(parent: Parent) -> None:
    segment = URL_SEGMENTS[parent.data_type]
    base = (
        f"/companies/{{companyId}}/connections/{{connectionId}}/data/{segment}"
        f"/{{{parent.id_param}}}/attachments"
    )
    # Each parent names its id as the spec does ({invoiceId}, {billId}...); the handlers
    # read it through an alias (a default, as annotations here are strings).
    record_id = Path(alias=parent.id_param)

    async def list_attachments(
        companyId: str, connectionId: str, services: ServicesDep, recordId: str = record_id
    ) -> Response:
        return _list(services, parent, companyId, connectionId, recordId)

    async def get_attachment(
        companyId: str,
        connectionId: str,
        attachmentId: str,
        services: ServicesDep,
        recordId: str = record_id,
    ) -> Response:
        return _get(services, parent, companyId, connectionId, recordId, attachmentId)

    # Not async: the bytes are read in the thread pool, off the event loop.
    def download_attachment(
        companyId: str,
        connectionId: str,
        attachmentId: str,
        services: ServicesDep,
        recordId: str = record_id,
    ) -> Response:
        return _download(services, parent, companyId, connectionId, recordId, attachmentId)

    router.add_api_route(
        base,
        list_attachments,
        methods=["GET"],
        response_model=Attachments,
        response_class=JSONBytes,
        operation_id=f"list-{parent.operation}-attachments",
        summary=f"List {parent.label} attachments",
    )
    router.add_api_route(
        f"{base}/{{attachmentId}}",
        get_attachment,
        methods=["GET"],
        response_model=Attachment,
        response_class=JSONBytes,
        operation_id=f"get-{parent.operation}-attachment",
        summary=f"Get {parent.label} attachment",
    )
    router.add_api_route(
        f"{base}/{{attachmentId}}/download",
        download_attachment,
        methods=["GET"],
        response_class=Response,
        responses=BINARY_RESPONSE,
        operation_id=f"download-{parent.operation}-attachment",
        summary=f"Download {parent.label} attachment",
    )


for _parent in PARENTS:
    _add_routes(_parent)


@router.get(
    "/companies/{companyId}/data/invoices/{invoiceId}/pdf",
    response_class=Response,
    responses=BINARY_RESPONSE,
    operation_id="download-invoice-pdf",
    summary="Get invoice as PDF",
)
def download_invoice_pdf(companyId: str, invoiceId: str, services: ServicesDep) -> Response:
    """The invoice's PDF as the platform keeps it: a PDF among the invoice's files, from
    any of the company's connections. We render nothing ourselves, so an invoice without
    a PDF file is a 404 rather than a document the platform never issued."""
    data_type = DataType.INVOICES.value
    with services.sessions() as session:
        company = load_company(session, companyId)
        if not records.has_dataset(session, company.id, data_type):
            raise ConflictError(
                "The data set has not been requested: invoices have not been pulled for "
                "this company yet. Queue a refresh, then read the PDF once the pull completes."
            )
        if not attachments.parent_exists(session, company.id, data_type, invoiceId):
            raise NotFoundError(f"No invoices record with id {invoiceId}.")
        file = attachments.find_pdf(session, company.id, data_type, invoiceId)
    if file is None:
        raise NotFoundError(f"Invoice {invoiceId} has no PDF in its accounting platform.")
    return file_response(file, f"{invoiceId}.pdf")
