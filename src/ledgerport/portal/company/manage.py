"""The Manage connections tab: each connection's status and Link URL, unlink and
delete, each behind a confirmation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import orjson
from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.domain.links import connection_link_url
from ledgerport.portal.company import actions, common
from ledgerport.portal.company_list import connection_href, when
from ledgerport.portal.deps import CsrfChecked, CurrentUser, Now, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.portal.statuses import Badge, badge
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import connections as repo
from ledgerport.storage.tables import ConnectionRow
from ledgerport.sync import uploads

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

_NOT_FOUND = PageError(404, "Connection not found", "It may have been deleted. Reload the page.")


@dataclass(frozen=True)
class ConnectionItem:
    id: str
    platform_key: str
    platform_name: str
    status: str
    badge: Badge
    created: str
    last_sync: str | None
    link_url: str
    errors: int
    href: str


def items(services: Services, found: common.CompanyPage) -> list[ConnectionItem]:
    names = services.platform_names
    result = []
    for c in found.connections:
        errors = orjson.loads(c.errors or "[]")
        result.append(
            ConnectionItem(
                id=c.id,
                platform_key=c.platform_key,
                platform_name=names.get(c.platform_key, c.platform_key),
                status=c.status,
                badge=badge(c.status, errors),
                created=when(c.created) or "",
                last_sync=when(c.last_sync),
                link_url=connection_link_url(
                    services.base_url, services.secret, c.company_id, c.id, c.link_nonce
                ),
                errors=len(errors),
                href=connection_href(c.company_id, c.id),
            )
        )
    return result


def _connections_page(
    request: Request, user: CurrentUser, services: Services, company_id: str, notice: str = ""
) -> Response:
    with services.sessions() as session:
        found = common.load(session, company_id)
    context = {
        "page": found,
        "tab": "connections",
        "connections": items(services, found),
        "notice": notice,
    }
    template = "_connections.html" if is_htmx(request) else "connections.html"
    return render(request, f"portal/company/{template}", context, user=user)


@router.get("/portal/companies/{company_id}/connections", name="portal_company_connections")
def connections_page(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    return _connections_page(request, user, services, company_id)


def _load(session: Session, company_id: str, connection_id: str) -> ConnectionRow:
    company = common.parse_uuid(company_id, _NOT_FOUND)
    row = repo.get(session, company, common.parse_uuid(connection_id, _NOT_FOUND))
    if row is None:
        raise _NOT_FOUND
    return row


def _confirm(
    request: Request,
    user: CurrentUser,
    services: Services,
    company_id: str,
    connection_id: str,
    action: str,
) -> Response:
    with services.sessions() as session:
        found = common.load(session, company_id)
        row = _load(session, company_id, connection_id)
        platform = services.platform_names.get(row.platform_key, row.platform_key)
    context = {
        "page": found,
        "action": action,
        "connection_id": str(row.id),
        "status": row.status,
        "platform_name": platform,
    }
    return render(request, "portal/company/confirm_connection.html", context, user=user)


@router.get(
    "/portal/companies/{company_id}/connections/{connection_id}/unlink",
    name="portal_connection_unlink_confirm",
)
def confirm_unlink(
    company_id: str, connection_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    return _confirm(request, user, services, company_id, connection_id, "unlink")


@router.get(
    "/portal/companies/{company_id}/connections/{connection_id}/delete",
    name="portal_connection_delete_confirm",
)
def confirm_delete(
    company_id: str, connection_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    return _confirm(request, user, services, company_id, connection_id, "delete")


def _done(
    request: Request, user: CurrentUser, services: Services, company_id: str, notice: str
) -> Response:
    if not is_htmx(request):
        return RedirectResponse(
            common.company_path(str(uuid.UUID(company_id))) + "/connections", status_code=303
        )
    response = _connections_page(request, user, services, company_id, notice)
    response.headers["HX-Trigger"] = orjson.dumps({"closeDialog": True}).decode()
    return response


@router.post(
    "/portal/companies/{company_id}/connections/{connection_id}/unlink",
    name="portal_connection_unlink",
    dependencies=[CsrfChecked],
)
def unlink(
    company_id: str,
    connection_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    at: Now,
) -> Response:
    with transaction(services.sessions) as session:
        row = _load(session, company_id, connection_id)
        platform = services.platform_names.get(row.platform_key, row.platform_key)
        changed = actions.unlink(session, row, at)
    notice = (
        f"The {platform} connection is unlinked. Its data stays; send the new Link URL to "
        "link it again."
        if changed
        else f"The {platform} connection was already unlinked."
    )
    return _done(request, user, services, company_id, notice)


@router.post(
    "/portal/companies/{company_id}/connections/{connection_id}/delete",
    name="portal_connection_delete",
    dependencies=[CsrfChecked],
)
def delete(
    company_id: str, connection_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    with transaction(services.sessions) as session:
        row = _load(session, company_id, connection_id)
        platform = services.platform_names.get(row.platform_key, row.platform_key)
        ids = row.company_id, row.id
        actions.delete(session, row)
    uploads.forget_connection(services, *ids)
    notice = f"The {platform} connection and the data pulled through it are deleted."
    return _done(request, user, services, company_id, notice)
