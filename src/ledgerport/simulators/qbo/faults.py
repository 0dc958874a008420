"""How QBO answers, and how it refuses: JSON with amounts as numbers, the ``time``
every answer carries, the ``intuit_tid`` trace header, and the two fault shapes.

Business and query errors use ``{"Fault": {"Error": [{"Message", "Detail", "code",
"element"}], "type": "ValidationFault"}, "time": ...}`` (Intuit's "Handling common
errors" page); the gateway's authentication and authorization refusals use the
lowercase ``{"fault": {"error": [{"message", "detail", "code"}], "type": ...}}``, whose
message reads ``message=AuthenticationFailed; errorCode=003200; statusCode=401``; a
throttled call gets ``message=ThrottleExceeded; errorCode=003001; statusCode=429``."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from ledgerport.simulators.qbo.dates import response_time

# Fault codes (Intuit's error-code list and its "Handling common errors" page).
OBJECT_NOT_FOUND = "610"
REQUIRED_PARAM_MISSING = "2020"
INVALID_ENUMERATION = "2170"
INVALID_REFERENCE_ID = "2500"
UNSUPPORTED_OPERATION = "500"
QUERY_PARSER = "4000"
QUERY_VALIDATION = "4001"
STALE_OBJECT = "5010"
BUSINESS_VALIDATION = "6000"
DUPLICATE_DOC_NUMBER = "6140"
DUPLICATE_NAME = "6240"
REQUEST_INVALID = "2010"


class QboFault(Exception):
    """A refused request, rendered as a ``Fault`` body (400 unless said otherwise)."""

    def __init__(
        self,
        code: str,
        message: str,
        detail: str,
        element: str = "",
        *,
        status: int = 400,
        fault_type: str = "ValidationFault",
    ) -> None:
        super().__init__(f"{code} {message}: {detail}")
        self.code, self.message, self.detail, self.element = code, message, detail, element
        self.status, self.fault_type = status, fault_type

    def body(self, now: datetime) -> dict[str, Any]:
        error = {"Message": self.message, "Detail": self.detail, "code": self.code}
        error["element"] = self.element
        return {"Fault": {"Error": [error], "type": self.fault_type}, "time": response_time(now)}


def stale_object(entity: str, sent: str, current: str) -> QboFault:
    return QboFault(
        STALE_OBJECT,
        "Stale Object Error",
        f"Stale Object Error : You and another user were working on the same thing. "
        f"Please try again. {entity} SyncToken {sent!r} is not the current one ({current!r}).",
        "SyncToken",
    )


def not_found(entity: str, object_id: str) -> QboFault:
    return QboFault(
        OBJECT_NOT_FOUND,
        "Object Not Found",
        f"Object Not Found : Something you're trying to use has been made inactive or "
        f"deleted. {entity} Id={object_id} was not found.",
        "Id",
    )


def invalid_reference(element: str, kind: str, value: str) -> QboFault:
    return QboFault(
        INVALID_REFERENCE_ID,
        "Invalid Reference Id",
        f"Invalid Reference Id : {kind} assigned to this transaction has been deleted or "
        f"does not exist: Id={value}",
        element,
    )


def required(element: str, what: str | None = None) -> QboFault:
    return QboFault(
        REQUIRED_PARAM_MISSING,
        "Required param missing, need to supply the required value for the API",
        f"Required parameter {what or element} is missing in the request",
        element,
    )


def business(detail: str, element: str = "") -> QboFault:
    return QboFault(
        BUSINESS_VALIDATION,
        "A business validation error has occurred while processing your request",
        f"Business Validation Error: {detail}",
        element,
    )


def invalid_request(detail: str, element: str = "") -> QboFault:
    return QboFault(REQUEST_INVALID, "Request has invalid or unsupported property", detail, element)


def _encode(value: Any) -> Any:
    # Amounts are 2-dp Decimals; written as JSON numbers, as QBO writes them.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def new_tid() -> str:
    return str(uuid.uuid4())


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer with the ``intuit_tid`` header QBO puts on every response."""
    text = json.dumps(body, default=_encode, separators=(",", ":"))
    all_headers = {"intuit_tid": new_tid(), **(headers or {})}
    return Response(text, status, all_headers, media_type="application/json")


def fault_response(fault: QboFault, now: datetime) -> Response:
    return json_response(fault.body(now), fault.status)


def _gateway(
    now: datetime, status: int, message: str, code: str, detail: str, fault_type: str
) -> Response:
    # The gateway writes its time as epoch milliseconds, unlike the API's ``time``.
    body = {
        "fault": {
            "error": [{"message": message, "detail": detail, "code": code}],
            "type": fault_type,
        },
        "time": int(now.timestamp() * 1000),
    }
    return json_response(body, status)


def unauthorized(now: datetime, detail: str = "Token invalid") -> Response:
    """401 for a missing, unknown, expired or revoked access token."""
    response = _gateway(
        now,
        401,
        "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "3200",
        detail,
        "AUTHENTICATION",
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="Intuit", error="invalid_token"'
    return response


def forbidden(now: datetime) -> Response:
    """403 for a realm the token was not granted."""
    return _gateway(
        now,
        403,
        "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
        "3100",
        "The application is not authorized for this company.",
        "SERVICE",
    )


def throttled(now: datetime, retry_after: int) -> Response:
    body = {
        "Fault": {
            "Error": [
                {
                    "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                    "Detail": "The request limit was reached.",
                    "code": "3001",
                }
            ],
            "type": "SERVICE",
        },
        "time": response_time(now),
    }
    return json_response(body, 429, {"Retry-After": str(retry_after)})
