"""Hosted Link URLs: where they point and how their tokens are checked.

The paths live here (not in the portal) because the API builds the URLs and the portal
serves them, and neither of those layers may import the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from ledgerport.domain.tokens import link_token, link_token_matches

COMPANY_LINK_PATH = "/link/company/{company_id}"
CONNECTION_LINK_PATH = "/link/companies/{company_id}/connections/{connection_id}/start"

COMPANY_PURPOSE = "company-link"
CONNECTION_PURPOSE = "connection-link"


def company_link_url(base_url: str, secret: bytes, company_id: str, nonce: str) -> str:
    token = link_token(secret, COMPANY_PURPOSE, company_id, nonce)
    return base_url + COMPANY_LINK_PATH.format(company_id=company_id) + f"?token={token}"


def connection_link_url(
    base_url: str, secret: bytes, company_id: str, connection_id: str, nonce: str
) -> str:
    token = link_token(secret, CONNECTION_PURPOSE, connection_id, nonce)
    path = CONNECTION_LINK_PATH.format(company_id=company_id, connection_id=connection_id)
    return f"{base_url}{path}?otp={token}"


def company_token_valid(secret: bytes, company_id: str, nonce: str, token: str) -> bool:
    return link_token_matches(secret, COMPANY_PURPOSE, company_id, nonce, token)


def connection_token_state(
    secret: bytes,
    connection_id: str,
    nonce: str,
    token: str,
    *,
    issued_at: datetime,
    used_at: datetime | None,
    ttl: timedelta,
    now: datetime,
) -> str:
    """``valid``, or why not: ``invalid``, ``used`` or ``expired``.

    A Link URL grants one connection once: the token is bound to its connection id, is
    consumed when Link completes, and expires after ``ttl``.
    """
    if not link_token_matches(secret, CONNECTION_PURPOSE, connection_id, nonce, token):
        return "invalid"
    if used_at is not None:
        return "used"
    if now - issued_at > ttl:
        return "expired"
    return "valid"


REDIRECT_PLACEHOLDERS = (
    "clientId",
    "companyId",
    "connectionId",
    "integrationId",
    "sourceId",
    "platform",
    "platformName",
    "sourceType",
    "statusCode",
    "statusText",
    "errorMessage",
)


def fill_redirect(template: str, values: dict[str, str]) -> str:
    """The profile's ``redirectUrl`` with Codat's reserved ``{placeholders}`` filled in
    (URL-encoded); unknown braces are left as they are."""
    url = template
    for name in REDIRECT_PLACEHOLDERS:
        if name in values:
            url = url.replace("{" + name + "}", quote(values[name], safe=""))
    return url
