"""QuickBooks Online (Codat's key ``qhyg``): a company's books through Intuit's v3
Accounting API, one company (``realmId``) per connection.

- **Link**: OAuth 2.0 (authorization code with PKCE); QBO names the company on the
  callback (``realmId``) and ``identify`` reads its name from CompanyInfo.
- **Reads** (``streams.py``): the chart of accounts, bank accounts, bills, bill payments,
  bill credit notes (vendor credits), invoices, payments, credit notes (credit memos),
  customers, suppliers (vendors), items, tax rates (tax codes with their rates),
  tracking categories (classes and locations), journal entries and company info. Full
  pulls page the query endpoint 1,000 at a time; incremental pulls use Change Data
  Capture, which also reports deletions (see ``paging.py``). Files on invoices and bills
  are read from their ``Attachable`` objects.
- **Writes** (``writer.py``): create and update bills, bill payments, bill credit notes,
  invoices, payments, credit notes, customers, suppliers and accounts; delete the six
  transaction types. Every write carries ``requestid`` = the push operation's key, so
  a write whose answer was lost is settled by sending it again (QBO answers a repeated
  request id with its first answer).
- **Limits**: 500 requests a minute and 10 at once per company (Intuit's throttles).

Every request sends ``minorversion=75`` and ``Accept: application/json``.
"""

from datetime import timedelta

from ledgerport.connectors.quickbooks_online.identify import identify
from ledgerport.connectors.quickbooks_online.reader import QboReader
from ledgerport.connectors.quickbooks_online.streams import READS
from ledgerport.connectors.quickbooks_online.writer import WRITES, QboWriter
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
        identify=identify,
    ),
    rate_limits=(RateLimit(500, 60),),
    max_concurrent=10,
    authorization_lifetime=timedelta(days=100),
    branding=Branding(colour="#2ca01c", initials="QB"),
    linkable=True,
    description="Intuit's cloud accounting for small businesses.",
    reads=READS,
    reader=QboReader,
    writes=WRITES,
    writer=QboWriter,
)
