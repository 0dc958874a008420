"""Which company a new QBO grant covers: QBO names it on the OAuth callback
(``realmId``, one company per consent); its name comes from ``CompanyInfo``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ledgerport.connectors.errors import FatalError
from ledgerport.connectors.quickbooks_online.api import CompanyApi
from ledgerport.connectors.spec import AuthorizedGrant, ReaderContext


def identify(
    grant: AuthorizedGrant, transport: httpx.BaseTransport | None = None
) -> Mapping[str, Any]:
    realm = grant.callback.get("realmId")
    if not realm:
        raise FatalError("QuickBooks Online authorized no company (the callback has no realmId).")
    context = ReaderContext(
        company_id="",
        connection_id="",
        connection_info={"realmId": realm},
        base_url=grant.api_base_url,
        access_token=lambda: grant.access_token,
    )
    api = CompanyApi(context, transport)
    answer = api.get(f"companyinfo/{realm}")
    info = answer.get("CompanyInfo") if isinstance(answer, Mapping) else None
    name = info.get("CompanyName") if isinstance(info, Mapping) else None
    return {"realmId": realm, "companyName": name or ""}
