"""The hosted Link pages a company is sent to.

``/link/company/{id}?token=`` (the company's ``redirect``) lets the company pick its
platform; ``/link/companies/{c}/connections/{x}/start?otp=`` (a connection's
``linkUrl``) authorizes one connection, once. Platforms whose connector cannot
authorize yet are shown as unavailable rather than pretending to connect.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.connectors.spec import Connector, NoAuth, OAuth2
from ledgerport.domain import links
from ledgerport.domain.enums import ConnectionStatus, SourceType
from ledgerport.domain.links import COMPANY_LINK_PATH, CONNECTION_LINK_PATH
from ledgerport.portal import csrf, oauth
from ledgerport.portal.templates import TEMPLATES
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import companies, connections, settings
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import refresh
from ledgerport.sync.integrations import oauth_app

router = APIRouter(include_in_schema=False)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _message(
    request: Request, status: int, heading: str, message: str, tone: str = "error"
) -> Response:
    return TEMPLATES.TemplateResponse(
        request,
        "link/message.html",
        {"heading": heading, "message": message, "tone": tone},
        status_code=status,
    )


def _page(request: Request, template: str, context: dict[str, object]) -> Response:
    token = csrf.issue(request)
    response = TEMPLATES.TemplateResponse(request, template, {**context, "csrf_token": token})
    csrf.attach(response, token, secure=request.url.scheme == "https")
    return response


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _company(session: Session, company_id: str, token: str, secret: bytes) -> CompanyRow | None:
    cid = _uuid(company_id)
    row = companies.get(session, cid) if cid else None
    if row is None or not links.company_token_valid(secret, str(row.id), row.link_nonce, token):
        return None
    return row


def _linkable(services: Services, session: Session, connector: Connector) -> bool:
    """Whether Link can complete for this platform here: one authorized on this page
    (the sandbox), or an OAuth platform whose app (client id and secret) is set up.
    Credential and desktop flows arrive with their connectors."""
    if not connector.linkable:
        return False
    if isinstance(connector.auth, NoAuth):
        return True
    return isinstance(connector.auth, OAuth2) and (
        oauth_app(services, session, connector) is not None
    )


_BAD_LINK = ("This link is not valid", "Ask the business that sent it for a new link.")


@router.get(COMPANY_LINK_PATH)
def company_link(company_id: str, request: Request, token: str = "") -> Response:
    services = _services(request)
    with services.sessions() as session:
        company = _company(session, company_id, token, services.secret)
        if company is None:
            return _message(request, 403, *_BAD_LINK)
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
        return _page(
            request,
            "link/company.html",
            {
                "company_name": company.name,
                "platforms": platforms,
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
    services = _services(request)
    if not csrf.is_valid(request, csrf_token):
        return _message(request, 403, "Session expired", "Go back, reload the page and try again.")
    connector = services.connectors.get(platformKey)
    with services.sessions() as session:
        linkable = connector is not None and _linkable(services, session, connector)
    if connector is None or not linkable:
        return _message(
            request,
            400,
            "Platform unavailable",
            "That platform cannot be connected on this server.",
        )
    with transaction(services.sessions) as session:
        company = _company(session, company_id, token, services.secret)
        if company is None:
            return _message(request, 403, *_BAD_LINK)
        # Reuse a connection still waiting for this platform rather than piling up new ones.
        row = connections.pending_for_platform(session, company.id, connector.key)
        if row is None:
            row = connections.create_pending(session, company.id, connector.key)
        url = links.connection_link_url(
            "", services.secret, str(company.id), str(row.id), row.link_nonce
        )
    return RedirectResponse(url, status_code=303)


def _connection_state(
    services: Services, session: Session, company_id: str, connection_id: str, otp: str
) -> tuple[str, ConnectionRow | None]:
    cid, xid = _uuid(company_id), _uuid(connection_id)
    row = connections.get(session, cid, xid) if cid and xid else None
    if row is None:
        return "invalid", None
    state = links.connection_token_state(
        services.secret,
        str(row.id),
        row.link_nonce,
        otp,
        issued_at=row.link_issued_at,
        used_at=row.link_used_at,
        ttl=timedelta(days=services.settings.link_token_ttl_days),
        now=utcnow(),
    )
    return state, row


_STATE_PAGES = {
    "invalid": (403, *_BAD_LINK),
    "used": (
        410,
        "This link has already been used",
        "Each link connects once. Ask the business that sent it for a new link.",
    ),
    "expired": (410, "This link has expired", "Ask the business that sent it for a new link."),
}


@router.get(CONNECTION_LINK_PATH)
def connection_link(
    company_id: str, connection_id: str, request: Request, otp: str = ""
) -> Response:
    services = _services(request)
    with services.sessions() as session:
        state, row = _connection_state(services, session, company_id, connection_id, otp)
        if state != "valid" or row is None:
            return _message(request, *_STATE_PAGES[state])
        company = companies.get(session, row.company_id)
        connector = services.connectors.get(row.platform_key)
        assert company is not None
        if connector is None:
            return _message(
                request,
                404,
                "Platform unavailable",
                "This connection's platform is not installed on this server.",
            )
        return _page(
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
    services = _services(request)
    if not csrf.is_valid(request, csrf_token):
        return _message(request, 403, "Session expired", "Go back, reload the page and try again.")
    with transaction(services.sessions) as session:
        state, row = _connection_state(services, session, company_id, connection_id, otp)
        if state != "valid" or row is None:
            return _message(request, *_STATE_PAGES[state])
        connector = services.connectors.get(row.platform_key)
        if connector is None or not _linkable(services, session, connector):
            return _message(
                request,
                400,
                "Platform unavailable",
                "This platform cannot be authorized on this server yet.",
            )
        app = oauth_app(services, session, connector)
        if app is not None:
            # Off to the platform's consent page; the connection links on the way back.
            return oauth.start(request, services, session, row, connector, app)
        # Consume the token and link in one conditional update, so two tabs (or two
        # servers) racing on the same URL cannot both succeed.
        result = session.execute(
            update(ConnectionRow)
            .where(
                ConnectionRow.id == row.id,
                ConnectionRow.link_used_at.is_(None),
                ConnectionRow.link_nonce == row.link_nonce,
            )
            .values(status=ConnectionStatus.LINKED.value, link_used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return _message(request, *_STATE_PAGES["used"])
        first_pulls, _ = refresh.queue_all(
            services, session, row.company_id, utcnow(), connection_id=row.id
        )
        profile = settings.profile(session)
        redirect = profile.redirect_url
        values = {
            "clientId": str(profile.client_id),
            "companyId": str(row.company_id),
            "connectionId": str(row.id),
            "integrationId": str(connector.integration_id),
            "sourceId": str(connector.source_id),
            "platform": connector.key,
            "platformName": connector.name,
            "sourceType": connector.source_type.value,
            "statusCode": "200",
            "statusText": "Linked",
            "errorMessage": "",
        }
    oauth.start_pulls(request, first_pulls)
    if redirect:
        # Back to the client's app, as Codat's Link does (Profile redirectUrl).
        return RedirectResponse(links.fill_redirect(redirect, values), status_code=303)
    return _message(
        request,
        200,
        f"{connector.name} connected",
        "You can close this window. The business you are sharing with can now see your data.",
        tone="muted",
    )
