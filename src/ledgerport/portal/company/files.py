"""The Uploaded files tab: every file the company sent (through the Files API or Link's
upload page), newest first, with what was read from it and whether its records have
landed, and each file to download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from ledgerport.domain.dates import to_codat
from ledgerport.domain.uploaded_files import content_disposition
from ledgerport.portal.company import common
from ledgerport.portal.company_list import when
from ledgerport.portal.deps import CurrentUser, ServicesDep
from ledgerport.portal.pages import SECURITY_HEADERS, render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.portal.upload_views import ReviewView, review_items, size_text, status_text
from ledgerport.storage.repositories import files as repo
from ledgerport.sync import uploads

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

PAGE_SIZE = 50
_MISSING = PageError(404, "File not found", "It may have been deleted with its connection.")


@dataclass(frozen=True)
class FileItem:
    id: str
    file_name: str
    platform_name: str
    connection_id: str
    size: str
    uploaded: str
    uploaded_iso: str
    status: str
    status_label: str
    tone: str
    suppliers_found: int | None
    bills_found: int | None
    review: Sequence[ReviewView]
    imported: bool
    reads_files: bool  # on a file-upload connection (the others only keep files)
    download: str


@dataclass(frozen=True)
class FilesPage:
    items: Sequence[FileItem]
    page: int
    pages: int
    total: int


def _files(services: ServicesDep, found: common.CompanyPage, page: int) -> FilesPage:
    names = services.platform_names
    platforms = {c.id: c.platform_key for c in found.connections}
    base = common.company_path(found.company.id) + "/files"
    with services.sessions() as session:
        total = repo.count_for_company(session, found.uuid)
        pages = max(1, -(-total // PAGE_SIZE))
        number = min(page, pages)
        items = []
        shown = repo.for_company(
            session, found.uuid, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        landed = uploads.imported(session, shown)
        for row in shown:
            key = platforms.get(str(row.connection_id), "")
            label, tone = status_text(row)
            uploaded = to_codat(row.uploaded) or ""
            items.append(
                FileItem(
                    id=str(row.id),
                    file_name=row.file_name,
                    platform_name=names.get(key, key),
                    connection_id=str(row.connection_id),
                    size=size_text(row.size),
                    uploaded=when(uploaded) or "",
                    uploaded_iso=uploaded,
                    status=row.status,
                    status_label=label,
                    tone=tone,
                    suppliers_found=row.suppliers_found,
                    bills_found=row.bills_found,
                    review=review_items(row),
                    imported=row.id in landed,
                    reads_files=uploads.reads_files(services.connectors.get(key)),
                    download=f"{base}/{row.id}/download",
                )
            )
    return FilesPage(items, number, pages, total)


@router.get("/portal/companies/{company_id}/files", name="portal_company_files")
def files_page(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep, page: str = "1"
) -> Response:
    with services.sessions() as session:
        found = common.load(session, company_id)
    files = _files(services, found, common.page_number(page))
    context = {"page": found, "tab": "files", "files": files}
    return render(request, "portal/company/files.html", context, user=user)


@router.get("/portal/companies/{company_id}/files/{upload_id}/download")
def download_file(
    company_id: str, upload_id: str, user: CurrentUser, services: ServicesDep
) -> Response:
    """The file as it was uploaded, never shown inline: ``attachment``, as bytes."""
    company = common.parse_uuid(company_id)
    wanted = common.parse_uuid(upload_id, _MISSING)
    with services.sessions() as session:
        row = repo.get(session, company, wanted)
        if row is None:
            raise _MISSING
        name, content = row.file_name, repo.content(row, services.blobs)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={**SECURITY_HEADERS, "Content-Disposition": content_disposition(name)},
    )
