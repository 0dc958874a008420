"""Link for a file-upload connection: upload files, review how they were read, Finish.

The connection's Link URL (``.../start?otp=``) shows an upload form instead of a Connect
button. The files go to the same all-or-nothing ``sync.uploads.receive`` as the Files
API: a file refused for its size, type or content is named on the page with the reason,
and none of that upload's files is kept. The review page then lists the connection's
files: each spreadsheet with its detected mapping to correct and confirm (the same
``sync.uploads.confirm`` as the API: a mapping that cannot apply is refused there, on
the page), each PDF bill with what was read and what needs a person's eye. *Finish*,
once a file is ready, completes Link as every platform does (``link_flow.complete``).

Every page and form here needs the connection's valid Link token, which stays valid
until Finish: the company can come back to the same URL to add or correct files.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from ledgerport.connectors.spec import Connector
from ledgerport.domain import uploaded_files
from ledgerport.domain.uploads import UploadStatus
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.portal import csrf, link_review, oauth
from ledgerport.portal.link_flow import (
    SESSION_EXPIRED,
    complete_posted,
    connection_state,
    message,
    page,
    refusal,
    services_of,
)
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import companies
from ledgerport.storage.repositories import files as repo
from ledgerport.storage.tables import CompanyRow, ConnectionRow, UploadedFileRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import uploads

router = APIRouter(include_in_schema=False)

BASE = "/link/companies/{company_id}/connections/{connection_id}"
LINK_TYPES = frozenset({"csv", "xlsx", "pdf"})
"""What the file-upload connection reads: spreadsheets and PDF bills."""
ACCEPT = ",".join(f".{t}" for t in sorted(LINK_TYPES))


def _paths(row: ConnectionRow) -> dict[str, str]:
    base = BASE.format(company_id=row.company_id, connection_id=row.id)
    return {
        "start": f"{base}/start",
        "files": f"{base}/files",
        "review": f"{base}/review",
        "uploads": f"{base}/uploads",
        "finish": f"{base}/finish",
    }


def _with_otp(path: str, otp: str) -> str:
    return f"{path}?otp={quote(otp, safe='')}"


def _limits(services: Services) -> dict[str, int]:
    return {
        "max_files": uploaded_files.MAX_FILES,
        "max_file_mb": uploaded_files.MAX_FILE_BYTES // (1024 * 1024),
        # The server's cap on any request body (LEDGERPORT_MAX_BODY_MB).
        "max_total_mb": services.settings.max_body_mb,
    }


def _company(session: Session, row: ConnectionRow) -> CompanyRow:
    company = companies.get(session, row.company_id)
    assert company is not None  # a connection goes with its company
    return company


def upload_page(
    request: Request,
    services: Services,
    session: Session,
    company: CompanyRow,
    row: ConnectionRow,
    otp: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The connection Link URL's page for a file-upload connection."""
    paths = _paths(row)
    uploaded = repo.count_for_connection(session, row.id)
    return page(
        request,
        "link/upload.html",
        {
            "company_name": company.name,
            "otp": otp,
            "action": paths["files"],
            "review_url": _with_otp(paths["review"], otp),
            "uploaded": uploaded,
            "accept": ACCEPT,
            "limits": _limits(services),
            "error": error,
        },
        status=status,
    )


@dataclass(frozen=True)
class _Problem:
    """What to show again on the review page: an error, and for a refused
    confirmation the file it was about and the mapping as submitted."""

    message: str
    upload_id: str | None = None
    shown: Sequence[Mapping[str, object]] | None = field(default=None)


def review_page(
    request: Request,
    services: Services,
    session: Session,
    row: ConnectionRow,
    otp: str,
    problem: _Problem | None = None,
    status: int = 200,
) -> Response:
    paths = _paths(row)
    views = [
        link_review.upload_view(
            upload,
            f"{paths['uploads']}/{upload.id}",
            problem.message if problem and problem.upload_id == str(upload.id) else None,
            problem.shown if problem and problem.upload_id == str(upload.id) else None,
        )
        for upload in repo.for_connection(session, row.id)
    ]
    return page(
        request,
        "link/review.html",
        {
            "company_name": _company(session, row).name,
            "otp": otp,
            "uploads": views,
            "ready": any(v.ready for v in views),
            "error": problem.message if problem and problem.upload_id is None else None,
            "upload_url": _with_otp(paths["start"], otp),
            "finish_action": paths["finish"],
            "meanings": link_review.MEANING_LABELS,
            "date_orders": link_review.DATE_ORDERS,
        },
        status=status,
    )


def _incoming(files: Sequence[UploadFile]) -> list[uploads.Incoming]:
    """The files as ``receive`` takes them, each checked for size, name and type (the
    Files API's rules, narrowed to what this connection reads); a form sent without a
    file chosen is refused too."""
    if not files:
        raise BadRequestError("Choose at least one file to upload.")
    uploaded_files.check_count(len(files))
    return [
        uploads.checked(
            file.filename,
            file.content_type,
            file.file.read(uploaded_files.MAX_FILE_BYTES + 1),
            position,
            LINK_TYPES,
        )
        for position, file in enumerate(files, start=1)
    ]


def _file_upload_connection(
    services: Services, session: Session, company_id: str, connection_id: str, otp: str
) -> tuple[str, ConnectionRow | None]:
    """The connection when ``otp`` is its valid Link token and it takes files; else
    why not (``invalid``/``used``/``expired``)."""
    state, row = connection_state(services, session, company_id, connection_id, otp)
    if row is not None and not uploads.reads_files(services.connectors.get(row.platform_key)):
        return "invalid", None
    return state, row


@router.post(BASE + "/files")
async def upload_files(company_id: str, connection_id: str, request: Request) -> Response:
    services = services_of(request)
    async with request.form() as submitted:  # closing the spooled files after
        form = {k: v for k, v in submitted.items() if isinstance(v, str)}
        if not csrf.is_valid(request, form.get(csrf.FIELD)):
            return message(request, 403, *SESSION_EXPIRED)
        # A form sent with no file chosen has a "file" part with no name: not a file.
        files = [f for f in submitted.getlist("file") if isinstance(f, UploadFile) and f.filename]
        return await run_in_threadpool(
            _receive, request, services, company_id, connection_id, form.get("otp", ""), files
        )


def _receive(
    request: Request,
    services: Services,
    company_id: str,
    connection_id: str,
    otp: str,
    files: Sequence[UploadFile],
) -> Response:
    with services.sessions() as session:
        state, row = _file_upload_connection(services, session, company_id, connection_id, otp)
        if state != "valid" or row is None:
            return refusal(request, state)
        session.expunge(row)
    try:
        uploads.receive(services, row, _incoming(files), utcnow())
    except BadRequestError as error:
        with services.sessions() as session:
            return upload_page(
                request,
                services,
                session,
                _company(session, row),
                row,
                otp,
                error=error.message,
                status=400,
            )
    return RedirectResponse(_with_otp(_paths(row)["review"], otp), status_code=303)


@router.get(BASE + "/review")
def review(company_id: str, connection_id: str, request: Request, otp: str = "") -> Response:
    services = services_of(request)
    with services.sessions() as session:
        state, row = _file_upload_connection(services, session, company_id, connection_id, otp)
        if state != "valid" or row is None:
            return refusal(request, state)
        return review_page(request, services, session, row, otp)


class _Refused(Exception):
    def __init__(self, problem: _Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@router.post(BASE + "/uploads/{upload_id}/confirm")
async def confirm(
    company_id: str, connection_id: str, upload_id: str, request: Request
) -> Response:
    services = services_of(request)
    async with request.form() as submitted:  # field names depend on the file's sheets
        form = {k: v for k, v in submitted.items() if isinstance(v, str)}
    if not csrf.is_valid(request, form.get(csrf.FIELD)):
        return message(request, 403, *SESSION_EXPIRED)
    return await run_in_threadpool(
        _confirm, request, services, company_id, connection_id, upload_id, form
    )


Act = Callable[[Session, ConnectionRow, UploadedFileRow], tuple[list[uuid.UUID], str]]
"""What a form does to one file, in its transaction: the pulls it queued and where on
the review page to land (``#upload-…`` or nothing)."""


def _act_on_upload(
    request: Request,
    services: Services,
    company_id: str,
    connection_id: str,
    upload_id: str,
    otp: str,
    act: Act,
) -> Response:
    """``act`` on one file of the Link URL's connection in one transaction; then its
    pulls started and back to the review page."""
    try:
        with transaction(services.sessions) as session:
            state, row = _file_upload_connection(services, session, company_id, connection_id, otp)
            if state != "valid" or row is None:
                return refusal(request, state)
            upload = uploads.load(session, row.company_id, row.id, upload_id)
            queued, anchor = act(session, row, upload)
            target = _with_otp(_paths(row)["review"], otp) + anchor
    except NotFoundError:
        return message(request, 404, "File not found", "It may have been removed.")
    oauth.start_pulls(request, queued)
    return RedirectResponse(target, status_code=303)


def _confirm(
    request: Request,
    services: Services,
    company_id: str,
    connection_id: str,
    upload_id: str,
    form: Mapping[str, str],
) -> Response:
    """Confirm one file's mapping as the form corrects it, in one transaction that a
    refusal rolls back; the review page again with the refusal beside the file."""
    otp = form.get("otp", "")

    def act(
        session: Session, row: ConnectionRow, upload: UploadedFileRow
    ) -> tuple[list[uuid.UUID], str]:
        stored = upload.mappings or (upload.detected or {}).get("sheets", [])
        shown = link_review.corrected(stored, form) if stored else None
        now = utcnow()
        try:
            if shown is not None:
                link_review.check(shown)
            uploads.confirm(services, row, upload, shown, now)
        except BadRequestError as error:
            raise _Refused(_Problem(error.message, upload_id, shown)) from error
        # Link completes with Finish; a connection already linked (through the API)
        # reads the file at once.
        return uploads.queue_pulls(services, session, row, now), f"#upload-{upload_id}"

    try:
        return _act_on_upload(request, services, company_id, connection_id, upload_id, otp, act)
    except _Refused as refused:
        with services.sessions() as session:
            state, row = _file_upload_connection(services, session, company_id, connection_id, otp)
            if state != "valid" or row is None:
                return refusal(request, state)
            return review_page(request, services, session, row, otp, refused.problem, 400)


@router.post(BASE + "/uploads/{upload_id}/remove")
def remove(
    company_id: str,
    connection_id: str,
    upload_id: str,
    request: Request,
    otp: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Take a file off the connection before (or after) Finish: the same removal as the
    API's ``DELETE .../uploads/{uploadId}``."""
    services = services_of(request)
    if not csrf.is_valid(request, csrf_token):
        return message(request, 403, *SESSION_EXPIRED)
    removed: list[UploadedFileRow] = []

    def act(
        session: Session, row: ConnectionRow, upload: UploadedFileRow
    ) -> tuple[list[uuid.UUID], str]:
        removed.append(upload)
        return uploads.remove(services, session, row, upload, utcnow()), ""

    response = _act_on_upload(request, services, company_id, connection_id, upload_id, otp, act)
    for upload in removed if response.status_code == 303 else ():
        uploads.forget_file(services, upload)  # its row is gone: now its bytes
    return response


@router.post(BASE + "/finish")
def finish(
    company_id: str,
    connection_id: str,
    request: Request,
    otp: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    def instead(
        services: Services, session: Session, row: ConnectionRow, connector: Connector | None
    ) -> Response | None:
        if not repo.count_for_connection(session, row.id, UploadStatus.READY):
            problem = _Problem("Confirm at least one file before you finish.")
            return review_page(request, services, session, row, otp, problem, status=400)
        return None

    return complete_posted(
        request,
        company_id,
        connection_id,
        otp,
        csrf_token,
        state_of=_file_upload_connection,
        instead=instead,
    )
