"""The sandbox platform read end to end: Link, a refresh on the job queue and the data
API. (Its books are checked in test_sandbox_books.py, its changes over time in
test_sandbox_changes.py.)"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from ledgerport.connectors.sandbox import reader
from ledgerport.connectors.sandbox.books import AS_OF, DATA_TYPES
from ledgerport.sync.jobs import start_in_process
from tests.conformance.codat_schema import errors


@pytest.fixture
def history_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read the sandbox as it was at the end of its fixed history, so counts are known
    (after it, the business keeps trading with the wall clock)."""
    monkeypatch.setattr(reader, "wall_clock", lambda: AS_OF + timedelta(minutes=20))


def _link(client: TestClient, link_url: str) -> None:
    parts = urlsplit(link_url)
    page = client.get(f"{parts.path}?{parts.query}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    done = client.post(
        parts.path, data={"otp": parts.query.removeprefix("otp="), "csrf_token": token.group(1)}
    )
    assert done.status_code == 200, done.text


def _wait(client: TestClient, company_id: str, pull_id: str) -> dict:
    for _ in range(400):
        body = client.get(f"/companies/{company_id}/data/history/{pull_id}").json()
        if body["status"] not in ("Queued", "Fetching"):
            return body
        time.sleep(0.05)
    raise AssertionError("the pull did not finish")


def _linked_company(client: TestClient) -> str:
    company = client.post("/companies", json={"name": "Sandbox Co"}).json()
    base = f"/companies/{company['id']}"
    conn = client.post(f"{base}/connections", json={"platformKey": "mqjo"}).json()
    _link(client, conn["linkUrl"])
    return str(company["id"])


def test_link_refresh_and_read_the_sandbox(client: TestClient, history_end: None) -> None:
    consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
    try:
        company = {"id": _linked_company(client)}
        base = f"/companies/{company['id']}"
        first = client.post(f"{base}/data/queue/invoices").json()
        done = _wait(client, company["id"], first["id"])
        assert done["status"] == "Complete", done
        assert done["audit"]["pages"] == 16  # 1,500 invoices, 100 a page, then an empty one
        assert done["audit"]["created"] == 1500
        assert done["audit"]["attachments_stored"] == 1500  # every invoice's PDF
        assert done["audit"]["validation"]["summary"]["errors"] == 0

        page = client.get(f"{base}/data/invoices", params={"pageSize": 5000}).json()
        assert page["totalResults"] == len(page["results"]) == 1500
        # The seeds' query: one customer's open invoices, against the same filter in Python.
        customer = next(
            r["customerRef"]["companyName"] for r in page["results"] if r["status"] == "Submitted"
        )
        expected = {
            r["id"]
            for r in page["results"]
            if r["customerRef"]["companyName"] == customer and r["status"] == "Submitted"
        }
        theirs = client.get(
            f"{base}/data/invoices",
            params={
                "query": f"customerRef.companyName={customer}&&status=Submitted",
                "orderBy": "-issueDate",
            },
        ).json()
        assert {r["id"] for r in theirs["results"]} == expected
        dates = [r["issueDate"] for r in theirs["results"]]
        assert dates == sorted(dates, reverse=True)

        again = client.post(f"{base}/data/queue/invoices").json()
        second = _wait(client, company["id"], again["id"])
        assert second["audit"]["mode"] == "incremental"
        assert second["audit"]["created"] == second["audit"]["changed"] == 0
        assert client.get(f"{base}").json()["lastSync"] is not None
    finally:
        consumer.stop(graceful=True)


def test_company_info_and_the_ledger_are_served(client: TestClient, history_end: None) -> None:
    consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
    try:
        company_id = _linked_company(client)
        base = f"/companies/{company_id}"
        for data_type in ("company", "chartOfAccounts", "bankAccounts"):
            queued = client.post(f"{base}/data/queue/{data_type}").json()
            done = _wait(client, company_id, queued["id"])
            assert done["status"] == "Complete", done
        info = client.get(f"{base}/data/info").json()
        assert info["companyName"].endswith("Electrical Services Ltd")
        assert info["baseCurrency"] == "GBP"
        assert errors(info, "CompanyDataset", spec="accounting") == []
        accounts = client.get(f"{base}/data/accounts", params={"pageSize": 100}).json()
        balances = [Decimal(str(a["currentBalance"])) for a in accounts["results"]]
        assert len(balances) == 26
        assert sum(balances) == 0
        bank = client.get(f"{base}/data/bankAccounts/acc-1200").json()
        ledger = client.get(f"{base}/data/accounts/acc-1200").json()
        assert bank["balance"] == ledger["currentBalance"]
    finally:
        consumer.stop(graceful=True)


def test_every_type_pulls_and_passes_the_data_quality_checks(
    client: TestClient, history_end: None
) -> None:
    """The sandbox's whole company pulled through the engine, then checked by the
    platform's own validation (trial balance against the chart, control accounts
    against open documents, statements adding up): nothing to report."""
    consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
    try:
        company_id = _linked_company(client)
        base = f"/companies/{company_id}"
        for data_type in [*DATA_TYPES, "journalEntries"]:  # the ledger checks run last
            queued = client.post(f"{base}/data/queue/{data_type}").json()
            done = _wait(client, company_id, queued["id"])
            assert done["status"] == "Complete", done
            validation = done["audit"]["validation"]
            assert validation["summary"]["errors"] == 0, (data_type, validation)
        assert validation["errors"] == validation["warnings"] == []
        assert "debtors control" in validation["summary"]["checks"]
        assert "creditors control" in validation["summary"]["checks"]
        assert "financial statements add up" in validation["summary"]["checks"]
    finally:
        consumer.stop(graceful=True)
