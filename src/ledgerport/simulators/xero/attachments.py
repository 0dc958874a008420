"""Files on records, at Xero's paths: ``GET /{Endpoint}/{Guid}/Attachments`` (the
list), ``GET .../Attachments/{AttachmentID}`` or ``.../Attachments/{FileName}`` (the
bytes, with the file's content type), and ``PUT``/``POST .../Attachments/{FileName}``
(the raw body is the file; ``POST`` replaces a file of the same name, as does ``PUT``
here, so a retried upload never makes a second copy).

Every live invoice and bill carries the sandbox's generated PDF (its number as the
file name); uploaded files are kept in the simulator's memory for any record of the
endpoints below."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import banking, journals, mapping
from ledgerport.simulators.xero.listing import view_of
from ledgerport.simulators.xero.records import Record, Row, View
from ledgerport.simulators.xero.responses import envelope, json_response, not_found
from ledgerport.simulators.xero.responses import validation_exception as refused
from ledgerport.simulators.xero.simulator import StoredFile

API_PREFIX = "/api.xro/2.0"
PARENTS: dict[str, Callable[[View], list[Row]]] = {
    "Invoices": View.invoices,
    "CreditNotes": View.credit_notes,
    "Contacts": View.contacts,
    "Accounts": View.accounts,
    "BankTransactions": banking.rows,
    "ManualJournals": journals.manual_journal_rows,
}


def _files(view: View, guid: str) -> list[StoredFile]:
    """A record's files: its generated PDF (invoices and bills), then uploads."""
    found: list[StoredFile] = []
    ref = view.sim.index(view.built).find(guid, DataType.INVOICES, DataType.BILLS)
    if ref is not None and view.sim.carries_pdf(ref.sandbox_id):
        pdf = view.built.attachment(ref.data_type, ref.sandbox_id)
        if pdf is not None:
            attachment_id = mapping.xero_id(view.tenant_id, "attachment", pdf.id)
            found.append(
                StoredFile(
                    attachment_id,
                    pdf.name,
                    "application/pdf",
                    pdf.content,
                    include_online=pdf.include_when_sent,
                )
            )
    return found + view.sim.overlay.files.get(guid, [])


def _parent(request: Request) -> tuple[View, str] | None:
    """The view and the parent record's GUID, if the record exists."""
    endpoint = request.path_params["endpoint"]
    guid = str(request.path_params["guid"]).lower()
    view = view_of(request)
    if not any(row.guid == guid for row in PARENTS[endpoint](view)):
        return None
    return view, guid


def _json(request: Request, file: StoredFile) -> Record:
    base = str(request.base_url).rstrip("/")
    endpoint, guid = request.path_params["endpoint"], str(request.path_params["guid"]).lower()
    return {
        "AttachmentID": file.attachment_id,
        "FileName": file.name,
        "Url": f"{base}{API_PREFIX}/{endpoint}/{guid}/Attachments/{quote(file.name)}",
        "MimeType": file.mime_type,
        "ContentLength": len(file.content),
        "IncludeOnline": file.include_online,
    }


async def listing(request: Request) -> Response:
    found = _parent(request)
    if found is None:
        return not_found()
    view, guid = found
    files = [_json(request, f) for f in _files(view, guid)]
    return json_response(envelope(view.sim.clock(), "Attachments", files))


async def content(request: Request) -> Response:
    """One file's bytes, by AttachmentID or by FileName."""
    found = _parent(request)
    if found is None:
        return not_found()
    view, guid = found
    wanted = str(request.path_params["file"])
    files = _files(view, guid)
    match = next((f for f in files if f.attachment_id == wanted.lower()), None)
    match = match or next((f for f in reversed(files) if f.name == wanted), None)
    if match is None:
        return not_found()
    return Response(match.content, media_type=match.mime_type)


async def upload(request: Request) -> Response:
    found = _parent(request)
    if found is None:
        return not_found()
    view, guid = found
    name = str(request.path_params["file"])
    body = await request.body()
    if not body:
        return refused([{"ValidationErrors": [{"Message": "The file is empty."}]}])
    include = request.query_params.get("IncludeOnline", request.query_params.get("includeOnline"))
    stored = StoredFile(
        attachment_id=str(uuid.uuid4()),
        name=name,
        mime_type=request.headers.get("content-type") or "application/octet-stream",
        content=body,
        include_online=(include or "").lower() == "true",
    )
    files = view.sim.overlay.files.setdefault(guid, [])
    files[:] = [f for f in files if f.name != name] + [stored]
    view.sim.files_changed()
    return json_response(envelope(view.sim.clock(), "Attachments", [_json(request, stored)]))
