"""Codat's Files API: files a business uploads for its lender (identity documents,
pitch decks, statements), listed and downloaded by the company. Sent to a file-upload
connection, spreadsheets and PDF bills are also read into suppliers and bills (see
``sync/uploads.py`` and the uploads routes).

Uploads are all or nothing: every file in the call is checked (count, size, type by
extension and by its first bytes) before any is stored, so a refused call leaves the
company's files as they were. The same bytes sent again to a connection are kept once.
A download is ``application/octet-stream`` as the spec says: the file itself when one
matches, a zip of them when several do.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.attachments import BINARY_RESPONSE
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.attachments import OCTET_STREAM
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.connections import load_connection
from ledgerport.domain import uploaded_files
from ledgerport.domain.dates import to_codat
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.storage.repositories import files as repo
from ledgerport.storage.types import utcnow
from ledgerport.sync import uploads

router = APIRouter(tags=["Files"], responses=ERROR_RESPONSES)


@router.post(
    "/companies/{companyId}/connections/{connectionId}/files",
    response_class=Response,
    responses={200: {"description": "Success"}},
    operation_id="upload-files",
    summary="Upload files for a company",
)
def upload_files(
    companyId: str,
    connectionId: str,
    file: Annotated[list[UploadFile], File(description="The files to upload.")],
    services: ServicesDep,
) -> Response:
    uploaded_files.check_count(len(file))
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
    # Every file is checked (and, on a file-upload connection, understood) before any
    # is stored: one refusal stores nothing.
    checked = [
        uploads.checked(
            f.filename, f.content_type, f.file.read(uploaded_files.MAX_FILE_BYTES + 1), i + 1
        )
        for i, f in enumerate(file)
    ]
    uploads.receive(services, connection, checked, utcnow())
    return Response(status_code=200)


@router.get(
    "/companies/{companyId}/files",
    response_class=JSONBytes,
    operation_id="list-files",
    summary="List all files uploaded by a company",
)
async def list_files(companyId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        company = load_company(session, companyId)
        found = repo.list_files(session, company.id)
    return JSONBytes(
        [
            {
                "fileName": f.file_name,
                "displayName": f.display_name,
                "sourceType": None,
                "uploaded": to_codat(f.uploaded),
            }
            for f in found
        ]
    )


def _day(value: str) -> date:
    """The day of a Codat date (``2024-05-01`` or a date-time such as
    ``2024-05-01T00:00:00Z``)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise BadRequestError(f"The date '{value}' is not a valid date: use YYYY-MM-DD.") from None


@router.get(
    "/companies/{companyId}/files/download",
    response_class=Response,
    responses=BINARY_RESPONSE,
    operation_id="download-files",
    summary="Download all files for a company",
)
def download_files(
    companyId: str,
    services: ServicesDep,
    date_: Annotated[
        str | None,
        Query(alias="date", description="Only download files uploaded on this date."),
    ] = None,
) -> Response:
    start = end = None
    if date_ is not None:
        start = datetime.combine(_day(date_), time(), tzinfo=UTC)
        end = start + timedelta(days=1)
    with services.sessions() as session:
        company = load_company(session, companyId)
        rows = repo.uploaded_between(session, company.id, start, end)
        found = [(row.file_name, repo.content(row, services.blobs)) for row in rows]
    if not found:
        when = f" on {start.date().isoformat()}" if start is not None else ""
        raise NotFoundError(f"No files were uploaded{when} for company {companyId}.")
    if len(found) == 1:
        name, content = found[0]
        return Response(
            content=content,
            media_type=OCTET_STREAM,
            headers={"Content-Disposition": uploaded_files.content_disposition(name)},
        )
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in found:
            archive.writestr(_unique(name, used), content)
    day = start.date().isoformat() if start is not None else "all"
    return Response(
        content=buffer.getvalue(),
        media_type=OCTET_STREAM,
        headers={"Content-Disposition": uploaded_files.content_disposition(f"files-{day}.zip")},
    )


def _unique(name: str, used: set[str]) -> str:
    """``name``, or ``name (2).ext``... when another file in the zip has it."""
    candidate, n = name, 1
    stem, dot, ext = name.rpartition(".")
    while candidate in used:
        n += 1
        candidate = f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"
    used.add(candidate)
    return candidate
