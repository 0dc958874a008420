"""A linked sandbox company driven through the API, for the push tests: requests, one
attempt at the company's pending pushes, pulls, the write log, faults, and the reference
data a client reads first (parties pulled; accounts, tax rates and the ledger lock date
from the create models)."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from codat_platform.models.shared.pushoperation import PushOperation as SdkPushOperation
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushStatus
from ledgerport.services import Services
from ledgerport.storage.tables import PushOperationRow, WriteLogRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.push import PushRunner
from tests.conformance.codat_schema import errors
from tests.factories.sandbox import pull, set_info

# A small company: every test builds its own (the books are seeded by the connection's
# id), so the smaller it is the faster; 120 days of history give it a filed VAT return
# and so a ledger lock date to respect.
SIZE = {
    "customers": 3,
    "suppliers": 3,
    "invoices": 12,
    "bills": 12,
    "directCosts": 3,
    "historyDays": 120,
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
Body = dict[str, Any]

CHANGE = {
    WriteKind.CREATE: "Created",
    WriteKind.UPDATE: "Modified",
    WriteKind.DELETE: "Deleted",
    WriteKind.UPLOAD_ATTACHMENT: "AttachmentUploaded",
    # Codat has no change type for a file removed: the record's, with the attachmentId.
    WriteKind.DELETE_ATTACHMENT: "Deleted",
}


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def conforms(op: Body) -> None:
    """A push operation as Codat's Platform SDK reads it, and as its spec describes it
    (but for ``completedOnUtc``, which the spec types as a string while saying it is
    null while Pending, as the SDK allows)."""
    SdkPushOperation.model_validate(op)
    problems = errors(op, "PushOperation")
    if op["status"] == "Pending":
        problems = [p for p in problems if p != "completedOnUtc: None is not of type 'string'"]
    assert problems == []


# -- the world: one linked sandbox company, driven through the API ------------------------


@dataclass
class World:
    """One test's company, with one Linked sandbox connection, and the calls a test
    makes against it. Reference data is looked up when first used and kept, so a test
    pulls only what its requests need."""

    client: TestClient
    services: Services
    company: Any
    target: str | None = None  # what the write under test acts on, once made
    attachment: str | None = None  # the file a delete of a file removes, once uploaded
    _options: dict[str, Body] = field(default_factory=dict)
    _pulled: set[DataType] = field(default_factory=set)

    @property
    def target_id(self) -> str:
        assert self.target is not None
        return self.target

    @property
    def connection_id(self) -> uuid.UUID:
        return self.company.connections[0].id  # type: ignore[no-any-return]

    @property
    def base(self) -> str:
        return f"/companies/{self.company.id}/connections/{self.connection_id}"

    # requests

    def call(self, method: str, path: str, **kwargs: Any) -> Body:
        """A push request that must be answered 200 with a push operation."""
        response = self.client.request(method, f"{self.base}{path}", **kwargs)
        assert response.status_code == 200, response.text
        body: Body = response.json()
        conforms(body)
        return body

    def create(self, segment: str, body: Body, **params: Any) -> Body:
        return self.call("POST", f"/push/{segment}", json=body, params=params)

    def done(self, segment: str, body: Body) -> Body:
        """Create a record and run the push to its end: the operation, Success."""
        op = self.create(segment, body)
        assert self.run() == [PushStatus.SUCCESS], self.op(op)
        final = self.op(op)
        assert final["status"] == "Success", final
        return final

    def made(self, segment: str, body: Body) -> str:
        """Create a record through a push: its id."""
        return str(self.done(segment, body)["data"]["id"])

    def op(self, op: Body | str) -> Body:
        key = op if isinstance(op, str) else op["pushOperationKey"]
        response = self.client.get(f"/companies/{self.company.id}/push/{key}")
        assert response.status_code == 200, response.text
        body: Body = response.json()
        conforms(body)
        return body

    def run(self, clock: Callable[[], datetime] | None = None) -> list[PushStatus]:
        """One attempt at each of this company's pending pushes, oldest first: what
        :func:`run_pushes` does for the whole database, which here other tests share."""
        runner = PushRunner(self.services, clock=clock or utcnow, rng=random.Random(0))
        with self.services.sessions() as session:
            pending = session.scalars(
                select(PushOperationRow.id)
                .where(
                    PushOperationRow.company_id == self.company.id,
                    PushOperationRow.status == PushStatus.PENDING.value,
                )
                .order_by(PushOperationRow.requested)
            ).all()
        return [runner.run(push_id).status for push_id in pending]

    # the platform and what we hold of it

    def pull(self, *data_types: DataType) -> None:
        pull(self.services, self.company, *data_types)
        self._pulled.update(data_types)

    def record(self, segment: str, record_id: str) -> Response:
        response: Response = self.client.get(
            f"/companies/{self.company.id}/data/{segment}/{record_id}"
        )
        return response

    def found(self, segment: str, record_id: str) -> Body:
        response = self.record(segment, record_id)
        assert response.status_code == 200, response.text
        body: Body = response.json()
        return body

    def ids(self, segment: str) -> set[str]:
        response = self.client.get(
            f"/companies/{self.company.id}/data/{segment}", params={"pageSize": 5000}
        )
        assert response.status_code == 200, response.text
        return {r["id"] for r in response.json()["results"]}

    def logged(self) -> int:
        """How many writes the platform has taken (its write log)."""
        with self.services.sessions() as session:
            count = session.scalar(
                select(func.count())
                .select_from(WriteLogRow)
                .where(WriteLogRow.connection_id == self.connection_id)
            )
        return int(count or 0)

    def faults(self, faults: dict[str, str] | None) -> None:
        info: Body = {"sandbox": SIZE}
        if faults is not None:
            info["sandboxFaults"] = faults
        set_info(self.services, self.connection_id, info)

    # reference data, as a client finds it

    def options(self, segment: str, kind: str = "Create") -> Body:
        key = f"{segment}:{kind}"
        if key not in self._options:
            response = self.client.get(f"{self.base}/options/{segment}", params={"kind": kind})
            assert response.status_code == 200, response.text
            self._options[key] = response.json()
        return self._options[key]

    def choices(self, segment: str, path: str) -> list[Body]:
        node = self.options(segment)
        for part in path.split("."):
            node = node["properties"][part]
        return list(node["options"])

    def _party(self, data_type: DataType) -> str:
        if data_type not in self._pulled:
            self.pull(data_type)
        response = self.client.get(
            f"/companies/{self.company.id}/data/{data_type.value}",
            params={"query": "status=Active", "orderBy": "id", "pageSize": 1},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["results"][0]["id"])

    @cached_property
    def supplier(self) -> str:
        return self._party(DataType.SUPPLIERS)

    @cached_property
    def customer(self) -> str:
        return self._party(DataType.CUSTOMERS)

    @cached_property
    def expense(self) -> str:
        """An overhead expense account (what a bill line may post to)."""
        options = self.choices("bills", "lineItems.accountRef.id")
        return str(next(o["value"] for o in options if "Overheads" in (o.get("description") or "")))

    @cached_property
    def expense2(self) -> str:
        options = self.choices("journalEntries", "journalLines.accountRef.id")
        return str(
            next(
                o["value"]
                for o in options
                if o["value"] != self.expense and "Overheads" in (o.get("description") or "")
            )
        )

    @cached_property
    def income(self) -> str:
        return str(self.choices("invoices", "lineItems.accountRef.id")[0]["value"])

    @cached_property
    def vat(self) -> str:
        """The standard (20%) VAT rate."""
        options = self.choices("bills", "lineItems.taxRateRef.id")
        return str(
            next(o["value"] for o in options if (o.get("description") or "").endswith(" 20%"))
        )

    @cached_property
    def bank(self) -> str:
        return str(self.choices("payments", "accountRef.id")[0]["value"])

    @cached_property
    def lock_date(self) -> date:
        """The ledger lock date, as the bills model states it."""
        notes = self.options("bills")["properties"]["issueDate"]["validation"]["information"]
        for note in notes:
            found = re.search(r"after (\d{4}-\d{2}-\d{2}), the ledger lock date", note["details"])
            if found:
                return date.fromisoformat(found.group(1))
        raise AssertionError(f"no ledger lock date in {notes}")

    @cached_property
    def day(self) -> str:
        """A date a posting may take: today, or the day after the lock if that is later."""
        chosen = max(datetime.now(UTC).date(), self.lock_date + timedelta(days=1))
        return f"{chosen.isoformat()}T00:00:00"

    def later(self, days: int) -> str:
        return f"{(date.fromisoformat(self.day[:10]) + timedelta(days=days)).isoformat()}T00:00:00"
