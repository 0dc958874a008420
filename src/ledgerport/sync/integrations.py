"""Which OAuth app a platform is reached with, and where.

A platform's registration comes from the portal's integration settings (stored, secret
encrypted) or, failing that, from the server settings (``LEDGERPORT_INTEGRATIONS``); a
field set in the portal wins. Without a client id and secret the platform cannot be
linked on this server, and Link says so instead of sending the company to a consent page
that would refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ledgerport.connectors.oauth import ClientCredentials, Endpoints, endpoints
from ledgerport.connectors.spec import Connector, OAuth2
from ledgerport.services import Services
from ledgerport.storage.repositories import integrations

CALLBACK_PATH = "/link/oauth/callback"


@dataclass(frozen=True)
class OAuthApp:
    spec: OAuth2
    client: ClientCredentials
    urls: Endpoints


def oauth_app(services: Services, session: Session, connector: Connector) -> OAuthApp | None:
    """The connector's OAuth app on this server, or None if it is not OAuth, is
    disabled, or has no client id and secret yet."""
    if not isinstance(connector.auth, OAuth2):
        return None
    configured = services.settings.integrations.get(connector.key)
    stored = integrations.get(session, services.vault, connector.key)
    enabled = stored.enabled if stored else (configured.enabled if configured else True)
    client_id = (stored and stored.client_id) or (configured and configured.client_id)
    secret = (stored and stored.client_secret) or (
        configured.client_secret.get_secret_value()
        if configured and configured.client_secret
        else None
    )
    if not enabled or not client_id or not secret:
        return None
    redirect = (
        (stored and stored.redirect_uri)
        or (configured and configured.redirect_uri)
        or services.base_url + CALLBACK_PATH
    )
    base_url = (stored and stored.base_url) or (configured and configured.base_url) or None
    return OAuthApp(
        spec=connector.auth,
        client=ClientCredentials(client_id=client_id, client_secret=secret, redirect_uri=redirect),
        urls=endpoints(connector.auth, base_url),
    )
