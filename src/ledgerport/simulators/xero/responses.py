"""How Xero answers: JSON with exact money, the accounting envelope, and the error
bodies Xero sends for a bad token (401), a missing or unconsented tenant (403), an
unknown id (404), a refused write (400 ``ValidationException``) and a rate limit
(429)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from ledgerport.simulators.xero.dates import ms_date


def _encode(value: Any) -> Any:
    # Amounts are 2-dp Decimals; a float's shortest repr writes them digit for digit.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def json_response(
    body: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    text = json.dumps(body, default=_encode, separators=(",", ":"))
    return Response(text, status_code, headers, media_type="application/json")


def envelope(now: datetime, key: str, items: list[Any], **extra: Any) -> dict[str, Any]:
    """The wrapper every Accounting API list answer has (``Id``, ``Status``,
    ``ProviderName``, ``DateTimeUTC``), as in the spec's examples."""
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": "ledgerport Xero simulator",
        "DateTimeUTC": ms_date(now),
        **extra,
        key: items,
    }


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """Xero's problem body, e.g. ``{"Type":null,"Title":"Forbidden","Status":403,
    "Detail":"AuthenticationUnsuccessful",...}``."""
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return json_response(body, status, headers)


def unauthorized(detail: str = "AuthenticationUnsuccessful") -> Response:
    return problem(
        401, "Unauthorized", detail, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


def forbidden() -> Response:
    """Missing, wrong or unconsented ``xero-tenant-id``: Xero gives 403 for all three."""
    return problem(403, "Forbidden", "AuthenticationUnsuccessful")


def too_many_requests(headers: dict[str, str]) -> Response:
    return problem(429, "Too Many Requests", "Rate limit exceeded", headers)


def not_found() -> Response:
    """An id that names nothing: Xero's 404 (it has no JSON schema in the spec)."""
    return problem(404, "NotFound", "The resource you're looking for cannot be found")


def validation_exception(elements: list[dict[str, Any]], message: str | None = None) -> Response:
    """Xero's 400 for a write it refuses (the spec's ``Error``): ErrorNumber 10, the
    submitted elements echoed with their ``ValidationErrors``."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": message or "A validation exception occurred",
        "Elements": elements,
    }
    return json_response(body, 400)
