"""Oracle NetSuite (Codat's key ``akxx``). Listed for onboarding; no data types implemented yet."""

from ledgerport.connectors.spec import Branding, Connector, Credentials
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="akxx",
    name="Oracle NetSuite",
    source_type=SourceType.ACCOUNTING,
    auth=Credentials(
        fields=("accountId", "consumerKey", "consumerSecret", "tokenId", "tokenSecret")
    ),
    branding=Branding(colour="#c74634", initials="NS"),
)
