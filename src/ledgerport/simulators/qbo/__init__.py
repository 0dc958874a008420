"""A stateful stand-in for QuickBooks Online's Accounting API (``create_app``), served
at Intuit's own paths (``/v3/company/{realmId}/...``, ``/oauth2/v1/tokens/bearer``,
``/connect/oauth2``) in QBO's JSON shapes, from the sandbox's generated UK business,
with writes kept in memory, so a QBO connector or python-quickbooks can be tested for
queries, paging, change data capture, SyncToken conflicts, auth and throttling offline.

Intuit publishes no OpenAPI document: the shapes follow Intuit's developer
documentation (entity references, query language, CDC, OAuth 2.0, error codes) and
the objects python-quickbooks builds and parses."""

from ledgerport.simulators.qbo.app import QboSimulator, create_app, from_cli

__all__ = ["QboSimulator", "create_app", "from_cli"]
