"""The sandbox platform: a deterministic business whose invoices add up, read end to end
through Link, a refresh on the job queue and the data API."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from ledgerport.connectors.sandbox.books import books
from ledgerport.sync.jobs import start_in_process
from tests.conformance.codat_schema import errors


def test_the_same_seed_gives_the_same_business() -> None:
    assert books("seed-a") == books("seed-a")
    assert books("seed-a").invoices != books("seed-b").invoices
    assert len(books("seed-a").customers) == 50
    assert len(books("seed-a").invoices) == 1500


def test_invoices_add_up() -> None:
    sandbox = books("seed-a")
    customers = {c["id"] for c in sandbox.customers}
    statuses = set()
    for invoice in sandbox.invoices:
        money = {
            k: Decimal(str(invoice[k]))
            for k in ("subTotal", "totalTaxAmount", "totalAmount", "amountDue")
        }
        lines = invoice["lineItems"]
        assert sum(Decimal(str(x["subTotal"])) for x in lines) == money["subTotal"]
        assert sum(Decimal(str(x["taxAmount"])) for x in lines) == money["totalTaxAmount"]
        assert money["subTotal"] + money["totalTaxAmount"] == money["totalAmount"]
        allocated = sum(
            Decimal(str(a["allocation"]["totalAmount"])) for a in invoice["paymentAllocations"]
        )
        status = invoice["status"]
        statuses.add(status)
        if status == "Void":
            assert money["amountDue"] == 0
        else:
            assert money["amountDue"] == money["totalAmount"] - allocated
        if status == "Paid":
            assert money["amountDue"] == 0
        if status == "PartiallyPaid":
            assert 0 < money["amountDue"] < money["totalAmount"]
        assert invoice["customerRef"]["id"] in customers
    assert statuses == {"Draft", "Submitted", "PartiallyPaid", "Paid", "Void"}
    for invoice in sandbox.invoices[:50]:
        assert errors(invoice, "Invoice", spec="accounting") == []
    for customer in sandbox.customers[:10]:
        assert errors(customer, "Customer", spec="accounting") == []


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


def test_link_refresh_and_read_the_sandbox(client: TestClient) -> None:
    consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
    try:
        company = client.post("/companies", json={"name": "Sandbox Co"}).json()
        base = f"/companies/{company['id']}"
        conn = client.post(f"{base}/connections", json={"platformKey": "mqjo"}).json()
        _link(client, conn["linkUrl"])
        first = client.post(f"{base}/data/queue/invoices").json()
        done = _wait(client, company["id"], first["id"])
        assert done["status"] == "Complete", done
        assert done["audit"]["pages"] == 16  # 1,500 invoices, 100 a page, then an empty one
        assert done["audit"]["created"] == 1500

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
