"""QuickBooks Desktop (Codat's key ``pqsw``): on-premise, reached through an agent.
Listed for onboarding; no data types implemented yet."""

from ledgerport.connectors.spec import Branding, Connector, Desktop
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="pqsw",
    name="QuickBooks Desktop",
    source_type=SourceType.ACCOUNTING,
    auth=Desktop(),
    branding=Branding(colour="#108000", initials="QD"),
    is_offline_connector=True,
)
