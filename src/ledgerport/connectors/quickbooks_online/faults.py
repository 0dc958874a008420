"""QBO's error answers as the engine's errors.

PlatformClient already turns 401 (the lowercase ``fault`` AUTHENTICATION body), 429 and
5xx into ``AccessTokenRejectedError``, ``RateLimitedError`` and transient errors. What
is left is QBO's ``Fault`` body, ``{"Fault": {"Error": [{"Message", "Detail", "code",
"element"}], "type": ...}}``, on a 400 (or 403):

- 403 ``AuthorizationFault`` (the grant no longer covers the company, a lapsed
  subscription): ``AuthorizationLostError``, so the connection asks to be linked again;
- code 5010, "Stale Object Error": another write changed the object between our read of
  its ``SyncToken`` and our update. Nothing was written, and deciding again on the new
  version is safe, so it is a ``WriteConflictError``: the engine retries at once, the
  writer re-reads the object, and an update that must not overwrite a change made at the
  source then fails as a 409 with the usual "pull again" message;
- on a write, every other fault (a validation or business rule: code 6000, 610 "Object
  Not Found", 6140 duplicate number...) is the platform's refusal, ``RejectedError``
  with QBO's message and the ``element`` it names;
- on a read, a fault means our request is wrong: ``FatalError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ledgerport.connectors.errors import (
    AuthorizationLostError,
    FatalError,
    RejectedError,
    WriteConflictError,
)

STALE_OBJECT = "5010"
OBJECT_NOT_FOUND = "610"


@dataclass(frozen=True)
class FaultError:
    message: str
    detail: str
    code: str
    element: str


def errors(body: Any) -> list[FaultError]:
    """The errors of either fault shape (``Fault.Error`` or the lowercase 401 one)."""
    if not isinstance(body, Mapping):
        return []
    fault = body.get("Fault") or body.get("fault")
    listed = (fault.get("Error") or fault.get("error")) if isinstance(fault, Mapping) else None
    found = []
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, Mapping):
            found.append(
                FaultError(
                    message=str(item.get("Message") or item.get("message") or "").strip(),
                    detail=str(item.get("Detail") or item.get("detail") or "").strip(),
                    code=str(item.get("code") or item.get("Code") or "").strip(),
                    element=str(item.get("element") or item.get("Element") or "").strip(),
                )
            )
    return found


def describe(error: FaultError) -> str:
    """QBO's Detail usually repeats its Message ("Object Not Found : Something you're
    trying to use..."): say it once."""
    if error.detail and error.message and not error.detail.startswith(error.message):
        return f"{error.message}: {error.detail}"
    return error.detail or error.message or f"error {error.code}"


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def check(response: httpx.Response, *, writing: bool) -> Any:
    """The answer's JSON if it succeeded, else the error the engine acts on."""
    if response.is_success:
        body = json_body(response)
        if body is None:
            raise FatalError(f"QuickBooks Online answered {response.status_code} without JSON.")
        if isinstance(body, Mapping) and ("Fault" in body):  # a fault inside a 200
            raise _error(response.status_code, errors(body), writing)
        return body
    raise _error(response.status_code, errors(json_body(response)), writing)


def _error(status: int, found: list[FaultError], writing: bool) -> Exception:
    message = "; ".join(describe(e) for e in found) or f"HTTP {status}"
    text = f"QuickBooks Online refused the request ({status}): {message}"
    if status == 403:
        return AuthorizationLostError(text)
    codes = {e.code for e in found}
    if STALE_OBJECT in codes:
        return WriteConflictError(text)
    if not writing:
        return FatalError(text)
    fields = tuple((e.element, describe(e)) for e in found if e.element)
    code = 404 if OBJECT_NOT_FOUND in codes else (status if 400 <= status < 500 else 400)
    return RejectedError(message, status_code=code, fields=fields)
