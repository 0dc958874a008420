"""Xero (Codat's key ``gbol``): OAuth 2.0 with PKCE, then Xero's Accounting API for the
organisation chosen at consent (``identity.py``: the first ORGANISATION tenant).

Reads (``streams.py``; mapping in ``mapping/``): company info, chart of accounts, bank
accounts, customers, suppliers, invoices, bills, credit notes, bill credit notes,
payments, bill payments, bank transactions, direct costs, direct incomes, items, tax
rates, tracking categories and journal entries (Xero's journals: the whole ledger).
Lists page 100 at a time; all but tax rates, tracking categories and company info are
incremental (``If-Modified-Since``). Files are read on invoices, bills, credit notes,
bank transactions, direct costs and incomes, customers and suppliers, for the records
Xero says have some (``HasAttachments``).

Writes (``writer.py``): invoices, bills, credit notes, bill credit notes, customers,
suppliers and bank accounts are created and updated, payments and bill payments
created, each with an ``Idempotency-Key``; files are uploaded to invoices and bills.
"""

from datetime import timedelta

from ledgerport.connectors.spec import Branding, Connector, OAuth2, RateLimit
from ledgerport.connectors.xero.identity import identify
from ledgerport.connectors.xero.reader import XeroReader
from ledgerport.connectors.xero.streams import READS
from ledgerport.connectors.xero.writer import WRITES, XeroWriter
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
            "accounting.journals.read",  # GET /Journals, the ledger journal entries come from
        ),
        rotates_refresh_token=True,
        identify=identify,
    ),
    rate_limits=(RateLimit(60, 60), RateLimit(5_000, 86_400)),
    max_concurrent=5,
    authorization_lifetime=timedelta(days=60),
    branding=Branding(colour="#13b5ea", initials="X"),
    linkable=True,
    reads=READS,
    reader=XeroReader,
    writes=WRITES,
    writer=XeroWriter,
)
