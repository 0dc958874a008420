"""Xero's own Python SDK (xero-python) and pyxero, pointed at the simulator on a real
port: they read accounts, contacts, paged invoices and payments, and xero-python
writes an invoice, so the simulator's answers are what real Xero clients accept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ledgerport.simulators.xero import create_app
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from tests.live_server import serve
from tests.simulators.test_xero_simulator import SIZE, Clock

API = "/api.xro/2.0"


@pytest.fixture
def running() -> Iterator[tuple[str, Any]]:
    app = create_app(
        "xero-clients", clock=Clock(datetime(2026, 11, 20, 9, 30, tzinfo=UTC)), size=SIZE
    )
    with serve(app) as url:  # type: ignore[arg-type]
        yield url, app.state.xero


def _token(sim: Any) -> dict[str, Any]:
    issued = sim.tokens.issue((sim.tenant.tenant_id,)).as_json()
    return {**issued, "expires_at": time.time() + issued["expires_in"]}


def test_xero_python_reads_and_writes(running: tuple[str, Any]) -> None:
    from xero_python.accounting import AccountingApi, Invoice, Invoices, LineItem
    from xero_python.accounting import Contact as XeroContact
    from xero_python.api_client import ApiClient, Configuration
    from xero_python.api_client.oauth2 import OAuth2Token

    url, sim = running
    token = _token(sim)
    api_client = ApiClient(
        Configuration(
            oauth2_token=OAuth2Token(
                client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET
            )
        ),
        pool_threads=1,
    )
    api_client.oauth2_token_getter(lambda: token)
    api_client.oauth2_token_saver(token.update)
    api = AccountingApi(api_client, base_url=f"{url}{API}")
    tenant = sim.tenant.tenant_id
    accounts = api.get_accounts(tenant).accounts
    assert any(a.type.value == "BANK" for a in accounts)
    contacts = api.get_contacts(tenant, page=1).contacts
    assert contacts
    first = api.get_invoices(tenant, page=1).invoices
    second = api.get_invoices(tenant, page=2).invoices
    assert len(first) == 100
    assert not {i.invoice_id for i in first} & {i.invoice_id for i in second}
    assert api.get_payments(tenant, page=1).payments
    revenue = next(a for a in accounts if a.type.value == "REVENUE")
    customer = next(c for c in contacts if c.is_customer)
    made = api.create_invoices(
        tenant,
        Invoices(
            invoices=[
                Invoice(
                    type="ACCREC",
                    contact=XeroContact(contact_id=customer.contact_id),
                    line_items=[
                        LineItem(
                            description="Survey",
                            quantity=1.0,
                            unit_amount=250.0,
                            account_code=revenue.code,
                            tax_type="OUTPUT2",
                        )
                    ],
                    status="AUTHORISED",
                )
            ]
        ),
        idempotency_key="clients-test-1",
    ).invoices[0]
    assert (made.total, made.status) == (300, "AUTHORISED")
    again = api.get_invoice(tenant, made.invoice_id).invoices[0]
    assert again.invoice_number == made.invoice_number


def test_pyxero_reads(running: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # requests-oauthlib over http
    from xero import Xero
    from xero.auth import OAuth2Credentials

    url, sim = running
    credentials = OAuth2Credentials(
        DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, token=_token(sim), tenant_id=sim.tenant.tenant_id
    )
    credentials.base_url = url
    xero = Xero(credentials)
    assert any(a["Type"] == "BANK" for a in xero.accounts.all())
    assert xero.contacts.filter(page=1)
    first, second = xero.invoices.filter(page=1), xero.invoices.filter(page=2)
    assert len(first) == 100
    assert not {i["InvoiceID"] for i in first} & {i["InvoiceID"] for i in second}
    assert xero.payments.filter(page=1)
