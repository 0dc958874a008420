"""The Xero simulator's newer reads: bank transactions, manual journals and journals
(offset paging), single records, attachments, and the where/order/list filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from ledgerport.simulators.xero import create_app, parse_size
from ledgerport.simulators.xero.dates import parse_ms_date
from tests.simulators.test_xero_simulator import (
    API,
    SIZE,
    Clock,
    assert_valid,
    bearer_headers,
    walk,
)


def test_bank_transactions_page_and_match_the_books(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    company = app.state.xero.books().company
    items = [e for e in company.journal_entries if e.record and e.record[1] == "bankTransactions"]
    everything = walk(client, "/BankTransactions", headers)
    assert len(everything) == len(company.direct_costs) + len(items) > 0
    assert walk(client, "/BankTransactions", headers, pageSize=7) == everything
    spend = [t for t in everything if t["Type"] == "SPEND"]
    assert len(spend) >= len(company.direct_costs)
    for t in everything:
        assert round(t["SubTotal"] + t["TotalTax"], 2) == t["Total"]
        assert round(sum(line["LineAmount"] for line in t["LineItems"]), 2) == t["SubTotal"]
        assert t["BankAccount"]["Code"]
    one = client.get(f"{API}/BankTransactions/{spend[0]['BankTransactionID']}", headers=headers)
    assert one.json()["BankTransactions"] == [spend[0]]
    assert_valid("/BankTransactions/{BankTransactionID}", "get", "200", one.json())


def test_journals_page_by_offset_and_balance(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    company = app.state.xero.books().company
    first = client.get(f"{API}/Journals", headers=headers).json()["Journals"]
    assert [j["JournalNumber"] for j in first] == list(range(1, 101))
    seen, offset = [], 0
    while batch := client.get(f"{API}/Journals", headers=headers, params={"offset": offset}).json()[
        "Journals"
    ]:
        assert len(batch) <= 100
        assert all(j["JournalNumber"] > offset for j in batch)
        seen += batch
        offset = batch[-1]["JournalNumber"]
    assert len(seen) == len(company.journal_entries)
    for journal in seen:
        assert round(sum(line["NetAmount"] for line in journal["JournalLines"]), 2) == 0
    assert {"ACCREC", "ACCPAY", "ACCRECPAYMENT", "MANJOURNAL"} <= {j["SourceType"] for j in seen}
    by_number = client.get(f"{API}/Journals/42", headers=headers).json()["Journals"]
    assert by_number == [seen[41]]
    by_id = client.get(f"{API}/Journals/{seen[41]['JournalID']}", headers=headers).json()
    assert by_id["Journals"] == [seen[41]]
    newest = parse_ms_date(seen[-1]["CreatedDateUTC"])
    later = client.get(
        f"{API}/Journals", headers={**headers, "If-Modified-Since": newest.isoformat()}
    ).json()["Journals"]
    assert later
    assert all(parse_ms_date(j["CreatedDateUTC"]) >= newest for j in later)


def test_manual_journals_are_postings_no_document_made(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    company = app.state.xero.books().company
    manual = walk(client, "/ManualJournals", headers)
    assert len(manual) == sum(1 for e in company.journal_entries if e.record is None) > 0
    assert manual[0]["Narration"] == "Opening balances"
    for journal in manual:
        assert round(sum(line["LineAmount"] for line in journal["JournalLines"]), 2) == 0
        assert journal["Status"] == "POSTED"


def test_single_records_by_id_and_invoice_number(
    client: TestClient, headers: dict[str, str]
) -> None:
    invoice = client.get(f"{API}/Invoices", headers=headers, params={"page": 1}).json()["Invoices"][
        0
    ]
    by_id = client.get(f"{API}/Invoices/{invoice['InvoiceID']}", headers=headers).json()
    assert by_id["Invoices"] == [invoice]
    assert_valid("/Invoices/{InvoiceID}", "get", "200", by_id)
    by_number = client.get(f"{API}/Invoices/{invoice['InvoiceNumber']}", headers=headers)
    assert by_number.json()["Invoices"] == [invoice]
    contact_id = invoice["Contact"]["ContactID"]
    contact = client.get(f"{API}/Contacts/{contact_id}", headers=headers).json()
    assert contact["Contacts"][0]["ContactID"] == contact_id
    missing = client.get(f"{API}/Invoices/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=headers)
    assert missing.status_code == 404
    payments = walk(client, "/Payments", headers)
    one = client.get(f"{API}/Payments/{payments[3]['PaymentID']}", headers=headers).json()
    assert one["Payments"] == [payments[3]]


def test_invoice_pdfs_are_attachments(client: TestClient, headers: dict[str, str]) -> None:
    invoices = walk(client, "/Invoices", headers)
    live = next(i for i in invoices if i["Status"] == "AUTHORISED")
    assert live["HasAttachments"] is True
    path = f"{API}/Invoices/{live['InvoiceID']}/Attachments"
    listing = client.get(path, headers=headers).json()
    assert_valid("/Invoices/{InvoiceID}/Attachments", "get", "200", listing)
    [pdf] = listing["Attachments"]
    assert pdf["FileName"] == f"{live['InvoiceNumber']}.pdf"
    assert pdf["MimeType"] == "application/pdf"
    by_name = client.get(f"{path}/{pdf['FileName']}", headers=headers)
    by_id = client.get(f"{path}/{pdf['AttachmentID']}", headers=headers)
    assert by_name.headers["content-type"] == "application/pdf"
    assert by_name.content == by_id.content
    assert by_name.content.startswith(b"%PDF-1.4")
    assert len(by_name.content) == pdf["ContentLength"]
    assert client.get(f"{path}/nope.pdf", headers=headers).status_code == 404


def test_where_order_and_list_filters(client: TestClient, headers: dict[str, str]) -> None:
    invoices = walk(client, "/Invoices", headers)
    bills = walk(client, "/Invoices", headers, where='Type=="ACCPAY" && Status=="AUTHORISED"')
    assert bills == [i for i in invoices if i["Type"] == "ACCPAY" and i["Status"] == "AUTHORISED"]
    assert bills
    contact = bills[0]["Contact"]["ContactID"]
    theirs = walk(client, "/Invoices", headers, where=f'Contact.ContactID==guid("{contact}")')
    assert theirs == [i for i in invoices if i["Contact"]["ContactID"] == contact]
    cut = datetime(2026, 10, 1, tzinfo=UTC)
    recent = walk(client, "/Invoices", headers, where="Date>=DateTime(2026,10,01)")
    assert recent == [i for i in invoices if parse_ms_date(i["Date"]) >= cut]
    assert 0 < len(recent) < len(invoices)
    ordered = walk(client, "/Invoices", headers, order="Total DESC")
    assert [i["Total"] for i in ordered] == sorted((i["Total"] for i in invoices), reverse=True)
    paid = walk(client, "/Invoices", headers, Statuses="PAID,VOIDED")
    assert paid == [i for i in invoices if i["Status"] in ("PAID", "VOIDED")]
    two = [invoices[0]["InvoiceID"], invoices[5]["InvoiceID"].upper()]
    assert walk(client, "/Invoices", headers, IDs=",".join(two)) == [invoices[0], invoices[5]]
    bad = client.get(f"{API}/Invoices", headers=headers, params={"where": "Status=="})
    assert bad.status_code == 400
    assert bad.json()["Type"] == "QueryParseException"
    names = walk(client, "/Contacts", headers, where='Name.StartsWith("A")')
    assert names
    assert all(c["Name"].startswith("A") for c in names)


def test_a_5000_invoice_company_is_served(clock: Clock) -> None:
    size = parse_size("invoices=5000,customers=200")
    assert (size.invoices, size.customers) == (5000, 200)
    big = create_app("xero-big", clock=clock, size=size)
    headers = bearer_headers(big)
    client = TestClient(big)
    first = client.get(f"{API}/Invoices", headers=headers, params={"page": 1}).json()
    count = first["pagination"]["itemCount"]
    assert count >= 5000 + SIZE.bills
    last = first["pagination"]["pageCount"]
    tail = client.get(f"{API}/Invoices", headers=headers, params={"page": last}).json()
    assert len(tail["Invoices"]) == count - 100 * (last - 1)
    with pytest.raises(ValueError, match="Unknown sandbox size key"):
        parse_size("invoice=5")
