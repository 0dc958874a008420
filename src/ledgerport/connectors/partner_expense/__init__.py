"""The partner expense source (Sync for Expenses): the card or expense provider's side
of a company, as ``POST .../sync/expenses/connections/partnerExpense`` creates it.

Codat documents no platform key for this integration (its spec and docs show only the
endpoint), so ledgerport uses ``pexp``. The connection is created already ``Linked``
by that endpoint: the expense data is sent by the API client itself, so there is
nothing for the company to authorize, nothing to read and nothing to write through it
(expense transactions are written to the company's accounting connection). Link never
offers it.
"""

from ledgerport.connectors.spec import Branding, Connector, NoAuth
from ledgerport.domain.enums import SourceType

KEY = "pexp"

CONNECTOR = Connector(
    key=KEY,
    name="Partner Expense",
    source_type=SourceType.EXPENSE,
    auth=NoAuth(),
    branding=Branding(colour="#0f766e", initials="PE"),
    linkable=False,
    description="The expense provider's own connection, created by Sync for Expenses.",
)
