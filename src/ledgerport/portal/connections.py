"""A data connection's page, reached from its badge on the Companies tab: its status,
its Link URL, and its linking errors (Codat's ``dataConnectionErrors``)."""

from __future__ import annotations

import uuid

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from ledgerport.domain.links import connection_link_url
from ledgerport.portal.company_list import when
from ledgerport.portal.deps import CurrentUser, ServicesDep
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.portal.statuses import badge
from ledgerport.storage.repositories import views

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

_NOT_FOUND = PageError(404, "Connection not found", "It may have been deleted.")


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise _NOT_FOUND from None


@router.get("/portal/companies/{company_id}/connections/{connection_id}", name="portal_connection")
def connection_page(
    company_id: str,
    connection_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    with services.sessions() as session:
        connection = views.connection(session, _uuid(connection_id))
        if connection is None or connection.company_id != str(_uuid(company_id)):
            raise _NOT_FOUND
        found = views.company(session, uuid.UUID(connection.company_id))
    if found is None:
        raise _NOT_FOUND
    company, _ = found
    errors = orjson.loads(connection.errors or "[]")
    link_url = connection_link_url(
        services.base_url,
        services.secret,
        connection.company_id,
        connection.id,
        connection.link_nonce,
    )
    context = {
        "company": company,
        "connection": connection,
        "platform_name": services.platform_names.get(
            connection.platform_key, connection.platform_key
        ),
        "badge": badge(connection.status, errors),
        "created": when(connection.created),
        "last_sync": when(connection.last_sync),
        "link_url": link_url,
        # Newest first: the one to act on is at the top.
        "errors": [{**e, "erroredOn": when(e.get("erroredOnUtc"))} for e in reversed(errors)],
    }
    return render(request, "portal/connection.html", context, user=user)
