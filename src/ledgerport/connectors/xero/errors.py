"""Xero's refusals as the engine's errors. Pure.

PlatformClient already turns 401, 429, 5xx and lost connections into the engine's
errors; what is left is Xero's own: a 400 ``ValidationException`` (a write Xero
refused, with one message per problem on each element it names), 403 (the
organisation is no longer connected to our app: the grant no longer covers it), 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ledgerport.connectors.errors import AuthorizationLostError, FatalError, RejectedError

# Xero's element names -> Codat's, for the paths of validation messages.
_FIELDS = {
    "LineItems": "lineItems",
    "Contact": "contactRef",
    "Addresses": "addresses",
    "Phones": "phone",
    "Invoice": "lines[0].links[0]",
    "CreditNote": "lines[0].links[0]",
    "Account": "accountRef",
    "AccountCode": "accountRef.id",
    "TaxType": "taxRateRef.id",
    "ItemCode": "itemRef.id",
    "Tracking": "tracking.categoryRefs",
}


def body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def validation_messages(payload: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """Xero's ``{"Type": "ValidationException", "Elements": [...]}``: the messages on
    the elements themselves, and (path, message) for those on their parts (a line, an
    address), with Codat's names for the parts where they have one."""
    messages: list[str] = []
    fields: list[tuple[str, str]] = []
    if not isinstance(payload, Mapping):
        return messages, fields
    for element in payload.get("Elements") or []:
        if isinstance(element, Mapping):
            _walk(element, "", messages, fields)
    return messages, fields


def _walk(
    node: Mapping[str, Any], path: str, messages: list[str], fields: list[tuple[str, str]]
) -> None:
    for problem in node.get("ValidationErrors") or []:
        if isinstance(problem, Mapping) and problem.get("Message"):
            message = str(problem["Message"])
            if path:
                fields.append((path, message))
            elif message not in messages:
                messages.append(message)
    for key, value in node.items():
        name = _FIELDS.get(key, key)
        if isinstance(value, Mapping):
            _walk(value, f"{path}.{name}" if path else name, messages, fields)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, Mapping):
                    _walk(item, f"{path}.{name}[{n}]" if path else f"{name}[{n}]", messages, fields)


def rejected(response: httpx.Response) -> RejectedError:
    """A write Xero refused (400 and other 4xx it explains), with its messages."""
    payload = body(response)
    messages, fields = validation_messages(payload)
    detail = [*messages, *(f"{path}: {message}" for path, message in fields)]
    if not detail and isinstance(payload, Mapping):
        found = payload.get("Message") or payload.get("Detail") or payload.get("Title")
        if found:
            detail.append(str(found))
    text = "; ".join(detail) or f"HTTP {response.status_code}"
    return RejectedError(f"Xero refused the write: {text}", response.status_code, tuple(fields))


def refusal(response: httpx.Response, what: str) -> Exception:
    """A read Xero refused: 403 means the organisation is no longer connected (the
    connection needs a new Link), anything else fails the pull with Xero's reason."""
    payload = body(response)
    reason = ""
    if isinstance(payload, Mapping):
        reason = str(payload.get("Detail") or payload.get("Message") or payload.get("Title") or "")
    reason = reason or response.text[:200] or response.reason_phrase
    if response.status_code == 403:
        return AuthorizationLostError(
            f"Xero refused access to the organisation ({reason}): it is no longer connected"
            " to ledgerport, or the consent does not cover it."
        )
    return FatalError(f"Xero refused {what} ({response.status_code}): {reason}")
