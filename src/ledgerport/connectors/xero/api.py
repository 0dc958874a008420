"""Xero's Accounting API for one connection: the shared PlatformClient with the
``xero-tenant-id`` header on every call and ``/api.xro/2.0`` before every path."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from ledgerport.connectors.errors import FatalError, TransientError
from ledgerport.connectors.http import PlatformClient
from ledgerport.connectors.spec import ReaderContext
from ledgerport.connectors.xero.errors import body, refusal

API_BASE_URL = "https://api.xero.com"
API_PREFIX = "/api.xro/2.0"
TENANT_HEADER = "xero-tenant-id"


def tenant_id(context: ReaderContext) -> str:
    tenant = context.connection_info.get("tenantId")
    if not isinstance(tenant, str) or not tenant.strip():
        raise FatalError(
            "The Xero connection has no tenantId in its connectionInfo: link it again."
        )
    return tenant.strip()


class XeroApi:
    """One connection's calls. Built lazily by readers and writers, so a connection
    without a tenant fails its first call (a failed pull), not its construction."""

    def __init__(
        self, context: ReaderContext, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = context.base_url or API_BASE_URL
        self.access_token = context.access_token
        self.tenant = tenant_id(context)
        self.transport = transport
        # Every request through the engine's budget: Xero counts requests, not pages.
        self.throttle = context.throttle

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        # A client per call: readers and writers have no close hook, and a pooled
        # connection left to the garbage collector leaks a socket. At Xero's 60 calls
        # a minute the extra handshake is nothing.
        client = PlatformClient(
            self.base_url,
            self.access_token,
            headers={TENANT_HEADER: self.tenant},
            transport=self.transport,
            platform="Xero",
            throttle=self.throttle,
        )
        try:
            return client.request(
                method, API_PREFIX + path, params=params, headers=headers, json=json,
                content=content,
            )  # fmt: skip
        finally:
            client.close()

    def get_json(
        self, path: str, *, params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Mapping[str, Any], Mapping[str, str]]:  # fmt: skip
        """A GET answered with JSON (304 Not Modified: an empty answer)."""
        response = self.request("GET", path, params=params, headers=headers)
        if response.status_code == 304:
            return {}, dict(response.headers)
        if response.status_code != 200:
            raise refusal(response, f"GET {path}")
        payload = body(response)
        if not isinstance(payload, Mapping):
            # A cut-off body is a transport failure: asking again is the cure.
            raise TransientError(f"Xero answered GET {path} with something other than JSON.")
        return payload, dict(response.headers)


def encode(payload: Any) -> bytes:
    """A request body as JSON, amounts (Decimal) as JSON numbers: integral ones as
    integers, the rest as the shortest float that reads back as the same value."""

    def number(value: Any) -> int | float:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        raise TypeError(f"not JSON serializable: {type(value).__name__}")

    return jsonlib.dumps(payload, default=number, separators=(",", ":")).encode()
