"""Integrations: the platforms this server can connect to, described by the connector
registry (never a hand-kept list)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ledgerport.api import representations as rep
from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.integrations import Branding, Integration, Integrations
from ledgerport.api.paging import PageDep, envelope
from ledgerport.api.responses import JSONBytes
from ledgerport.connectors.spec import Connector
from ledgerport.errors import NotFoundError
from ledgerport.services import Services
from ledgerport.storage.query import (
    DocumentEvaluator,
    FieldKind,
    parse_order_by,
    parse_query,
)

router = APIRouter(tags=["Integrations"], responses=ERROR_RESPONSES)

# The integration list is small and lives in memory, so queries run on the documents.
_FIELDS = DocumentEvaluator(
    "Integration",
    {
        "key": FieldKind.STRING,
        "name": FieldKind.STRING,
        "sourceType": FieldKind.STRING,
        "integrationId": FieldKind.STRING,
        "sourceId": FieldKind.STRING,
        "dataProvidedBy": FieldKind.STRING,
        "enabled": FieldKind.BOOLEAN,
        "isBeta": FieldKind.BOOLEAN,
        "isOfflineConnector": FieldKind.BOOLEAN,
    },
)


def _connector(services: Services, platformKey: str) -> Connector:
    connector = services.connectors.get(platformKey)
    if connector is None:
        raise NotFoundError(f"Integration with key '{platformKey}' not found.")
    return connector


# Codat's public docs put these under /config; codat-platform 6.0.0 calls them without
# the prefix. Both are served (the /config twins are hidden from the schema).
def _paths(path: str) -> list[tuple[str, bool]]:
    return [(path, True), ("/config" + path, False)]


def _key(document: dict[str, object]) -> str:
    return str(document["key"])


async def list_integrations(request: Request, services: ServicesDep, paging: PageDep) -> Response:
    """Lists the platforms you can connect companies to, and per data type what is
    released, in beta or not implemented."""
    documents = [rep.integration(services, c) for c in services.connectors]
    query = parse_query(paging.query) if paging.query and paging.query.strip() else None
    matched = _FIELDS.filter(documents, query)
    if paging.order_by:
        matched = _FIELDS.sort(matched, parse_order_by(paging.order_by), tiebreak=_key)
    page = matched[paging.offset : paging.offset + paging.page_size]
    return JSONBytes(envelope(request, paging, page, len(matched)))


async def get_integration(platformKey: str, services: ServicesDep) -> Response:
    return JSONBytes(rep.integration(services, _connector(services, platformKey)))


async def get_branding(platformKey: str, services: ServicesDep) -> Response:
    return JSONBytes(rep.branding(services, _connector(services, platformKey)))


for path, public in _paths("/integrations"):
    router.add_api_route(
        path,
        list_integrations,
        methods=["GET"],
        response_model=Integrations,
        response_class=JSONBytes,
        include_in_schema=public,
        operation_id="list-integrations" if public else None,
        summary="List integrations",
    )
for path, public in _paths("/integrations/{platformKey}"):
    router.add_api_route(
        path,
        get_integration,
        methods=["GET"],
        response_model=Integration,
        response_class=JSONBytes,
        include_in_schema=public,
        operation_id="get-integration" if public else None,
        summary="Get integration",
    )
for path, public in _paths("/integrations/{platformKey}/branding"):
    router.add_api_route(
        path,
        get_branding,
        methods=["GET"],
        response_model=Branding,
        response_class=JSONBytes,
        include_in_schema=public,
        operation_id="get-integrations-branding" if public else None,
        summary="Get branding",
    )
