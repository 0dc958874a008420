"""Reading a Xero organisation: one page of one stream per call, and a record's files.

The engine drives paging, retries and rate limits; a fetch is one GET (plus, once per
pull and only if needed, one of the chart of accounts, below). What the reader adds to
Xero's records, before the pure mappings see them:

- the records another stream owns are dropped (``Endpoint.keep``; ``where`` already
  asked Xero not to send them);
- a tracking category becomes its own record and one per option;
- lines and items Xero gives only an ``AccountCode`` get the account's ``AccountID``
  (what the chart of accounts reads as the account's id), from the chart, read once;
- the Organisation gets ``AsOf``, the moment Xero answered, which fixes its current
  financial year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from ledgerport.connectors.spec import FetchedPage, ReaderContext, ReadStream, SourceAttachment
from ledgerport.connectors.xero.api import XeroApi
from ledgerport.connectors.xero.dates import if_modified_since
from ledgerport.connectors.xero.errors import refusal
from ledgerport.connectors.xero.mapping.common import as_list
from ledgerport.connectors.xero.streams import ENDPOINTS, Endpoint
from ledgerport.domain.enums import DataType

Raw = Mapping[str, Any]
_DETAILS = ("PurchaseDetails", "SalesDetails")


class XeroReader:
    def __init__(
        self, context: ReaderContext, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.context = context
        self.transport = transport
        self._api: XeroApi | None = None
        self._account_ids: dict[str, str] | None = None

    @property
    def api(self) -> XeroApi:
        if self._api is None:
            self._api = XeroApi(self.context, transport=self.transport)
        return self._api

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        endpoint = ENDPOINTS[stream.data_type]
        headers = {}
        if since is not None and stream.incremental:
            headers["If-Modified-Since"] = if_modified_since(since)
        query = {**dict(endpoint.params), **params}
        payload, answered = self.api.get_json(endpoint.path, params=query, headers=headers)
        records = self._records(stream.data_type, endpoint, payload)
        return FetchedPage(records=records, body=payload, headers=answered)

    def _records(
        self, data_type: DataType, endpoint: Endpoint, payload: Mapping[str, Any]
    ) -> list[Raw]:
        records: list[Raw] = as_list(payload.get(endpoint.collection))
        if endpoint.keep is not None:
            records = [r for r in records if endpoint.keep(r)]
        if endpoint.expand is not None:
            records = [node for r in records for node in endpoint.expand(r)]
        if data_type is DataType.COMPANY:
            records = [{**r, "AsOf": payload.get("DateTimeUTC")} for r in records]
        if any(_needs_account_id(r) for r in records):
            ids = self.account_ids()
            records = [_with_account_ids(r, ids) for r in records]
        return records

    def account_ids(self) -> Mapping[str, str]:
        """AccountID by account Code, read once per reader (one pull)."""
        if self._account_ids is None:
            payload, _ = self.api.get_json("/Accounts")
            self._account_ids = {
                str(a["Code"]): str(a["AccountID"])
                for a in as_list(payload.get("Accounts"))
                if a.get("Code") and a.get("AccountID")
            }
        return self._account_ids

    def attachments(self, stream: ReadStream, record_id: str) -> Sequence[SourceAttachment]:
        resource = ENDPOINTS[stream.data_type].attachments
        if resource is None:
            return ()
        base = f"/{resource}/{quote(record_id, safe='')}/Attachments"
        response = self.api.request("GET", base)
        if response.status_code == 404:  # the record went between the page and now
            return ()
        if response.status_code != 200:
            raise refusal(response, f"the files of {stream.data_type.value} {record_id}")
        found = []
        for listed in as_list(response.json().get("Attachments")):
            attachment_id = str(listed.get("AttachmentID") or "")
            if not attachment_id:
                continue
            mime = str(listed.get("MimeType") or "application/octet-stream")
            download = self.api.request(
                "GET", f"{base}/{quote(attachment_id, safe='')}", headers={"Accept": mime}
            )
            if download.status_code != 200:
                raise refusal(download, f"the file {attachment_id} of {record_id}")
            found.append(
                SourceAttachment(
                    id=attachment_id,
                    name=str(listed.get("FileName") or attachment_id),
                    content_type=mime,
                    content=download.content,
                    include_when_sent=listed.get("IncludeOnline") is True,
                )
            )
        return tuple(found)


def _lines_and_details(record: Raw) -> list[Raw]:
    parts = as_list(record.get("LineItems"))
    parts += [d for key in _DETAILS if isinstance(d := record.get(key), Mapping)]
    return parts


def _needs_account_id(record: Raw) -> bool:
    return any(p.get("AccountCode") and not p.get("AccountID") for p in _lines_and_details(record))


def _with_account_ids(record: Raw, ids: Mapping[str, str]) -> Raw:
    def fill(part: Raw) -> Raw:
        code = part.get("AccountCode")
        if code and not part.get("AccountID") and str(code) in ids:
            return {**part, "AccountID": ids[str(code)]}
        return part

    out = dict(record)
    if isinstance(record.get("LineItems"), list):
        out["LineItems"] = [fill(line) for line in as_list(record["LineItems"])]
    for key in _DETAILS:
        if isinstance(record.get(key), Mapping):
            out[key] = fill(record[key])
    return out
