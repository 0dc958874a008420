"""Settings, Integrations: each OAuth platform's app registration (enabled, client id,
client secret, redirect URI, base URL), stored as ``ledgerport integration set`` stores
it (the secret encrypted), and whether Link can use it (``sync.integrations.oauth_app``,
what Link itself asks).

The client secret is write-only: the page says whether one is set, never what it is, and
an empty secret field leaves the stored one as it was.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from ledgerport.connectors.spec import Connector
from ledgerport.domain.urls import is_web_url
from ledgerport.portal.deps import CsrfChecked, CurrentUser, Now, ServicesDep
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.portal.settings.common import tabs
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import integrations as repo
from ledgerport.storage.tables import IntegrationSettingsRow
from ledgerport.sync.integrations import CALLBACK_PATH, oauth_app

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

Field = Annotated[str, Form(max_length=2048)]


def oauth_connectors(services: Services) -> list[Connector]:
    return [c for c in services.connectors if c.auth.kind == "oauth2"]


def _cards(services: Services) -> list[dict[str, Any]]:
    cards = []
    with services.sessions() as session:
        for connector in oauth_connectors(services):
            # The row itself, not repo.get: the page needs to know a secret is set, and
            # has no reason to decrypt it.
            row = session.get(IntegrationSettingsRow, connector.key)
            configured = services.settings.integrations.get(connector.key)
            app = oauth_app(services, session, connector)
            secret_source = (
                "set"
                if row is not None and row.client_secret
                else "set in the server settings"
                if configured is not None and configured.client_secret
                else None
            )
            cards.append(
                {
                    "key": connector.key,
                    "name": connector.name,
                    "enabled": row.enabled
                    if row is not None
                    else (configured.enabled if configured else True),
                    "client_id": (row.client_id if row else None)
                    or (configured.client_id if configured else None)
                    or "",
                    "secret": secret_source,
                    "redirect_uri": (row.redirect_uri if row else None) or "",
                    "base_url": (row.base_url if row else None) or "",
                    "default_redirect": services.base_url + CALLBACK_PATH,
                    "ready": app is not None,
                    "authorize_url": app.urls.authorize_url if app else None,
                }
            )
    return cards


def _page(
    request: Request,
    user: CurrentUser,
    services: Services,
    *,
    saved: str | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "tabs": tabs("integrations"),
        "cards": _cards(services),
        "saved": saved,
        "errors": errors or {},
    }
    status = 422 if errors else 200
    return render(request, "portal/settings/integrations.html", context, user=user, status=status)


@router.get("/settings/integrations", name="portal_settings_integrations")
def integrations_page(request: Request, user: CurrentUser, services: ServicesDep) -> Response:
    return _page(request, user, services)


@router.post("/settings/integrations/{platform_key}", dependencies=[CsrfChecked])
def save_integration(
    platform_key: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    at: Now,
    enabled: Annotated[str, Form()] = "",
    client_id: Annotated[str, Form(max_length=255)] = "",
    client_secret: Annotated[str, Form(max_length=4096)] = "",
    clear_secret: Annotated[str, Form()] = "",
    redirect_uri: Field = "",
    base_url: Field = "",
) -> Response:
    connector = services.connectors.get(platform_key)
    if connector is None or connector.auth.kind != "oauth2":
        raise PageError(404, "Not an OAuth platform", "Only OAuth platforms are set up here.")
    errors = {}
    for field, value in (("redirect_uri", redirect_uri), ("base_url", base_url)):
        if value.strip() and not is_web_url(value.strip()):
            errors[f"{platform_key}-{field}"] = (
                "Enter an http:// or https:// URL, or leave it empty."
            )
    if errors:
        return _page(request, user, services, errors=errors)
    with transaction(services.sessions) as session:
        repo.put(
            session,
            services.vault,
            platform_key,
            at,
            enabled=bool(enabled),
            client_id=client_id.strip(),
            # Empty: keep the stored secret (it is never sent back to the form).
            client_secret="" if clear_secret else (client_secret.strip() or None),
            redirect_uri=redirect_uri.strip(),
            base_url=base_url.strip(),
        )
    return _page(request, user, services, saved=platform_key)
