"""The sandbox platform's API, in process: pages of its books, 100 at a time, optionally
only what changed since a moment (like a platform's modified-since filter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ledgerport.connectors.sandbox.books import books
from ledgerport.connectors.spec import FetchedPage, ReaderContext, ReadStream
from ledgerport.domain.enums import DataType

PAGE_SIZE = 100


class SandboxReader:
    def __init__(self, context: ReaderContext) -> None:
        self.seed = context.connection_id

    def _records(self, data_type: DataType) -> tuple[dict[str, Any], ...]:
        sandbox = books(self.seed)
        if data_type is DataType.CUSTOMERS:
            return sandbox.customers
        if data_type is DataType.INVOICES:
            return sandbox.invoices
        return ()

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        rows = self._records(stream.data_type)
        if since is not None:
            rows = tuple(
                r for r in rows if datetime.fromisoformat(str(r["sourceModifiedDate"])) >= since
            )
        page = int(params.get("page", "1"))
        return FetchedPage(records=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
