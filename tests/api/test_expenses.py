"""Sync for Expenses through the API, on both databases, against an accounting platform
with a scripted writer (direct costs, direct incomes, transfers; no updates): partner
expense connection, configuration, mapping options, syncing transactions, statuses."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledgerport.app import create_app
from ledgerport.connectors import partner_expense
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.connectors.spec import Branding, Connector, NoAuth
from ledgerport.connectors.writes import (
    RecordChange,
    WriteKind,
    WriteRequest,
    WriteResult,
    WriteStream,
)
from ledgerport.domain.enums import ConnectionStatus, DataType, SourceType
from ledgerport.domain.push import PushChangeType, PushOption, PushOptionChoice
from ledgerport.domain.push import PushOptionType as P
from ledgerport.services import Services
from ledgerport.sync.jobs import start_in_process
from tests.api.test_auth import assert_codat_error
from tests.factories import platform
from tests.factories.records import pulled

ACCOUNTS = [
    {"id": "acc-1200", "name": "Bank", "type": "Asset", "isBankAccount": True, "currency": "GBP",
     "fullyQualifiedCategory": "Asset.Bank", "status": "Active"},
    {"id": "acc-7500", "name": "Office Costs", "type": "Expense", "isBankAccount": False,
     "currency": "GBP", "fullyQualifiedCategory": "Expense.Overheads", "status": "Active"},
    {"id": "acc-4900", "name": "Other Income", "type": "Income", "isBankAccount": False,
     "currency": "GBP", "fullyQualifiedCategory": "Income.Other", "status": "Active"},
    {"id": "acc-old", "name": "Old", "type": "Expense", "status": "Archived"},
]  # fmt: skip
REFERENCE = {
    "chartOfAccounts": ACCOUNTS,
    "taxRates": [{"id": "tax-s", "name": "20% (VAT)", "code": "S", "effectiveTaxRate": 20,
                  "totalTaxRate": 20, "status": "Active"}],
    "trackingCategories": [{"id": "trk-dept", "name": "Department", "hasChildren": True},
                           {"id": "trk-inst", "name": "Installs", "parentId": "trk-dept"}],
    "suppliers": [{"id": "sup-0001", "supplierName": "Acme", "status": "Active"}],
    "customers": [{"id": "cus-0001", "customerName": "Birch", "status": "Active"}],
    "bankAccounts": [{"id": "acc-1200", "accountName": "Bank", "status": "Active"}],
}  # fmt: skip


def _model(accounts: list[str]) -> PushOption:
    def obj(name: str, props: dict[str, PushOption], required: bool = False) -> PushOption:
        return PushOption(type=P.OBJECT, displayName=name, properties=props, required=required)

    account_id = PushOption(
        type=P.STRING,
        displayName="id",
        required=True,
        options=[PushOptionChoice(value=a) for a in accounts],
    )
    line = obj("Line", {"accountRef": obj("Account", {"id": account_id}, required=True)})
    lines = PushOption(type=P.ARRAY, displayName="Lines", properties=line.properties)
    return obj("Direct", {"lineItems": lines})


@dataclass
class Books:
    """A platform's records by key, written by the scripted writer."""

    written: dict[str, dict[str, Any]] = field(default_factory=dict)

    def options(self, data_type: DataType, kind: WriteKind) -> PushOption:
        return _model(["acc-4900"] if data_type is DataType.DIRECT_INCOMES else ["acc-7500"])

    def write(self, request: WriteRequest) -> WriteResult:
        if request.kind is WriteKind.UPLOAD_ATTACHMENT:
            change = RecordChange(
                PushChangeType.ATTACHMENT_UPLOADED,
                request.data_type,
                str(request.record_id),
                "att-1",
            )
            return WriteResult(record={"id": request.record_id}, changes=(change,))
        record = self.written.get(request.key) or {
            **request.record,
            "id": f"{request.data_type.value}-{len(self.written) + 1}",
        }
        self.written[request.key] = record
        created = RecordChange(PushChangeType.CREATED, request.data_type, record["id"])
        return WriteResult(record=record, changes=(created,))

    def find(self, request: WriteRequest) -> WriteResult | None:
        record = self.written.get(request.key)
        return WriteResult(record=record) if record else None


BOOKS = Books()
WRITES = (
    WriteStream(DataType.DIRECT_COSTS, frozenset({WriteKind.CREATE, WriteKind.UPLOAD_ATTACHMENT})),
    WriteStream(DataType.DIRECT_INCOMES, frozenset({WriteKind.CREATE})),
    WriteStream(DataType.TRANSFERS, frozenset({WriteKind.CREATE})),
)
ACCOUNTING = Connector(
    key="tstx",
    name="Scripted Books",
    source_type=SourceType.ACCOUNTING,
    auth=NoAuth(),
    branding=Branding("#000", "SB"),
    writes=WRITES,
    writer=lambda _ctx: BOOKS,
)


@pytest.fixture
def world(services: Services, api_key: str) -> Iterator[tuple[TestClient, Any]]:
    scripted = dataclasses.replace(
        services, connectors=ConnectorRegistry([ACCOUNTING, partner_expense.CONNECTOR])
    )
    company = platform.company(scripted, connections=(("tstx", ConnectionStatus.LINKED),))
    for data_type, documents in REFERENCE.items():
        pulled(scripted, company, data_type, documents)
    with TestClient(create_app(services=scripted)) as client:
        client.headers.update(platform.basic(api_key))
        consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
        try:
            yield client, company
        finally:
            consumer.stop(graceful=True)


def _tx(kind: str = "Payment", account: str = "acc-7500", **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "issueDate": "2026-11-20T00:00:00",
        "currency": "GBP",
        "merchantName": "Amazon UK",
        "lines": [
            {"netAmount": 100.1, "taxAmount": 20.02, "accountRef": {"id": account},
             "taxRateRef": {"id": "tax-s"}, "trackingRefs": [{"id": "trk-inst"}]}
        ],
        **extra,
    }  # fmt: skip


def _settled(client: TestClient, base: str, sync_id: str) -> dict[str, Any]:
    for _ in range(200):
        body = client.get(f"{base}/syncs/{sync_id}/status").json()
        if body["syncStatusCode"] not in (1000, 1010):
            return body
        time.sleep(0.05)
    raise AssertionError("the sync did not finish")


def test_partner_expense_connection_is_linked_and_idempotent(world) -> None:
    client, company = world
    url = f"/companies/{company.id}/sync/expenses/connections/partnerExpense"
    first = client.post(url)
    assert first.status_code == 200
    body = first.json()
    assert (body["sourceType"], body["status"], body["integrationKey"]) == (
        "Expense", "Linked", "pexp"
    )  # fmt: skip
    assert client.post(url).json()["id"] == body["id"]
    connections = client.get(f"/companies/{company.id}/connections").json()["results"]
    assert {c["sourceType"] for c in connections} == {"Accounting", "Expense"}
    assert_codat_error(client.post("/companies/nope/sync/expenses/connections/partnerExpense"), 404)


def test_configuration_is_checked_against_the_accounting_data(world) -> None:
    client, company = world
    url = f"/companies/{company.id}/sync/expenses/config"
    assert_codat_error(client.get(url), 404)
    bad = {
        "bankAccount": {"id": "acc-7500"},
        "supplier": {"id": "x"},
        "customer": {"id": "cus-0001"},
    }
    error = assert_codat_error(client.post(url, json=bad), 400)
    assert {e["itemId"] for e in error["validation"]["errors"]} == {"bankAccount.id", "supplier.id"}
    good = {"bankAccount": {"id": "acc-1200"}, "supplier": {"id": "sup-0001"},
            "customer": {"id": "cus-0001"}}  # fmt: skip
    assert client.post(url, json=good).json() == good
    assert client.get(url).json() == good


def test_mapping_options_follow_the_platforms_create_models(world) -> None:
    client, company = world
    body = client.get(f"/companies/{company.id}/sync/expenses/mappingOptions").json()
    accounts = {a["id"]: a for a in body["accounts"]}
    assert "acc-old" not in accounts  # archived
    assert accounts["acc-7500"]["validTransactionTypes"] == ["Payment"]
    assert accounts["acc-4900"]["validTransactionTypes"] == ["Refund", "Reward", "Chargeback"]
    assert accounts["acc-1200"]["isBankAccount"] is True
    assert [t["id"] for t in body["taxRates"]] == ["tax-s"]
    assert {t["id"]: t["hasChildren"] for t in body["trackingCategories"]} == {
        "trk-dept": True, "trk-inst": False
    }  # fmt: skip
    assert body["expenseProvider"] is None


def test_transactions_are_written_followed_and_never_written_twice(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    client.post(f"{base}/config", json={"bankAccount": {"id": "acc-1200"},
                "supplier": {"id": "sup-0001"}, "customer": {"id": "cus-0001"}})  # fmt: skip
    assert_codat_error(client.get(f"{base}/syncs/latest/status"), 404)
    payment, refund, wrong = _tx(), _tx("Refund", "acc-4900"), _tx("Reward", "acc-7500")
    created = client.post(f"{base}/expense-transactions", json=[payment, refund, wrong])
    assert created.status_code == 200, created.text
    sync_id = created.json()["syncId"]
    status = _settled(client, base, sync_id)
    assert (status["syncStatusCode"], status["syncStatus"], status["dataPushed"]) == (
        5120, "Failed", True
    )  # fmt: skip
    page = client.get(f"{base}/syncs/{sync_id}/transactions", params={"pageSize": 2}).json()
    assert page["totalResults"] == 3
    assert "next" in page["_links"]
    assert [t["status"] for t in page["results"]] == ["Completed", "Completed"]
    one = client.get(f"{base}/syncs/{sync_id}/transactions/{wrong['id']}").json()
    assert one[0]["status"] == "ValidationError"
    assert "not valid for Reward" in one[0]["message"]
    written = [r for r in BOOKS.written.values() if r.get("reference") is None]
    assert {r["totalAmount"] for r in written} >= {120.12}
    # The same ids again: refused, nothing written twice.
    before = len(BOOKS.written)
    again = assert_codat_error(client.post(f"{base}/expense-transactions", json=[payment]), 400)
    assert "already synced" in again["error"]
    assert len(BOOKS.written) == before
    # The one refused for its data may be sent again, fixed.
    fixed = {**wrong, "lines": [{**wrong["lines"][0], "accountRef": {"id": "acc-4900"}}]}
    retry = client.post(f"{base}/expense-transactions", json=[fixed]).json()["syncId"]
    assert _settled(client, base, retry)["syncStatusCode"] == 2000
    assert client.get(f"{base}/syncs/latest/status").json()["syncId"] == retry
    assert client.get(f"{base}/syncs/lastSuccessful/status").json()["syncId"] == retry
    assert [s["syncId"] for s in client.get(f"{base}/syncs/list/status").json()] == [retry, sync_id]
    # Updates: this platform cannot update direct costs.
    update = {k: v for k, v in payment.items() if k != "id"}
    error = assert_codat_error(
        client.put(f"{base}/expense-transactions/{payment['id']}", json=update), 422
    )
    assert "not supported" in error["error"]
    # A receipt on the written direct cost.
    receipt = client.post(
        f"{base}/syncs/{sync_id}/transactions/{payment['id']}/attachments",
        files={"file": ("r.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert receipt.status_code == 200, receipt.text
    assert receipt.json() == {"companyId": str(company.id), "id": "att-1",
                              "transactionId": payment["id"]}  # fmt: skip


def test_requests_are_validated(world) -> None:
    client, company = world
    url = f"/companies/{company.id}/sync/expenses/expense-transactions"
    assert_codat_error(client.post(url, json=[]), 400)
    assert_codat_error(client.post(url, json=[_tx() for _ in range(51)]), 400)
    assert_codat_error(client.post(url, json=[{**_tx(), "type": "Transfer"}]), 400)
    assert_codat_error(client.post(url, json=[{**_tx(), "issueDate": "soon"}]), 400)
    tx = _tx()
    repeated = assert_codat_error(client.post(url, json=[tx, tx]), 400)
    assert "more than once" in repeated["error"]


def test_transfers_are_written(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    transfer = {"date": "2026-11-20T00:00:00",
                "from": {"accountRef": {"id": "acc-1200"}, "amount": 50},
                "to": {"accountRef": {"id": "acc-1300"}, "amount": 50}}  # fmt: skip
    tx_id = str(uuid.uuid4())
    sync_id = client.put(f"{base}/transfer-transactions/{tx_id}", json=transfer).json()["syncId"]
    assert _settled(client, base, sync_id)["syncStatusCode"] == 2000
