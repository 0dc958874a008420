"""Xero's identity API on the simulator's host: ``GET /connections`` (the tenants a
token may use, xero-identity's ``Connection`` array) and ``DELETE /connections/{id}``
(disconnect one: 204, after which the tenant is 403 to that authorization's tokens,
while the tokens themselves stay valid, as in Xero)."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.simulators.xero.responses import json_response, not_found, unauthorized
from ledgerport.simulators.xero.tokens import AccessGrant

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator


def _grant(request: Request) -> AccessGrant | Response:
    sim: XeroSimulator = request.app.state.xero
    grant = sim.grant(request.headers.get("authorization", ""))
    return unauthorized(grant) if isinstance(grant, str) else grant


async def connections(request: Request) -> Response:
    sim: XeroSimulator = request.app.state.xero
    grant = _grant(request)
    if isinstance(grant, Response):
        return grant
    t, authorization = sim.tenant, grant.authorization
    stamp = authorization.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0")
    body = [
        {
            "id": sim.connection_id(authorization.id, tenant_id),
            "authEventId": authorization.id,
            "tenantId": t.tenant_id,
            "tenantType": "ORGANISATION",
            "tenantName": t.name,
            "createdDateUtc": stamp,
            "updatedDateUtc": stamp,
        }
        for tenant_id in grant.tenant_ids
        if tenant_id == t.tenant_id
    ]
    return json_response(body)


async def disconnect(request: Request) -> Response:
    sim: XeroSimulator = request.app.state.xero
    grant = _grant(request)
    if isinstance(grant, Response):
        return grant
    wanted = str(request.path_params["id"]).lower()
    authorization = grant.authorization
    for tenant_id in grant.tenant_ids:
        if sim.connection_id(authorization.id, tenant_id) == wanted:
            sim.tokens.disconnect(authorization.id, tenant_id)
            return Response(status_code=204)
    return not_found()
