"""The sandbox platform (Codat's key ``mqjo``): a generated small business to develop
against without any vendor account. Linking it takes one click in Link."""

from ledgerport.connectors.spec import Branding, Connector, NoAuth
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="mqjo",
    name="Sandbox",
    source_type=SourceType.ACCOUNTING,
    auth=NoAuth(),
    branding=Branding(colour="#6d28d9", initials="SB"),
    linkable=True,
    description="A generated small business for development and testing.",
)
