"""The one place errors become Codat's ``ErrorMessage`` body.

Every 4xx/5xx leaves through here: our own ``ApiError`` tree, FastAPI's request
validation (422 by default, which no Codat operation documents, so it is a 400 here),
Starlette's routing errors (404/405), and anything unexpected (500, logged with the
correlation id; the body never carries the exception text).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ledgerport.api.responses import JSONBytes
from ledgerport.errors import ApiError, Validation, ValidationItem

log = logging.getLogger("ledgerport.api")

_GENERIC = {
    400: "Bad request.",
    401: "Unauthorized.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "Conflict.",
    413: "Request too large.",
    415: "Unsupported media type.",
    422: "Unprocessable request.",
    429: "Too many requests.",
    500: "An internal error occurred.",
}


def correlation_id(request: Request) -> str:
    cid = getattr(request.state, "correlation_id", None)
    if cid is None:
        cid = uuid.uuid4().hex
        request.state.correlation_id = cid
    return str(cid)


def _validation_body(validation: Validation | None) -> dict[str, Any] | None:
    if validation is None:
        return None

    def item(v: ValidationItem) -> dict[str, Any]:
        return {"itemId": v.item_id, "message": v.message, "validatorName": v.validator_name}

    return {
        "errors": [item(v) for v in validation.errors],
        "warnings": [item(v) for v in validation.warnings],
    }


def error_response(
    request: Request,
    status_code: int,
    message: str,
    *,
    validation: Validation | None = None,
    can_be_retried: str = "Unknown",
    detailed_error_code: int = 0,
    headers: dict[str, str] | None = None,
) -> Response:
    service = getattr(getattr(request.app.state, "settings", None), "service_name", "PublicApi")
    body = {
        "statusCode": status_code,
        "service": service,
        "error": message,
        "correlationId": correlation_id(request),
        "validation": _validation_body(validation),
        "canBeRetried": can_be_retried,
        "detailedErrorCode": detailed_error_code,
    }
    return JSONBytes(body, status_code=status_code, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(
        request,
        exc.status_code,
        exc.message,
        validation=exc.validation,
        can_be_retried=exc.can_be_retried,
        detailed_error_code=exc.detailed_error_code,
        headers=exc.headers,
    )


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "request")


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    items = tuple(
        ValidationItem(
            item_id=_loc(tuple(err.get("loc", ()))),
            message=str(err.get("msg", "Invalid value")),
            validator_name=str(err.get("type", "validation")),
        )
        for err in exc.errors()
    )
    summary = "; ".join(f"{i.item_id}: {i.message}" for i in items[:5])
    return error_response(
        request, 400, f"The request is invalid - {summary}", validation=Validation(errors=items)
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else _GENERIC.get(exc.status_code, "Error")
    if exc.status_code == 404 and message == "Not Found":
        message = f"No resource at {request.method} {request.url.path}."
    return error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    # The database is down or restarting: a clean, retryable 503 (which the Codat SDKs
    # retry with backoff), not a 500 with a stack trace. Nothing was committed.
    log.warning(
        "database unavailable, correlationId=%s: %s", correlation_id(request), type(exc).__name__
    )
    return error_response(
        request,
        503,
        "The database is unavailable; retry shortly.",
        can_be_retried="True",
        headers={"Retry-After": "1"},
    )


async def _unstorable_value(request: Request, exc: Exception) -> Response:
    # PostgreSQL refuses what SQLite keeps: a NUL character in text or JSON, a string
    # longer than its column. Either came in the request, so it is the caller's 400;
    # the transaction rolled back, and the body does not echo the value.
    log.info("unstorable value, correlationId=%s: %s", correlation_id(request), type(exc).__name__)
    return error_response(
        request,
        400,
        "The request holds a value that cannot be stored: text with a NUL character, "
        "or an id or name longer than the field allows.",
        can_be_retried="False",
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    cid = correlation_id(request)
    log.exception("unhandled error, correlationId=%s", cid, exc_info=exc)
    return error_response(request, 500, _GENERIC[500] + f" Quote correlationId {cid}.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    # Every pooled connection busy past the pool's timeout: overloaded, so retry later.
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    app.add_exception_handler(DataError, _unstorable_value)
    app.add_exception_handler(Exception, _unexpected)
