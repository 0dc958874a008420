"""The official ``codat-accounting`` 0.36.0 and ``codat-platform`` SDKs, unchanged,
against a live server: link the sandbox, refresh, poll history to completion, page
through invoices, bills, suppliers, customers, accounts and payments with queries,
read one invoice with its line items and download its attachment.

The accounting SDK pins an httpx and pydantic older than ours, so it runs from its own
virtual environment (``make test`` builds ``.venv-accounting``), in a subprocess
(``accounting_scenario.py``); what it saw is checked here against the server's data.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest
from codat_platform import CodatPlatform
from codat_platform.models import shared

from tests.sdk.flows import link, refresh

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTING_PYTHON = Path(
    os.environ.get("LEDGERPORT_ACCOUNTING_PYTHON", ROOT / ".venv-accounting" / "bin" / "python")
)
SCENARIO = Path(__file__).with_name("accounting_scenario.py")
PULLED = (
    "invoices",
    "bills",
    "suppliers",
    "customers",
    "chartOfAccounts",
    "payments",
    "bankAccounts",
    "bankTransactions",
)


def accounting_python() -> Path:
    if ACCOUNTING_PYTHON.exists():
        return ACCOUNTING_PYTHON
    message = (
        f"{ACCOUNTING_PYTHON} is missing: `make test` builds it "
        "(python -m venv .venv-accounting && .venv-accounting/bin/pip install "
        "codat-accounting==0.36.0)"
    )
    if os.environ.get("LEDGERPORT_REQUIRE_SERVERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def test_accounting_sdk_reads_the_linked_sandbox(
    base_url: str, auth_header: str, codat: CodatPlatform, consumer: None
) -> None:
    python = accounting_python()
    company = codat.companies.create(request={"name": "Accounting SDK Co"})
    connection = codat.connections.create(
        request={"company_id": company.id, "request_body": {"platform_key": "mqjo"}}
    )
    link(base_url, connection.link_url)
    assert (
        codat.connections.get(
            request={"company_id": company.id, "connection_id": connection.id}
        ).status
        == shared.DataConnectionStatus.LINKED
    )
    refresh(codat, company.id, *PULLED)

    run = subprocess.run(
        [str(python), str(SCENARIO), base_url, auth_header, company.id, connection.id],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    # What the SDK saw is what the server holds.
    with httpx.Client(base_url=base_url, headers={"Authorization": auth_header}) as api:
        base = f"/companies/{company.id}/data"

        def total(segment: str, query: str) -> int:
            page = api.get(f"{base}/{segment}", params={"query": query, "pageSize": 1})
            page.raise_for_status()
            return int(page.json()["totalResults"])

        assert seen["paid_invoices"] == total("invoices", "status=Paid") > 100
        assert seen["open_bills"] == total("bills", "amountDue>0") > 0
        assert seen["suppliers"] == total("suppliers", "status=Active") > 0
        assert seen["customers"] == total("customers", "status=Active") > 0
        assert seen["accounts"] == total("accounts", "type=Income") > 0
        assert seen["payments"] == total("payments", "totalAmount>0") > 0
        by_account = seen["bank_transactions"]
        assert by_account  # the sandbox has bank accounts...
        for account_id, count in by_account.items():  # ...each with its own transactions
            assert count == total("bankTransactions", f"accountId={account_id}") > 0
        ours = api.get(
            f"{base}/invoices",
            params={
                "query": f"customerRef.companyName={seen['customer_name']}",
                "orderBy": "-issueDate",
                "pageSize": 5000,
            },
        ).json()
        assert seen["customer_invoices"] == [r["id"] for r in ours["results"]]

        invoice = seen["invoice"]
        assert invoice["lines"] >= 1
        stored = api.get(f"{base}/invoices/{invoice['id']}").json()
        assert invoice["total"] == pytest.approx(stored["totalAmount"])
        assert invoice["line_total"] == pytest.approx(stored["totalAmount"])

        download = seen["download"]
        assert download["starts"] == "%PDF-"
        assert download["size"] == download["declared_size"] > 0
        scoped = (
            f"/companies/{company.id}/connections/{connection.id}/data/invoices/"
            f"{invoice['id']}/attachments/{seen['attachments'][0]}/download"
        )
        raw = api.get(scoped)
        raw.raise_for_status()
        assert hashlib.sha256(raw.content).hexdigest() == download["sha256"]


ONBOARDING = SCENARIO.with_name("onboarding_scenario.py")


def test_accounting_sdk_runs_the_supplier_onboarding_flow(
    base_url: str, auth_header: str, codat: CodatPlatform, consumer: None
) -> None:
    """The seeds' supplier-onboarding flow: invoices by customer, a bank account listed
    and created, a payment that marks the invoice Paid, a credit note for a refund.
    The workers run the pushes, and the pulls each successful push asks for."""
    python = accounting_python()
    company = codat.companies.create(request={"name": "Onboarding SDK Co"})
    connection = codat.connections.create(
        request={"company_id": company.id, "request_body": {"platform_key": "mqjo"}}
    )
    link(base_url, connection.link_url)
    refresh(
        codat,
        company.id,
        "invoices",
        "customers",
        "bankAccounts",
        "chartOfAccounts",
        "taxRates",
        "creditNotes",
        "payments",
    )
    run = subprocess.run(
        [str(python), str(ONBOARDING), base_url, auth_header, company.id, connection.id],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    with httpx.Client(base_url=base_url, headers={"Authorization": auth_header}) as api:
        base = f"/companies/{company.id}/data"
        ours = api.get(
            f"{base}/invoices",
            params={"query": f"customerRef.id={seen['customer_id']}", "pageSize": 500},
        ).json()
        assert seen["customer_invoices"] == sorted(r["id"] for r in ours["results"])
        assert seen["bank_push_status"] == "Pending"
        assert seen["bank_op"]["status"] == "Success"
        assert seen["bank_op"]["id"] not in seen["bank_accounts_before"]
        bank = api.get(
            f"/companies/{company.id}/connections/{connection.id}/data/bankAccounts/"
            f"{seen['bank_op']['id']}"
        ).json()
        assert (bank["accountName"], bank["currency"]) == ("Customer receipts", "GBP")

        assert seen["payment_op"]["status"] == "Success"
        invoice = api.get(f"{base}/invoices/{seen['invoice']['id']}").json()
        assert (invoice["status"], invoice["amountDue"]) == ("Paid", 0)
        assert seen["invoice_after"] == {"status": "Paid", "amount_due": 0.0}
        payment = api.get(f"{base}/payments/{seen['payment_op']['id']}").json()
        assert payment["totalAmount"] == pytest.approx(seen["invoice"]["amount_due"])
        assert payment["accountRef"]["id"] == seen["bank_op"]["id"]
        assert payment["lines"][0]["links"][0]["id"] == seen["invoice"]["id"]

        assert seen["credit_note_op"]["status"] == "Success"
        assert seen["credit_note"] == {
            "status": "Submitted",
            "total": 60.0,
            "remaining": 60.0,
            "customer": seen["customer_id"],
        }
