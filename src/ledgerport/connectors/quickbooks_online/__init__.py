"""QuickBooks Online (Codat's key ``qhyg``). Declared for onboarding; data streams and
OAuth land with the real-connectors work (every data type NotImplemented until then)."""

from datetime import timedelta

from ledgerport.connectors.spec import Branding, Connector, OAuth2, RateLimit
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="qhyg",
    name="QuickBooks Online",
    source_type=SourceType.ACCOUNTING,
    auth=OAuth2(
        authorize_url="https://appcenter.intuit.com/connect/oauth2",
        token_url="https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",  # noqa: S106
        api_base_url="https://quickbooks.api.intuit.com",
        scopes=("com.intuit.quickbooks.accounting",),
        rotates_refresh_token=True,
    ),
    rate_limits=(RateLimit(500, 60),),
    authorization_lifetime=timedelta(days=100),
    branding=Branding(colour="#2ca01c", initials="QB"),
)
