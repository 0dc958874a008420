"""One QBO company's v3 API: ``{base_url}/v3/company/{realmId}/...``, every request with
``minorversion=75`` and ``Accept: application/json``, answers checked by ``faults``.
Readers and writers build one per connection context; tests pass an httpx transport."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ledgerport.connectors.errors import FatalError, TransientError
from ledgerport.connectors.http import PlatformClient
from ledgerport.connectors.quickbooks_online import faults
from ledgerport.connectors.quickbooks_online.query import MINOR_VERSION
from ledgerport.connectors.spec import ReaderContext

PLATFORM = "QuickBooks Online"
DEFAULT_BASE_URL = "https://quickbooks.api.intuit.com"


def realm_id(context: ReaderContext) -> str:
    realm = context.connection_info.get("realmId")
    if not isinstance(realm, str) or not realm:
        raise FatalError("The QuickBooks Online connection has no realmId: link it again.")
    return realm


class CompanyApi:
    """Each call opens and closes its own client: the engine keeps no hook to close a
    reader or writer, and a pull's calls are seconds apart (paced by the rate limit),
    so a kept connection would mostly sit idle, then leak."""

    def __init__(self, context: ReaderContext, transport: httpx.BaseTransport | None = None):
        self.realm = realm_id(context)
        self.base_url = context.base_url or DEFAULT_BASE_URL
        self.access_token = context.access_token
        self.transport = transport
        # Every request through the engine's budget: Intuit counts requests, not pages
        # (file downloads from its temporary URLs included, to stay on the safe side).
        self.throttle = context.throttle
        self.last_headers: Mapping[str, str] = {}

    def _request(
        self, method: str, path: str, *, api: bool = True, **options: Any
    ) -> httpx.Response:
        # Files come from Intuit's temporary (pre-signed) URLs, never with the bearer
        # token: it must not leave Intuit's API host.
        client = PlatformClient(
            self.base_url if api else "",
            self.access_token if api else None,
            transport=self.transport,
            platform=PLATFORM,
            throttle=self.throttle,
        )
        try:
            response = client.request(method, path, **options)
        finally:
            client.close()
        if api:
            self.last_headers = dict(response.headers)
        return response

    def _path(self, path: str) -> str:
        return f"/v3/company/{self.realm}/{path.lstrip('/')}"

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        response = self._request(
            "GET", self._path(path), params={**(params or {}), "minorversion": MINOR_VERSION}
        )
        return faults.check(response, writing=False)

    def get_object(self, entity: str, object_id: str) -> Mapping[str, Any] | None:
        """One object by id, or None when QBO says it has none (fault 610)."""
        response = self._request(
            "GET",
            self._path(f"{entity.lower()}/{object_id}"),
            params={"minorversion": MINOR_VERSION},
        )
        if response.status_code in (400, 404):
            codes = {e.code for e in faults.errors(faults.json_body(response))}
            if faults.OBJECT_NOT_FOUND in codes or response.status_code == 404:
                return None
        body = faults.check(response, writing=False)
        found = body.get(entity) if isinstance(body, Mapping) else None
        return found if isinstance(found, Mapping) else None

    def query(self, statement: str) -> Any:
        return self.get("query", {"query": statement})

    def post(self, path: str, body: Mapping[str, Any], params: Mapping[str, str]) -> Any:
        response = self._request(
            "POST",
            self._path(path),
            params={**params, "minorversion": MINOR_VERSION},
            json=body,
            headers={"Content-Type": "application/json"},
        )
        return faults.check(response, writing=True)

    def download(self, url: str) -> bytes:
        response = self._request("GET", url, api=False)
        if not response.is_success:  # an expired URL: the retry asks for a new one
            raise TransientError(f"{PLATFORM} file download failed ({response.status_code}).")
        return response.content

    def download_url(self, attachable_id: str) -> str:
        """``GET download/{id}`` answers the file's temporary URL as plain text."""
        response = self._request(
            "GET",
            self._path(f"download/{attachable_id}"),
            params={"minorversion": MINOR_VERSION},
            headers={"Accept": "text/plain"},
        )
        if not response.is_success:
            faults.check(response, writing=False)
        return response.text.strip().strip('"')
