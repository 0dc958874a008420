"""Settings, Developers > API keys: create (the key shown once), list, revoke. The same
repository and the same limit as ``/apiKeys``: keys are stored as SHA-256 hashes, so the
whole key exists only in the response that creates it."""

from __future__ import annotations

import base64
import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from ledgerport.portal.company_list import when
from ledgerport.portal.deps import CsrfChecked, CurrentUser, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.portal.settings.common import tabs
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import api_keys as repo

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

NAME_LENGTH = 50  # the API's CreateApiKey.name limit
SECTION_ID = "api-keys"
_NOT_FOUND = PageError(404, "API key not found", "It may have been revoked already.")


def _keys(services: Services) -> list[dict[str, Any]]:
    with services.sessions() as session:
        rows = repo.list_all(session)
        return [
            {
                "id": str(r.id),
                "name": r.name or "",
                "created": when(r.created.isoformat()) if r.created else "",
                "created_iso": r.created.isoformat() if r.created else "",
                "hint": r.key_hint,
            }
            for r in rows
        ]


def _page(
    request: Request,
    user: CurrentUser,
    services: Services,
    *,
    created: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    name: str = "",
    status: int = 200,
) -> Response:
    keys = _keys(services)
    context = {
        "tabs": tabs("api-keys"),
        "keys": keys,
        "limit": services.settings.max_api_keys,
        "created": created,
        "error": error,
        "notice": notice,
        "name": name,
        "section_id": SECTION_ID,
        "name_length": NAME_LENGTH,
    }
    fragment = is_htmx(request) and request.headers.get("HX-Target") == SECTION_ID
    template = "_api_keys.html" if fragment else "api_keys.html"
    return render(request, f"portal/settings/{template}", context, user=user, status=status)


@router.get("/settings/api-keys", name="portal_settings_api_keys")
def api_keys_page(request: Request, user: CurrentUser, services: ServicesDep) -> Response:
    return _page(request, user, services)


@router.post("/settings/api-keys", dependencies=[CsrfChecked])
def create_api_key(
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    name: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    clean = name.strip()
    if len(clean) > NAME_LENGTH:
        return _page(
            request,
            user,
            services,
            error=f"A key's name is at most {NAME_LENGTH} characters.",
            name=clean,
            status=422,
        )
    limit = services.settings.max_api_keys
    with transaction(services.sessions) as session:
        issued = None if repo.count(session) >= limit else repo.create(session, clean or None)
    if issued is None:
        return _page(
            request,
            user,
            services,
            error=f"You already have {limit} API keys, the maximum. Revoke one first.",
            name=clean,
            status=422,
        )
    created = {
        "id": str(issued.row.id),
        "name": clean,
        "key": issued.key,
        # What Codat's SDKs send, ready to paste: "Basic " + base64 of the key.
        "header": "Basic " + base64.b64encode(issued.key.encode()).decode(),
    }
    return _page(request, user, services, created=created)


@router.get("/settings/api-keys/{key_id}/revoke", name="portal_settings_api_key_revoke_confirm")
def confirm_revoke(
    key_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    found = next((k for k in _keys(services) if k["id"] == key_id), None)
    if found is None:
        raise _NOT_FOUND
    return render(request, "portal/settings/revoke.html", {"key": found}, user=user)


@router.post("/settings/api-keys/{key_id}/revoke", dependencies=[CsrfChecked])
def revoke(key_id: str, request: Request, user: CurrentUser, services: ServicesDep) -> Response:
    try:
        parsed = uuid.UUID(key_id)
    except ValueError:
        raise _NOT_FOUND from None
    with transaction(services.sessions) as session:
        if not repo.delete_by_id(session, parsed):
            raise _NOT_FOUND
    if not is_htmx(request):
        return RedirectResponse("/settings/api-keys", status_code=303)
    response = _page(
        request, user, services, notice="The API key is revoked; requests made with it now fail."
    )
    response.headers["HX-Trigger"] = orjson.dumps({"closeDialog": True}).decode()
    return response
