"""The hosted Link pages a company is sent to.

``/link/company/{id}?token=`` (the company's ``redirect``) lets the company pick its
platform; ``/link/companies/{c}/connections/{x}/start?otp=`` (a connection's
``linkUrl``) authorizes one connection, once. Platforms whose connector cannot
authorize yet are shown as unavailable rather than pretending to connect. A file-upload
connection's Link URL leads to an upload form instead (``link_upload.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.connectors.spec import Connector, FileUpload, NoAuth, OAuth2
from ledgerport.domain import links
from ledgerport.domain.enums import SourceType
from ledgerport.domain.links import COMPANY_LINK_PATH, CONNECTION_LINK_PATH
from ledgerport.portal import csrf, link_upload, oauth
from ledgerport.portal.link_flow import (
    BAD_LINK,
    SESSION_EXPIRED,
    complete_posted,
    connection_state,
    message,
    page,
    parse_uuid,
    refusal,
    services_of,
)
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import companies, connections
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from ledgerport.sync.integrations import oauth_app

router = APIRouter(include_in_schema=False)
router.include_router(link_upload.router)  # the upload, review and Finish pages


def _company(session: Session, company_id: str, token: str, secret: bytes) -> CompanyRow | None:
    cid = parse_uuid(company_id)
    row = companies.get(session, cid) if cid else None
    if row is None or not links.company_token_valid(secret, str(row.id), row.link_nonce, token):
        return None
    return row


def _linkable(services: Services, session: Session, connector: Connector) -> bool:
    """Whether Link can complete for this platform here: one authorized on this page
    (the sandbox, or file upload: the files are the authorization), or an OAuth platform
    whose app (client id and secret) is set up. Credential and desktop flows arrive with
    their connectors."""
    if not connector.linkable:
        return False
    if isinstance(connector.auth, NoAuth | FileUpload):
        return True
    return isinstance(connector.auth, OAuth2) and (
        oauth_app(services, session, connector) is not None
    )


@router.get(COMPANY_LINK_PATH)
def company_link(company_id: str, request: Request, token: str = "") -> Response:
    services = services_of(request)
    with services.sessions() as session:
        company = _company(session, company_id, token, services.secret)
        if company is None:
            return message(request, 403, *BAD_LINK)
        platforms = [
            {
                "key": c.key,
                "name": c.name,
                "linkable": _linkable(services, session, c),
                "logo_url": f"/logos/{c.key}.svg",
            }
            for c in services.connectors
            # A partner expense connection is made by the expense app, not in Link.
            if c.source_type is SourceType.ACCOUNTING
        ]
        # Below the software, as Codat's Link does: for companies whose software is
        # not listed, or who keep their bills in spreadsheets.
        upload = next(
            (
                {"key": c.key, "name": c.name, "description": c.description}
                for c in services.connectors
                if isinstance(c.auth, FileUpload) and _linkable(services, session, c)
            ),
            None,
        )
        return page(
            request,
            "link/company.html",
            {
                "company_name": company.name,
                "platforms": platforms,
                "upload": upload,
                "token": token,
                "action": COMPANY_LINK_PATH.format(company_id=company.id) + "/connections",
            },
        )


@router.post(COMPANY_LINK_PATH + "/connections")
def company_link_choose(
    company_id: str,
    request: Request,
    token: Annotated[str, Form()] = "",
    platformKey: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    services = services_of(request)
    if not csrf.is_valid(request, csrf_token):
        return message(request, 403, *SESSION_EXPIRED)
    connector = services.connectors.get(platformKey)
    with services.sessions() as session:
        linkable = connector is not None and _linkable(services, session, connector)
    if connector is None or not linkable:
        return message(
            request,
            400,
            "Platform unavailable",
            "That platform cannot be connected on this server.",
        )
    with transaction(services.sessions) as session:
        company = _company(session, company_id, token, services.secret)
        if company is None:
            return message(request, 403, *BAD_LINK)
        # Reuse a connection still waiting for this platform rather than piling up new ones.
        row = connections.pending_for_platform(session, company.id, connector.key)
        if row is None:
            row = connections.create_pending(session, company.id, connector.key)
        url = links.connection_link_url(
            "", services.secret, str(company.id), str(row.id), row.link_nonce
        )
    return RedirectResponse(url, status_code=303)


@router.get(CONNECTION_LINK_PATH)
def connection_link(
    company_id: str, connection_id: str, request: Request, otp: str = ""
) -> Response:
    services = services_of(request)
    with services.sessions() as session:
        state, row = connection_state(services, session, company_id, connection_id, otp)
        if state != "valid" or row is None:
            return refusal(request, state)
        company = companies.get(session, row.company_id)
        connector = services.connectors.get(row.platform_key)
        assert company is not None
        if connector is None:
            return message(
                request,
                404,
                "Platform unavailable",
                "This connection's platform is not installed on this server.",
            )
        if isinstance(connector.auth, FileUpload):
            # Files instead of a Connect button; Link completes with Finish.
            return link_upload.upload_page(request, services, session, company, row, otp)
        return page(
            request,
            "link/connection.html",
            {
                "company_name": company.name,
                "platform_name": connector.name,
                "description": connector.description,
                "linkable": _linkable(services, session, connector),
                "oauth": isinstance(connector.auth, OAuth2),
                "otp": otp,
                "action": request.url.path,
            },
        )


@router.post(CONNECTION_LINK_PATH)
def connection_link_authorize(
    company_id: str,
    connection_id: str,
    request: Request,
    otp: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    def instead(
        services: Services, session: Session, row: ConnectionRow, connector: Connector | None
    ) -> Response | None:
        if connector is None or not _linkable(services, session, connector):
            return message(
                request,
                400,
                "Platform unavailable",
                "This platform cannot be authorized on this server yet.",
            )
        if isinstance(connector.auth, FileUpload):
            return message(
                request,
                400,
                "Upload your files first",
                "Upload your files, confirm how they are read, then press Finish.",
            )
        app = oauth_app(services, session, connector)
        if app is not None:
            # Off to the platform's consent page; the connection links on the way back.
            return oauth.start(request, services, session, row, connector, app)
        return None

    return complete_posted(request, company_id, connection_id, otp, csrf_token, instead=instead)
