"""Data connections: one company's link to one accounting platform."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api import representations as rep
from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.connections import (
    CompanyAccessToken,
    Connection,
    Connections,
    CreateConnection,
    UpdateConnectionStatus,
)
from ledgerport.api.paging import PageDep, envelope
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.api.routes.companies import load_company
from ledgerport.domain.tokens import sign_claims
from ledgerport.errors import NotFoundError
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.query import apply_query
from ledgerport.storage.repositories import connections as repo
from ledgerport.storage.repositories import views
from ledgerport.storage.repositories.resolvers import connection_resolver
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import uploads

router = APIRouter(tags=["Connections"], responses=ERROR_RESPONSES)


def connection_body(services: Services, session: Session, connection_id: uuid.UUID) -> Response:
    row = views.connection(session, connection_id)
    if row is None:
        raise NotFoundError(f"Data connection {connection_id} not found.")
    return JSONBytes(rep.connection(services, row))


def load_connection(session: Session, companyId: str, connectionId: str) -> ConnectionRow:
    company = load_company(session, companyId)
    row = repo.get(session, company.id, parse_id(connectionId, "Data connection"))
    if row is None:
        raise NotFoundError(f"Data connection {connectionId} not found.")
    return row


@router.get(
    "/companies/{companyId}/connections",
    response_model=Connections,
    response_class=JSONBytes,
    operation_id="list-connections",
    summary="List connections",
)
async def list_connections(
    companyId: str, request: Request, services: ServicesDep, paging: PageDep
) -> Response:
    # async and inline, like the company list: a few indexed statements.
    with services.sessions() as session:
        company = load_company(session, companyId)
        stmt = apply_query(
            select(ConnectionRow).where(ConnectionRow.company_id == company.id),
            connection_resolver(services.platform_names),
            paging.query,
            paging.order_by,
            default_order=(ConnectionRow.created.expression, ConnectionRow.id.expression),
        )
        rows, total = views.connection_page(
            session, stmt, offset=paging.offset, limit=paging.page_size
        )
        results = [rep.connection(services, row) for row in rows]
    return JSONBytes(envelope(request, paging, results, total))


@router.post(
    "/companies/{companyId}/connections",
    response_model=Connection,
    response_class=JSONBytes,
    operation_id="create-connection",
    summary="Create connection",
)
def create_connection(companyId: str, body: CreateConnection, services: ServicesDep) -> Response:
    """Creates a connection to the platform named by ``platformKey``, in ``PendingAuth``.
    Send the company to its ``linkUrl`` to authorize it; the URL works once."""
    connector = services.connectors.get(body.platformKey)
    if connector is None:
        raise NotFoundError(
            f"Integration with key '{body.platformKey}' not found. "
            "GET /integrations lists the platform keys this server supports."
        )
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        row = repo.create_pending(session, company.id, connector.key)
        return connection_body(services, session, row.id)


@router.get(
    "/companies/{companyId}/connections/{connectionId}",
    response_model=Connection,
    response_class=JSONBytes,
    operation_id="get-connection",
    summary="Get connection",
)
def get_connection(companyId: str, connectionId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        row = load_connection(session, companyId, connectionId)
        return connection_body(services, session, row.id)


@router.patch(
    "/companies/{companyId}/connections/{connectionId}",
    response_model=Connection,
    response_class=JSONBytes,
    operation_id="unlink-connection",
    summary="Unlink connection",
)
def unlink_connection(
    companyId: str, connectionId: str, body: UpdateConnectionStatus, services: ServicesDep
) -> Response:
    """Unlinks the connection: no more data is pulled, data already pulled is kept.
    The company can re-authorize through a fresh ``linkUrl``."""
    with transaction(services.sessions) as session:
        row = load_connection(session, companyId, connectionId)
        if body.status is not None:
            repo.change_status_for_client(session, row, body.status, utcnow())
        session.flush()
        return connection_body(services, session, row.id)


@router.delete(
    "/companies/{companyId}/connections/{connectionId}",
    status_code=200,
    response_class=Response,
    operation_id="delete-connection",
    summary="Delete connection",
)
def delete_connection(companyId: str, connectionId: str, services: ServicesDep) -> Response:
    """Revokes and removes the connection. This cannot be undone."""
    with transaction(services.sessions) as session:
        connection = load_connection(session, companyId, connectionId)
        ids = connection.company_id, connection.id
        repo.remove(session, connection)
    uploads.forget_connection(services, *ids)
    return empty(200)


def company_access_token(services: Services, company_id: uuid.UUID) -> dict[str, object]:
    ttl = services.settings.access_token_ttl_seconds
    expires = utcnow() + timedelta(seconds=ttl)
    token = sign_claims(
        services.secret,
        {"sub": str(company_id), "scope": "company", "exp": int(expires.timestamp())},
    )
    return {"accessToken": token, "expiresIn": ttl, "tokenType": "Bearer"}


@router.get(
    "/companies/{companyId}/accessToken",
    response_model=CompanyAccessToken,
    response_class=JSONBytes,
    operation_id="get-company-access-token",
    summary="Get company access token",
)
def get_access_token(companyId: str, services: ServicesDep) -> Response:
    """A Bearer token, valid for one day, that lets an embedded Link UI act for this
    company only."""
    with services.sessions() as session:
        company = load_company(session, companyId)
    return JSONBytes(company_access_token(services, company.id))
