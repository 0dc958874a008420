"""MYOB Business (Codat's key ``pdvj``). Listed for onboarding; no data types implemented yet."""

from ledgerport.connectors.spec import Branding, Connector, OAuth2
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="pdvj",
    name="MYOB Business",
    source_type=SourceType.ACCOUNTING,
    auth=OAuth2(
        authorize_url="https://secure.myob.com/oauth2/account/authorize",
        token_url="https://secure.myob.com/oauth2/v1/authorize",  # noqa: S106
        scopes=("CompanyFile",),
    ),
    branding=Branding(colour="#6100a5", initials="MY"),
)
