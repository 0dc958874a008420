"""Settings: the client profile and sync settings (profile defaults and per company)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.settings import (
    CompanySyncSettings,
    CompanySyncSettingsRequest,
    Profile,
    ProfileSyncSettingsRequest,
    SyncSettings,
)
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.api.routes.companies import load_company
from ledgerport.domain.sync_settings import clean_settings, default_settings
from ledgerport.domain.urls import is_web_url
from ledgerport.errors import BadRequestError
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import settings as repo
from ledgerport.storage.tables import ProfileRow

router = APIRouter(tags=["Settings"], responses=ERROR_RESPONSES)


def _profile_body(row: ProfileRow) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": row.name,
        "redirectUrl": row.redirect_url,
        "whiteListUrls": list(row.white_list_urls or []),
    }
    # Codat's Profile has no nulls: unset logos are left out.
    if row.logo_url:
        body["logoUrl"] = row.logo_url
    if row.icon_url:
        body["iconUrl"] = row.icon_url
    return body


@router.get(
    "/profile",
    response_model=Profile,
    response_class=JSONBytes,
    operation_id="get-profile",
    summary="Get profile",
)
def get_profile(services: ServicesDep) -> Response:
    with transaction(services.sessions) as session:
        return JSONBytes(_profile_body(repo.profile(session)))


@router.put(
    "/profile",
    response_model=Profile,
    response_class=JSONBytes,
    operation_id="update-profile",
    summary="Update profile",
)
def update_profile(body: Profile, services: ServicesDep) -> Response:
    """Replaces the profile; include every field. An empty ``redirectUrl`` keeps the
    company on ledgerport's own "connected" page after Link."""
    for field, value in (("logoUrl", body.logoUrl), ("iconUrl", body.iconUrl)):
        if value and not is_web_url(value):
            raise BadRequestError(f"{field} must be an http(s) URL.")
    if body.redirectUrl and not is_web_url(body.redirectUrl.split("?", 1)[0]):
        raise BadRequestError("redirectUrl must be an http(s) URL (or empty).")
    for url in body.whiteListUrls:
        if not is_web_url(url):
            raise BadRequestError(f"whiteListUrls: {url!r} is not an http(s) URL.")
    with transaction(services.sessions) as session:
        row = repo.profile(session)
        row.name = body.name
        row.logo_url = body.logoUrl
        row.icon_url = body.iconUrl
        row.redirect_url = body.redirectUrl
        row.white_list_urls = list(body.whiteListUrls)
        session.flush()
        return JSONBytes(_profile_body(row))


def _profile_settings(session: Session) -> tuple[list[dict[str, Any]], bool]:
    row = repo.sync_settings(session, None)
    if row is None:
        return default_settings(), False
    return row.settings, row.overrides_defaults


def _locked(settings: list[dict[str, Any]]) -> list[str]:
    return [s["dataType"] for s in settings if s.get("isLocked")]


@router.get(
    "/profile/syncSettings",
    response_model=SyncSettings,
    response_class=JSONBytes,
    operation_id="get-profile-syncSettings",
    summary="Get sync settings",
)
def get_sync_settings(services: ServicesDep) -> Response:
    """The default sync settings every company follows unless it overrides them."""
    with transaction(services.sessions) as session:
        client_id = repo.profile(session).client_id
        settings, overrides = _profile_settings(session)
    return JSONBytes(
        {"clientId": str(client_id), "settings": settings, "overridesDefaults": overrides}
    )


@router.post(
    "/profile/syncSettings",
    status_code=204,
    response_class=Response,
    operation_id="update-profile-syncSettings",
    summary="Update all sync settings",
)
def update_sync_settings(body: ProfileSyncSettingsRequest, services: ServicesDep) -> Response:
    """Sets the default sync settings. Data types left out keep the built-in defaults."""
    with transaction(services.sessions) as session:
        client_id = repo.profile(session).client_id
        if body.clientId != str(client_id):
            raise BadRequestError(
                f"clientId {body.clientId} is not this installation's ({client_id}); "
                "GET /profile/syncSettings shows it."
            )
        settings = clean_settings(s.model_dump() for s in body.settings)
        repo.save_sync_settings(session, None, settings, body.overridesDefaults)
    return empty(204)


@router.get(
    "/companies/{companyId}/syncSettings",
    response_model=CompanySyncSettings,
    response_class=JSONBytes,
    operation_id="get-company-syncSettings",
    summary="Get company sync settings",
)
def get_company_sync_settings(companyId: str, services: ServicesDep) -> Response:
    """The company's own settings if it overrides the defaults, else the profile's."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        settings, overrides = repo.effective_sync_settings(session, company.id, default_settings())
    return JSONBytes(
        {"companyId": str(company.id), "settings": settings, "overridesDefaults": overrides}
    )


@router.post(
    "/companies/{companyId}/syncSettings",
    status_code=204,
    response_class=Response,
    operation_id="set-company-syncSettings",
    summary="Set company sync settings",
)
def set_company_sync_settings(
    companyId: str, body: CompanySyncSettingsRequest, services: ServicesDep
) -> Response:
    """Sets this company's sync settings. With ``overridesDefaults`` false the company
    goes back to following the profile's settings. Settings locked on the profile cannot
    be changed here."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        if body.companyId != str(company.id):
            raise BadRequestError("companyId in the body must match the one in the path.")
        profile_settings, _ = _profile_settings(session)
        settings = clean_settings(
            (s.model_dump() for s in body.settings), locked=_locked(profile_settings)
        )
        repo.save_sync_settings(session, company.id, settings, body.overridesDefaults)
    return empty(204)
