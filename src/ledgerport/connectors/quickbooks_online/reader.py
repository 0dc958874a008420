"""Reads a QBO company: one request per page, as the stream's paginator asks (see
``paging.py``), and the files attached to invoices and bills.

A reader lives for one pull. It keeps what lookup steps read (the TaxRate list for tax
codes, Preferences for company info) to complete the objects of the steps after them,
and fixes "now" when it is built, to judge whether a ``since`` is inside CDC's window.
Deleted objects only ever come from CDC; a full pull sees deletions by their absence
(the engine flags what it no longer finds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from ledgerport.connectors.errors import FatalError
from ledgerport.connectors.quickbooks_online.api import CompanyApi
from ledgerport.connectors.quickbooks_online.mapping.catalog import ENTITY_KEY, RATES_KEY
from ledgerport.connectors.quickbooks_online.mapping.common import is_deleted, text
from ledgerport.connectors.quickbooks_online.mapping.company import PREFERENCES_KEY
from ledgerport.connectors.quickbooks_online.paging import CDC, QueryPaging, Step
from ledgerport.connectors.quickbooks_online.query import (
    cdc_objects,
    cdc_params,
    query_objects,
    quoted,
    select,
    updated_since,
    within_cdc_window,
)
from ledgerport.connectors.quickbooks_online.streams import ATTACHMENT_ENTITIES
from ledgerport.connectors.spec import FetchedPage, ReaderContext, ReadStream, SourceAttachment
from ledgerport.domain.enums import DataType

Raw = Mapping[str, Any]


class QboReader:
    def __init__(
        self, context: ReaderContext, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.api = CompanyApi(context, transport)
        self.now = context.now or datetime.now(UTC)
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=UTC)
        self._lookups: dict[str, dict[str, Raw]] = {}

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        paging = stream.paginator
        if not isinstance(paging, QueryPaging):
            raise FatalError(f"{stream.data_type.value} is not a QuickBooks Online stream.")
        if (
            params.get("mode") == CDC
            and paging.cdc
            and since is not None
            and within_cdc_window(since, self.now)
        ):
            return self._changes(stream, paging, since)
        step = paging.step(params["entity"])
        where = [step.where or ""]
        if since is not None and paging.cdc:
            where.append(updated_since(since))
        statement = select(
            step.entity, start=int(params.get("start", "1")), where=where, paged=step.paged
        )
        body = self.api.query(statement)
        objects = query_objects(body, step.entity)
        if step.lookup:
            known = self._lookups.setdefault(step.entity, {})
            for n, obj in enumerate(objects):
                known[str(obj.get("Id", n))] = obj
            return FetchedPage([], body, self.api.last_headers)
        records = [self._complete(stream.data_type, step, obj) for obj in objects]
        return FetchedPage(records, body, self.api.last_headers)

    def _changes(self, stream: ReadStream, paging: QueryPaging, since: datetime) -> FetchedPage:
        body = self.api.get("cdc", cdc_params(paging.cdc_entities, since))
        changed = cdc_objects(body)
        records = []
        for step in paging.steps:
            for obj in changed.get(step.entity, []):
                if step.keep is not None and (is_deleted(obj) or not step.keep(obj)):
                    # A filtered stream (bank accounts) cannot tell whether a deleted
                    # object was one of its own; the weekly full pull settles it.
                    continue
                records.append(self._complete(stream.data_type, step, obj))
        return FetchedPage(records, body, self.api.last_headers)

    def _complete(self, data_type: DataType, step: Step, obj: Raw) -> Raw:
        """Give an object what its mapping needs beyond itself (see ``mapping/``)."""
        match data_type:
            case DataType.TRACKING_CATEGORIES:
                return {**obj, ENTITY_KEY: step.entity}
            case DataType.TAX_RATES:
                return {**obj, RATES_KEY: self._lookups.get("TaxRate", {})}
            case DataType.COMPANY:
                preferences = next(iter(self._lookups.get("Preferences", {}).values()), {})
                return {**obj, PREFERENCES_KEY: preferences}
            case _:
                return obj

    def attachments(self, stream: ReadStream, record_id: str) -> Sequence[SourceAttachment]:
        """The files attached to one invoice or bill (``Attachable`` objects linked to
        it). Notes (Attachables with no file) are not files and are left out."""
        entity = ATTACHMENT_ENTITIES.get(stream.data_type)
        if entity is None:
            return []
        statement = select(
            "Attachable",
            where=[
                f"AttachableRef.EntityRef.Type = {quoted(entity)}",
                f"AttachableRef.EntityRef.value = {quoted(record_id)}",
            ],
        )
        found = []
        for attachable in query_objects(self.api.query(statement), "Attachable"):
            name = text(attachable.get("FileName"))
            if name is None:
                continue
            url = text(attachable.get("TempDownloadUri")) or self.api.download_url(
                str(attachable["Id"])
            )
            found.append(
                SourceAttachment(
                    id=str(attachable["Id"]),
                    name=name,
                    content_type=text(attachable.get("ContentType")) or "application/octet-stream",
                    content=self.api.download(url),
                    date_created=_instant(attachable, "CreateTime"),
                    source_modified_date=_instant(attachable, "LastUpdatedTime"),
                    include_when_sent=_included(attachable, entity, record_id),
                )
            )
        return found


def _instant(raw: Raw, key: str) -> datetime | None:
    metadata = raw.get("MetaData")
    value = metadata.get(key) if isinstance(metadata, Mapping) else None
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _included(attachable: Raw, entity: str, record_id: str) -> bool:
    for link in attachable.get("AttachableRef") or []:
        ref = link.get("EntityRef") if isinstance(link, Mapping) else None
        if not isinstance(ref, Mapping):
            continue
        if ref.get("type") == entity and str(ref.get("value")) == record_id:
            return bool(link.get("IncludeOnSend"))
    return False
