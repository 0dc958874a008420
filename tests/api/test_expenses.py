"""Sync for Expenses through the API, on both databases, written to a linked sandbox
company (a small one, pulled for real): partner expense connection, configuration,
mapping options from the sandbox's create models, expense, adjustment and reimbursable
transactions written and followed, updates, receipts, transfers between the sandbox's
bank accounts, and the sandbox's faults as push errors."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledgerport.app import create_app
from ledgerport.domain.enums import DataType
from ledgerport.services import Services
from ledgerport.sync.jobs import start_in_process
from tests.api.test_auth import assert_codat_error
from tests.factories import platform
from tests.factories.sandbox import linked_sandbox, pull, set_info

SMALL = {"sandbox": {"customers": 6, "suppliers": 6, "invoices": 30, "bills": 30,
                     "directCosts": 10, "historyDays": 120}}  # fmt: skip
REFERENCE = (
    DataType.CHART_OF_ACCOUNTS,
    DataType.TAX_RATES,
    DataType.TRACKING_CATEGORIES,
    DataType.SUPPLIERS,
    DataType.CUSTOMERS,
    DataType.BANK_ACCOUNTS,
)
BANK, OFFICE, TRAVEL, SALES, DEBTORS = "acc-1200", "acc-7500", "acc-7400", "acc-4000", "acc-1100"
CARD = "acc-1210"  # a bank account the transfer test opens
CONFIG = {"bankAccount": {"id": BANK}, "supplier": {"id": "sup-0001"},
          "customer": {"id": "cus-0001"}}  # fmt: skip
# Today: after the sandbox's ledger lock date (its last VAT return) whenever this runs.
TODAY = datetime.now(UTC).date().isoformat() + "T00:00:00"


@pytest.fixture
def world(services: Services, api_key: str) -> Iterator[tuple[TestClient, Any]]:
    company = linked_sandbox(services, **SMALL)
    pull(services, company, *REFERENCE)
    with TestClient(create_app(services=services)) as client:
        client.headers.update(platform.basic(api_key))
        consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
        try:
            yield client, company
        finally:
            consumer.stop(graceful=True)


def _tx(kind: str = "Payment", account: str = OFFICE, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "issueDate": TODAY,
        "currency": "GBP",
        "merchantName": "Amazon UK",
        "lines": [
            {"netAmount": 100.1, "taxAmount": 20.02, "accountRef": {"id": account},
             "taxRateRef": {"id": "tax-s"}, "trackingRefs": [{"id": "trk-dept-inst"}]}
        ],
        **extra,
    }  # fmt: skip


def _settled(client: TestClient, base: str, sync_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = client.get(f"{base}/syncs/{sync_id}/status").json()
        if body["syncStatusCode"] not in (1000, 1010):
            return body
        time.sleep(0.05)
    raise AssertionError("the sync did not finish")


def _results(client: TestClient, base: str, sync_id: str) -> dict[str, tuple[str, str]]:
    page = client.get(f"{base}/syncs/{sync_id}/transactions").json()
    return {t["transactionId"]: (t["status"], t["message"]) for t in page["results"]}


def _refresh(client: TestClient, company: Any, *data_types: DataType) -> None:
    """Refresh through the API and wait: the consumer runs the pull (or the one a
    completed push already asked for)."""
    for data_type in data_types:
        pulled = client.post(f"/companies/{company.id}/data/queue/{data_type.value}").json()
        deadline = time.monotonic() + 60
        while True:
            done = client.get(f"/companies/{company.id}/data/history/{pulled['id']}").json()
            if done["isCompleted"] or done["isErrored"]:
                assert done["status"] == "Complete", done
                break
            assert time.monotonic() < deadline, done
            time.sleep(0.05)


def _written_id(message: str) -> str:
    """The record id in a Completed transaction's message ("Written as bills bill-w0001.")."""
    return message.removesuffix(".").rsplit(" ", 1)[-1]


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
    bad = {**CONFIG, "bankAccount": {"id": OFFICE}, "supplier": {"id": "x"}}
    error = assert_codat_error(client.post(url, json=bad), 400)
    assert {e["itemId"] for e in error["validation"]["errors"]} == {"bankAccount.id", "supplier.id"}
    assert client.post(url, json=CONFIG).json() == CONFIG
    assert client.get(url).json() == CONFIG


def test_mapping_options_follow_the_sandboxs_create_models(world) -> None:
    client, company = world
    body = client.get(f"/companies/{company.id}/sync/expenses/mappingOptions").json()
    accounts = {a["id"]: a for a in body["accounts"]}
    # A refund or chargeback goes back to the expense account the spend went to.
    assert accounts[OFFICE]["validTransactionTypes"] == ["Payment", "Refund", "Chargeback"]
    assert accounts[SALES]["validTransactionTypes"] == ["Reward"]
    assert "reimbursable-expense-transactions" in accounts[OFFICE]["validFor"]
    assert "reimbursable-expense-transactions" not in accounts[SALES]["validFor"]
    assert accounts[BANK]["isBankAccount"] is True
    assert accounts[BANK]["validTransactionTypes"] == []
    assert accounts[BANK]["validFor"] == ["transfer-transactions"]  # no manual journals
    assert "adjustment-transactions" not in accounts[DEBTORS]["validFor"]  # a control account
    assert "adjustment-transactions" in accounts[OFFICE]["validFor"]
    assert "tax-s" in [t["id"] for t in body["taxRates"]]
    tracking = {t["id"]: t["hasChildren"] for t in body["trackingCategories"]}
    assert (tracking["trk-dept"], tracking["trk-dept-inst"]) == (True, False)
    assert body["expenseProvider"] is None


def test_transactions_are_written_followed_updated_and_never_written_twice(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    client.post(f"{base}/config", json=CONFIG)
    assert_codat_error(client.get(f"{base}/syncs/latest/status"), 404)
    payment, refund, wrong = _tx(), _tx("Refund", reference="R-1"), _tx("Reward", OFFICE)
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
    # In the sandbox's books: the spend on the office account, the refund credited back.
    results = _results(client, base, sync_id)
    cost_id = _written_id(results[payment["id"]][1])
    income_id = _written_id(results[refund["id"]][1])
    _refresh(client, company, DataType.DIRECT_COSTS, DataType.DIRECT_INCOMES)
    data = f"/companies/{company.id}/connections/{company.connections[0].id}/data"
    cost = client.get(f"{data}/directCosts/{cost_id}").json()
    income = client.get(f"{data}/directIncomes/{income_id}").json()
    for record in (cost, income):
        assert record["totalAmount"] == 120.12
        assert record["lineItems"][0]["accountRef"]["id"] == OFFICE
        assert record["paymentAllocations"][0]["payment"]["accountRef"]["id"] == BANK
    assert income["reference"] == "R-1"
    assert income["contactRef"] == {"id": "sup-0001", "dataType": "suppliers"}  # the merchant
    # The same ids again: refused, nothing written twice.
    again = assert_codat_error(client.post(f"{base}/expense-transactions", json=[payment]), 400)
    assert "already synced" in again["error"]
    # The one refused for its data may be sent again, fixed.
    fixed = {**wrong, "lines": [{**wrong["lines"][0], "accountRef": {"id": SALES}}]}
    retry = client.post(f"{base}/expense-transactions", json=[fixed]).json()["syncId"]
    assert _settled(client, base, retry)["syncStatusCode"] == 2000
    assert client.get(f"{base}/syncs/latest/status").json()["syncId"] == retry
    assert client.get(f"{base}/syncs/lastSuccessful/status").json()["syncId"] == retry
    assert [s["syncId"] for s in client.get(f"{base}/syncs/list/status").json()] == [retry, sync_id]
    # An update rewrites the direct cost (202, followed as a sync of its own).
    update = {k: v for k, v in payment.items() if k != "id"}
    update["lines"] = [{**payment["lines"][0], "netAmount": 50, "taxAmount": 10,
                        "accountRef": {"id": TRAVEL}}]  # fmt: skip
    updated = client.put(f"{base}/expense-transactions/{payment['id']}", json=update)
    assert updated.status_code == 202, updated.text
    assert _settled(client, base, updated.json()["syncId"])["syncStatusCode"] == 2000
    _refresh(client, company, DataType.DIRECT_COSTS)
    cost = client.get(f"{data}/directCosts/{cost_id}").json()
    assert (cost["totalAmount"], cost["lineItems"][0]["accountRef"]["id"]) == (60, TRAVEL)
    changed = {**update, "type": "Refund"}
    assert_codat_error(
        client.put(f"{base}/expense-transactions/{payment['id']}", json=changed), 422
    )
    assert_codat_error(client.put(f"{base}/expense-transactions/{uuid.uuid4()}", json=update), 404)
    # A receipt on the written direct cost.
    receipt = client.post(
        f"{base}/syncs/{sync_id}/transactions/{payment['id']}/attachments",
        files={"file": ("r.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert receipt.status_code == 200, receipt.text
    assert receipt.json() == {"companyId": str(company.id), "id": "att-w0001",
                              "transactionId": payment["id"]}  # fmt: skip


def test_the_sandboxs_faults_are_push_errors(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    client.post(f"{base}/config", json=CONFIG)
    faults = {"directCosts": "reject", "directIncomes": "unavailable"}
    set_info(client.app.state.services, company.connections[0].id,
             {**SMALL, "sandboxFaults": faults})  # fmt: skip
    payment = _tx()
    sync_id = client.post(f"{base}/expense-transactions", json=[payment]).json()["syncId"]
    status = _settled(client, base, sync_id)
    assert (status["syncStatusCode"], status["syncStatus"], status["dataPushed"]) == (
        5130, "Failed", False
    )  # fmt: skip
    state, message = _results(client, base, sync_id)[payment["id"]]
    assert state == "PushError"
    assert "sandboxFaults" in message
    # Refused, not written: the same id may be sent again once the platform takes it.
    set_info(client.app.state.services, company.connections[0].id, SMALL)
    again = client.post(f"{base}/expense-transactions", json=[payment]).json()["syncId"]
    assert _settled(client, base, again)["syncStatusCode"] == 2000


def test_adjustments_and_reimbursable_expenses_are_written(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    data = f"/companies/{company.id}/connections/{company.connections[0].id}/data"
    adjustment = {
        "id": str(uuid.uuid4()), "date": TODAY, "currency": "GBP", "currencyRate": None,
        "reference": "FX difference",
        "lines": [
            {"amount": 12.5, "accountRef": {"id": OFFICE}, "description": "debit line",
             "trackingRefs": None, "invoiceTo": None},
            {"amount": -12.5, "accountRef": {"id": TRAVEL}, "description": "credit line"},
        ],
    }  # fmt: skip
    unbalanced = {**adjustment, "id": str(uuid.uuid4()), "lines": adjustment["lines"][:1]}
    on_bank = {**adjustment, "id": str(uuid.uuid4()),
               "lines": [adjustment["lines"][0], {**adjustment["lines"][1],
                                                  "accountRef": {"id": BANK}}]}  # fmt: skip
    created = client.post(f"{base}/adjustment-transactions", json=[adjustment, unbalanced, on_bank])
    assert created.status_code == 200, created.text
    sync_id = created.json()["syncId"]
    assert _settled(client, base, sync_id)["syncStatusCode"] == 5120
    results = _results(client, base, sync_id)
    assert results[adjustment["id"]][0] == "Completed"
    assert "at least two lines" in results[unbalanced["id"]][1]
    assert "not valid for adjustment" in results[on_bank["id"]][1]
    _refresh(client, company, DataType.JOURNAL_ENTRIES)
    journal = client.get(f"{data}/journalEntries/{_written_id(results[adjustment['id']][1])}")
    lines = {x["accountRef"]["id"]: x["netAmount"] for x in journal.json()["journalLines"]}
    assert lines == {OFFICE: 12.5, TRAVEL: -12.5}

    claim = {
        "id": str(uuid.uuid4()), "reference": "expenses w/c 01/07",
        "contactRef": {"id": "sup-0002"}, "apAccountRef": None, "issueDate": TODAY,
        "dueDate": TODAY, "currency": "GBP", "currencyRate": None, "notes": "Hotel",
        "lines": [{"description": "Hotel", "netAmount": 100, "taxAmount": 20,
                   "taxRateRef": {"id": "tax-s"}, "accountRef": {"id": TRAVEL},
                   "trackingRefs": [{"id": "trk-dept-inst", "dataType": "trackingCategories"}],
                   "invoiceTo": {"id": "cus-0001", "type": "customer"}}],
    }  # fmt: skip
    unknown = {**claim, "id": str(uuid.uuid4()), "contactRef": {"id": "sup-nope"}}
    url = f"{base}/reimbursable-expense-transactions"
    sync_id = client.post(url, json=[claim, unknown]).json()["syncId"]
    assert _settled(client, base, sync_id)["syncStatusCode"] == 5120
    results = _results(client, base, sync_id)
    assert "Supplier sup-nope does not exist" in results[unknown["id"]][1]
    bill_id = _written_id(results[claim["id"]][1])
    _refresh(client, company, DataType.BILLS)
    bill = client.get(f"/companies/{company.id}/data/bills/{bill_id}").json()
    assert (bill["supplierRef"]["id"], bill["status"]) == ("sup-0002", "Open")
    assert bill["totalAmount"] == 120
    assert bill["reference"] == "expenses w/c 01/07"
    # The claim updated: the same bill, rewritten (200, as Codat documents).
    change = {k: v for k, v in claim.items() if k != "id"}
    change["lines"] = [{**claim["lines"][0], "netAmount": 80, "taxAmount": 16}]
    updated = client.put(f"{url}/{claim['id']}", json=change)
    assert updated.status_code == 200, updated.text
    assert _settled(client, base, updated.json()["syncId"])["syncStatusCode"] == 2000
    _refresh(client, company, DataType.BILLS)
    assert client.get(f"/companies/{company.id}/data/bills/{bill_id}").json()["totalAmount"] == 96
    assert_codat_error(client.put(f"{url}/{unknown['id']}", json=change), 404)
    assert_codat_error(client.put(f"{url}/{adjustment['id']}", json=change), 404)
    assert_codat_error(client.post(url, json=[claim]), 400)  # already synced


def test_requests_are_validated(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    url = f"{base}/expense-transactions"
    assert_codat_error(client.post(url, json=[]), 400)
    assert_codat_error(client.post(url, json=[_tx() for _ in range(51)]), 400)
    assert_codat_error(client.post(url, json=[{**_tx(), "type": "Transfer"}]), 400)
    assert_codat_error(client.post(url, json=[{**_tx(), "issueDate": "soon"}]), 400)
    tx = _tx()
    repeated = assert_codat_error(client.post(url, json=[tx, tx]), 400)
    assert "more than once" in repeated["error"]
    adjustment = {"id": str(uuid.uuid4()), "date": TODAY, "currency": "GBP", "lines": []}
    assert_codat_error(client.post(f"{base}/adjustment-transactions", json=[adjustment]), 400)
    claim = {"id": str(uuid.uuid4()), "contactRef": {"id": "sup-0001"}, "issueDate": TODAY,
             "currency": "GBP"}  # fmt: skip
    assert_codat_error(  # no dueDate
        client.post(f"{base}/reimbursable-expense-transactions", json=[claim]), 400
    )
    no_date = {"from": {"accountRef": {"id": BANK}, "amount": 5},
               "to": {"accountRef": {"id": CARD}, "amount": 5}}  # fmt: skip
    assert_codat_error(client.put(f"{base}/transfer-transactions/{uuid.uuid4()}", json=no_date),
                       400)  # fmt: skip


# -- transfers ---------------------------------------------------------------------------------


def _bank_account(client: TestClient, company: Any, record: dict[str, Any]) -> None:
    """Open a bank account on the sandbox through the push API, and wait for it."""
    connection = company.connections[0].id
    url = f"/companies/{company.id}/connections/{connection}/push/bankAccounts"
    key = client.post(url, json=record).json()["pushOperationKey"]
    deadline = time.monotonic() + 60
    while (done := client.get(f"/companies/{company.id}/push/{key}").json())["status"] == "Pending":
        assert time.monotonic() < deadline, done
        time.sleep(0.05)
    assert done["status"] == "Success", done


def test_transfers_are_written(world) -> None:
    client, company = world
    base = f"/companies/{company.id}/sync/expenses"
    data = f"/companies/{company.id}/connections/{company.connections[0].id}/data"
    _bank_account(client, company, {"accountName": "Expense Card", "nominalCode": "1210",
                                     "currency": "GBP"})  # fmt: skip
    transfer = {"description": "Card top-up", "date": TODAY,
                "from": {"accountRef": {"id": BANK}, "amount": 50},
                "to": {"accountRef": {"id": CARD}, "amount": 50}}  # fmt: skip
    tx_id = str(uuid.uuid4())
    url = f"{base}/transfer-transactions/{tx_id}"
    sync_id = client.put(url, json=transfer).json()["syncId"]
    assert _settled(client, base, sync_id)["syncStatusCode"] == 2000
    assert_codat_error(client.put(url, json=transfer), 400)  # already synced
    state, message = _results(client, base, sync_id)[tx_id]
    assert (state, _written_id(message)) == ("Completed", "trf-w0001")
    # In the sandbox's books, read back by the next pull: the money moved to the card.
    _refresh(client, company, DataType.TRANSFERS, DataType.BANK_ACCOUNTS)
    written = client.get(f"{data}/transfers/trf-w0001").json()
    assert (written["date"], written["description"]) == (TODAY, "Card top-up")
    assert (written["from"]["accountRef"]["id"], written["from"]["amount"]) == (BANK, 50)
    assert (written["to"]["accountRef"]["id"], written["to"]["amount"]) == (CARD, 50)
    assert client.get(f"{data}/bankAccounts/{CARD}").json()["balance"] == 50
    # One the platform refuses (the same account twice): failed, and nothing written.
    same = {**transfer, "to": {"accountRef": {"id": BANK}, "amount": 50}}
    refused_id = str(uuid.uuid4())
    refused = client.put(f"{base}/transfer-transactions/{refused_id}", json=same).json()
    assert _settled(client, base, refused["syncId"])["syncStatus"] == "Failed"
    state, message = _results(client, base, refused["syncId"])[refused_id]
    assert state == "ValidationError"  # the platform named the field it refused
    assert "must differ" in message
    _refresh(client, company, DataType.TRANSFERS)
    transfers = client.get(f"{data}/transfers").json()["results"]
    assert [t["id"] for t in transfers] == ["trf-w0001"]
