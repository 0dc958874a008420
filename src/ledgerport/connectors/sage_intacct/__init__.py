"""Sage Intacct (Codat's key ``knfz``). Listed for onboarding; no data types implemented yet."""

from ledgerport.connectors.spec import Branding, Connector, Credentials
from ledgerport.domain.enums import SourceType

CONNECTOR = Connector(
    key="knfz",
    name="Sage Intacct",
    source_type=SourceType.ACCOUNTING,
    auth=Credentials(fields=("companyId", "userId", "password")),
    branding=Branding(colour="#00dc00", initials="SI"),
)
