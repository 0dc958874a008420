"""API keys: stored hashed, shown whole exactly once, when created."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api import representations as rep
from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.api_keys import ApiKeyDetails, ApiKeys, CreateApiKey
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.errors import ConflictError, NotFoundError
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import api_keys as repo

router = APIRouter(tags=["Settings"], responses=ERROR_RESPONSES)


@router.get(
    "/apiKeys",
    response_model=ApiKeys,
    response_class=JSONBytes,
    operation_id="list-api-keys",
    summary="List API keys",
)
def list_api_keys(services: ServicesDep) -> Response:
    """Lists your API keys. Only the last four characters of each key are shown."""
    with services.sessions() as session:
        return JSONBytes({"results": [rep.api_key(row) for row in repo.list_all(session)]})


@router.post(
    "/apiKeys",
    status_code=201,
    response_model=ApiKeyDetails,
    response_class=JSONBytes,
    operation_id="create-api-key",
    summary="Create API key",
)
def create_api_key(services: ServicesDep, body: CreateApiKey | None = None) -> Response:
    """Creates a key. The response is the only time the whole key is shown: store it."""
    limit = services.settings.max_api_keys
    with transaction(services.sessions) as session:
        if repo.count(session) >= limit:
            raise ConflictError(
                f"You already have {limit} API keys, the maximum. Delete one first."
            )
        issued = repo.create(session, body.name if body else None)
        return JSONBytes(rep.api_key(issued.row, issued.key), status_code=201)


@router.delete(
    "/apiKeys/{apiKeyId}",
    status_code=204,
    response_class=Response,
    operation_id="delete-api-key",
    summary="Delete API key",
)
def delete_api_key(apiKeyId: str, services: ServicesDep) -> Response:
    """Deletes a key; requests made with it fail from now on. You may delete the key
    that makes this call."""
    with transaction(services.sessions) as session:
        if not repo.delete_by_id(session, parse_id(apiKeyId, "API key")):
            raise NotFoundError(f"API key {apiKeyId} not found.")
    return empty(204)
