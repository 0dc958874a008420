"""Xero (Codat's key ``gbol``). Declared so companies can be onboarded to it; its
OAuth flow and data streams land with the real-connectors work, and until then every
data type is reported as NotImplemented and Link says so."""

from datetime import timedelta

from ledgerport.connectors.spec import Branding, Connector, OAuth2, RateLimit
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="gbol",
    name="Xero",
    source_type=SourceType.ACCOUNTING,
    auth=OAuth2(
        authorize_url="https://login.xero.com/identity/connect/authorize",
        token_url="https://identity.xero.com/connect/token",  # noqa: S106 - a URL, not a secret
        api_base_url="https://api.xero.com",
        scopes=(
            "offline_access",
            "accounting.transactions",
            "accounting.contacts",
            "accounting.settings",
            "accounting.attachments",
        ),
        rotates_refresh_token=True,
    ),
    rate_limits=(RateLimit(60, 60), RateLimit(5_000, 86_400)),
    authorization_lifetime=timedelta(days=60),
    branding=Branding(colour="#13b5ea", initials="X"),
)
