"""One HTTP client for every connector that talks to a platform over the network.

It turns the transport's ways of failing into the errors the engine acts on
(``connectors.errors``), once for all connectors: a timeout or dropped connection is
transient (or, for a write already sent, of unknown outcome), 401 means the access
token was refused, 429 carries the platform's ``Retry-After``, 5xx is transient.
Everything else (2xx, and 4xx business errors whose bodies only the connector can read)
is handed back to the connector. It never refreshes tokens itself: the engine does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ledgerport.connectors.errors import (
    AccessTokenRejectedError,
    OutcomeUnknownError,
    RateLimitedError,
    TransientError,
)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PlatformClient:
    """A platform's API at ``base_url`` with a bearer token from ``access_token``.

    ``rate_limit_error`` lets a connector read its platform's 429 (Xero names the limit
    it hit in ``X-Rate-Limit-Problem``); by default the message is the status line.
    """

    def __init__(
        self,
        base_url: str,
        access_token: Callable[[], str] | None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        platform: str = "The platform",
        throttle: Callable[[], AbstractContextManager[None]] | None = None,
    ) -> None:
        self._access_token = access_token
        self._throttle = throttle
        self._platform = platform
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Accept": "application/json", **(headers or {})},
            timeout=timeout,
            transport=transport,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
    ) -> httpx.Response:
        """Send one request; raise the engine's error for what the connector cannot
        handle, return the response for everything else (2xx and other 4xx)."""
        sent_headers = dict(headers or {})
        if self._access_token is not None:
            sent_headers["Authorization"] = f"Bearer {self._access_token()}"
        safe = method.upper() in _SAFE_METHODS
        try:
            with self._throttle() if self._throttle is not None else nullcontext():
                response = self._client.request(
                    method, path, params=params, headers=sent_headers, json=json, content=content
                )
        except httpx.ConnectError as error:  # nothing reached the platform
            raise TransientError(f"{self._platform} could not be reached: {error}") from error
        except httpx.TransportError as error:
            message = f"{self._platform} did not answer: {type(error).__name__}"
            if safe:
                raise TransientError(message) from error
            # A write went out and no answer came: it may have happened.
            raise OutcomeUnknownError(message) from error
        if response.status_code == 401:
            raise AccessTokenRejectedError(
                f"{self._platform} refused the access token (401): {_brief(response)}"
            )
        if response.status_code == 429:
            raise RateLimitedError(
                f"{self._platform} is rate limiting this connection (429): {_brief(response)}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if response.status_code >= 500:
            message = f"{self._platform} failed ({response.status_code}): {_brief(response)}"
            if safe or response.status_code in (502, 503, 504):
                # 502-504 come from gateways in front of the platform: not processed.
                raise TransientError(message)
            raise OutcomeUnknownError(message)
        return response

    def close(self) -> None:
        self._client.close()


def _brief(response: httpx.Response, limit: int = 300) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit] or response.reason_phrase


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date (RFC 9110).
    Nonsense and past dates give None or 0, never a negative wait."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
