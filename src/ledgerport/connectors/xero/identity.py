"""Which organisation a new grant is for: Xero's ``GET /connections`` lists the tenants
the consent covers (an organisation, or a practice); the connection reads the first
ORGANISATION. Its ``tenantId`` goes on every later call (``xero-tenant-id``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ledgerport.connectors.errors import FatalError
from ledgerport.connectors.http import PlatformClient
from ledgerport.connectors.spec import AuthorizedGrant
from ledgerport.connectors.xero.errors import body


def identify(
    grant: AuthorizedGrant, *, transport: httpx.BaseTransport | None = None
) -> Mapping[str, Any]:
    client = PlatformClient(
        grant.api_base_url, lambda: grant.access_token, transport=transport, platform="Xero"
    )
    try:
        response = client.request("GET", "/connections")
    finally:
        client.close()
    if response.status_code != 200:
        raise FatalError(
            f"Xero would not list the authorized organisations ({response.status_code})."
        )
    tenants = body(response)
    organisation = next(
        (
            t
            for t in (tenants if isinstance(tenants, list) else [])
            if isinstance(t, Mapping)
            and t.get("tenantType") == "ORGANISATION"
            and t.get("tenantId")
        ),
        None,
    )
    if organisation is None:
        raise FatalError("The Xero consent covers no organisation: choose one when connecting.")
    return {"tenantId": str(organisation["tenantId"]), "tenantName": organisation.get("tenantName")}
