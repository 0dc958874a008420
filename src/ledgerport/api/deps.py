"""Dependencies as annotated aliases, so route signatures read like prose."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from ledgerport.errors import UnauthorizedError
from ledgerport.services import Services
from ledgerport.storage.repositories import api_keys


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def request_session(services: ServicesDep) -> AsyncIterator[Session]:
    """One session for the request, for the key check and the routes that read through
    it (the data lists); closed when the response is done."""
    with services.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(request_session)]

# Declared as Codat's spec does (apiKey in the Authorization header), so /openapi.json
# and the docs page show the same security scheme the SDKs use.
_auth_header = APIKeyHeader(name="Authorization", scheme_name="auth_header", auto_error=False)

_UNAUTHORIZED = (
    "Missing or invalid API key. Send the header 'Authorization: Basic <base64 of your API "
    "key>'; create keys with `ledgerport apikey create` or POST /apiKeys."
)


def _candidate_keys(header: str) -> list[str]:
    """The key inside ``Basic <base64(key)>``; a raw key after ``Basic`` is accepted too,
    since people paste the key itself as often as its encoding."""
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "basic" or not value:
        return []
    candidates = []
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8").strip()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if decoded:
        # Some clients encode "key:" the way HTTP Basic encodes "user:password".
        candidates.append(decoded.removesuffix(":"))
    candidates.append(value)
    return candidates


async def require_api_key(
    session: SessionDep, authorization: Annotated[str | None, Depends(_auth_header)]
) -> uuid.UUID:
    """The id of the calling API key. Checked against the database on every request, so a
    revoked key fails at once, on every worker. (async and inline: one indexed lookup,
    cheaper than a thread-pool hop.)"""
    if not authorization:
        raise UnauthorizedError(_UNAUTHORIZED)
    connection = session.connection()
    try:
        for candidate in _candidate_keys(authorization):
            key_id = api_keys.key_id(connection, candidate)
            if key_id is not None:
                return key_id
    finally:
        # Give the connection back at once: most routes open their own transaction,
        # and a connection held for the whole request would halve the pool.
        session.rollback()
    raise UnauthorizedError(_UNAUTHORIZED)


ApiKeyIdDep = Annotated[uuid.UUID, Depends(require_api_key)]
