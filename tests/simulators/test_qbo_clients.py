"""Third-party clients against the QBO simulator on a real port: intuit-oauth's
``AuthClient`` pointed at the simulator's discovery document, and python-quickbooks
with its API URL swapped for the simulator's (the only change a client makes), reading
(``all``, ``filter`` paging, a raw query, change data capture) and writing (a bill, a
payment, a stale update)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import AuthorizationException, QuickbooksException
from quickbooks.objects.attachable import Attachable
from quickbooks.objects.base import AttachableRef, LinkedTxn, Ref
from quickbooks.objects.bill import Bill
from quickbooks.objects.detailline import AccountBasedExpenseLine, AccountBasedExpenseLineDetail
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.payment import Payment, PaymentLine

from ledgerport.simulators.qbo import create_app
from ledgerport.simulators.qbo.dates import PACIFIC
from tests.conformance.qbo.harness import SIZE, START, Clock
from tests.live_server import serve

REDIRECT = "https://app.example/callback"


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, Any]]:
    app = create_app("qbo-clients", clock=Clock(START), size=SIZE)
    with serve(app) as url:  # type: ignore[arg-type]
        yield url, app.state.qbo


@pytest.fixture
def qb(live: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> QuickBooks:
    url, sim = live
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the simulator speaks plain http
    issued = sim.issue_tokens(client_id="my-app")
    auth = AuthClient(
        "my-app",
        "my-secret",
        REDIRECT,
        environment=f"{url}/.well-known/openid_configuration",
        refresh_token=issued.refresh_token,
        realm_id=sim.realm_id,
    )
    auth.refresh()
    assert auth.access_token
    assert auth.refresh_token != issued.refresh_token
    assert auth.expires_in == 3600
    assert auth.x_refresh_token_expires_in == 8_640_000

    class Local(QuickBooks):  # type: ignore[misc]
        api_url_v3 = f"{url}/v3"

    return Local(
        auth_client=auth, refresh_token=auth.refresh_token, company_id=sim.realm_id, minorversion=75
    )


def test_python_quickbooks_reads(qb: QuickBooks, live: tuple[str, Any]) -> None:
    _, sim = live
    every = Invoice.all(max_results=1000, qb=qb)
    assert len(every) == len(sim.books().company.invoices)
    page = Invoice.filter(start_position=11, max_results=10, qb=qb)
    assert [i.Id for i in page] == [i.Id for i in every[10:20]]
    open_ones = Invoice.query("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 5", qb=qb)
    assert len(open_ones) == 5
    assert all(i.Balance > 0 for i in open_ones)
    assert Invoice.count(qb=qb) == len(every)
    since = (START - timedelta(days=5)).astimezone(PACIFIC).replace(tzinfo=None)
    changed = change_data_capture([Invoice, Bill], since, qb=qb)
    assert len(changed.Invoice) > 0
    assert all(isinstance(i, Invoice) for i in changed.Invoice)
    assert len(changed.Bill) > 0


def test_python_quickbooks_writes(qb: QuickBooks) -> None:
    vendor = qb.query("SELECT * FROM Vendor MAXRESULTS 1")["QueryResponse"]["Vendor"][0]
    account = qb.query("SELECT * FROM Account WHERE AccountType = 'Expense' MAXRESULTS 1")[
        "QueryResponse"
    ]["Account"][0]
    bill = Bill()
    bill.VendorRef = Ref()
    bill.VendorRef.value = vendor["Id"]
    line = AccountBasedExpenseLine()
    line.Amount = Decimal("250.00")
    line.Description = "Cable drums"
    line.AccountBasedExpenseLineDetail = AccountBasedExpenseLineDetail()
    line.AccountBasedExpenseLineDetail.AccountRef = Ref()
    line.AccountBasedExpenseLineDetail.AccountRef.value = account["Id"]
    line.AccountBasedExpenseLineDetail.TaxCodeRef = Ref()
    line.AccountBasedExpenseLineDetail.TaxCodeRef.value = "105"
    bill.Line = [line]
    saved = bill.save(qb=qb)
    assert saved.Id
    assert saved.TotalAmt == 300
    assert saved.Balance == 300
    fetched = Bill.get(saved.Id, qb=qb)
    assert fetched.SyncToken == "0"
    fetched.PrivateNote = "approved"
    updated = fetched.save(qb=qb)
    assert updated.SyncToken == "1"
    assert updated.PrivateNote == "approved"
    with pytest.raises(QuickbooksException) as stale:
        fetched.save(qb=qb)  # still holds SyncToken 0
    assert stale.value.error_code == 5010

    invoice = Invoice.query("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1", qb=qb)[0]
    payment = Payment()
    payment.CustomerRef = Ref()
    payment.CustomerRef.value = invoice.CustomerRef.value
    payment.TotalAmt = invoice.Balance
    applied = PaymentLine()
    applied.Amount = invoice.Balance
    link = LinkedTxn()
    link.TxnId, link.TxnType = invoice.Id, "Invoice"
    applied.LinkedTxn = [link]
    payment.Line = [applied]
    saved_payment = payment.save(qb=qb)
    assert saved_payment.Id
    assert saved_payment.TotalAmt == invoice.Balance
    assert Invoice.get(invoice.Id, qb=qb).Balance == 0


def test_intuit_oauth_revoke_then_python_quickbooks_is_refused(
    qb: QuickBooks, live: tuple[str, Any]
) -> None:
    assert qb.auth_client.revoke() is True
    with pytest.raises(AuthorizationException):
        Invoice.all(max_results=1, qb=qb)


def test_python_quickbooks_uploads_an_attachment(qb: QuickBooks, live: tuple[str, Any]) -> None:
    bill = Bill.all(max_results=1, qb=qb)[0]
    attachment = Attachable()
    ref = AttachableRef()
    ref.EntityRef = Ref()
    ref.EntityRef.type, ref.EntityRef.value = "Bill", bill.Id
    attachment.AttachableRef = [ref]
    attachment.FileName = "note.txt"
    attachment.ContentType = "text/plain"
    attachment._FileBytes = b"received with thanks"
    saved = attachment.save(qb=qb)
    assert saved.Id
    assert saved.FileName == "note.txt"
    assert saved.Size == 20
    assert requests.get(saved.TempDownloadUri, timeout=10).content == b"received with thanks"
