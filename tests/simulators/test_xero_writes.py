"""Writes to the Xero simulator: kept over the generated books, read back (also by
If-Modified-Since) with the write's moment as UpdatedDateUTC, refused as Xero refuses,
batched with and without summarizeErrors, settled by Idempotency-Key, and every
answer valid against Xero's spec."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from ledgerport.simulators.xero.dates import parse_ms_date
from tests.simulators.test_xero_simulator import (
    API,
    Clock,
    assert_valid,
    walk,
)


def _accounts(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    accounts = client.get(f"{API}/Accounts", headers=headers).json()["Accounts"]
    return {
        "bank": next(a for a in accounts if a["Type"] == "BANK"),
        "revenue": next(a for a in accounts if a["Type"] == "REVENUE"),
        "expense": next(a for a in accounts if a["Type"] in ("OVERHEADS", "DIRECTCOSTS")),
    }


def _invoice(contact_id: str, code: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "Date": "2026-11-19",
        "DueDate": "2026-12-19",
        "LineItems": [
            {
                "Description": "Rewiring",
                "Quantity": 2,
                "UnitAmount": 50,
                "AccountCode": code,
                "TaxType": "OUTPUT2",
            }
        ],
        **extra,
    }


def _customer(client: TestClient, headers: dict[str, str]) -> str:
    contacts = client.get(f"{API}/Contacts", headers=headers, params={"where": "IsCustomer==true"})
    return str(contacts.json()["Contacts"][0]["ContactID"])


def test_invoice_and_payment_are_kept_and_read_back(
    clock: Clock, client: TestClient, headers: dict[str, str]
) -> None:
    accounts = _accounts(client, headers)
    customer = _customer(client, headers)
    clock.advance(minutes=10)  # 09:40: mid-hour, after a reader's 09:30 pull
    created = client.put(
        f"{API}/Invoices",
        headers=headers,
        json={"Invoices": [_invoice(customer, accounts["revenue"]["Code"], Status="AUTHORISED")]},
    )
    assert created.status_code == 200, created.text
    assert_valid("/Invoices", "put", "200", created.json())
    [invoice] = created.json()["Invoices"]
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (100, 20, 120)
    assert invoice["Status"] == "AUTHORISED"
    assert invoice["AmountDue"] == 120
    assert parse_ms_date(invoice["UpdatedDateUTC"]) == clock.now
    since = {**headers, "If-Modified-Since": "2026-11-20T09:30:00"}
    changed = walk(client, "/Invoices", since)
    assert invoice["InvoiceID"] in {i["InvoiceID"] for i in changed}

    clock.advance(minutes=5)
    paid = client.put(
        f"{API}/Payments",
        headers=headers,
        json={
            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
            "Account": {"Code": accounts["bank"]["Code"]},
            "Date": "2026-11-20",
            "Amount": 120,
            "Reference": "BACS",
        },
    )
    assert paid.status_code == 200, paid.text
    assert_valid("/Payments", "put", "200", paid.json())
    [payment] = paid.json()["Payments"]
    assert payment["Amount"] == 120
    assert payment["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    after = client.get(f"{API}/Invoices/{invoice['InvoiceID']}", headers=headers).json()
    [settled] = after["Invoices"]
    assert (settled["Status"], settled["AmountDue"], settled["AmountPaid"]) == ("PAID", 0, 120)
    assert parse_ms_date(settled["UpdatedDateUTC"]) == clock.now
    later = walk(client, "/Payments", {**headers, "If-Modified-Since": "2026-11-20T09:42:00"})
    assert [p["PaymentID"] for p in later] == [payment["PaymentID"]]
    journals = client.get(f"{API}/Journals", headers=headers, params={"offset": 0})
    assert journals.status_code == 200
    newest = client.get(
        f"{API}/Journals", headers={**headers, "If-Modified-Since": "2026-11-20T09:35:00"}
    ).json()["Journals"]
    assert {j["SourceType"] for j in newest} == {"ACCREC", "ACCRECPAYMENT"}


def test_refusals_are_validation_exceptions(client: TestClient, headers: dict[str, str]) -> None:
    accounts = _accounts(client, headers)
    customer = _customer(client, headers)
    code = accounts["revenue"]["Code"]
    nobody = "00000000-0000-0000-0000-000000000001"

    def refused(path: str, body: dict[str, Any]) -> str:
        response = client.put(f"{API}{path}", headers=headers, json=body)
        assert response.status_code == 400, response.text
        error = response.json()
        assert (error["ErrorNumber"], error["Type"]) == (10, "ValidationException")
        assert_valid(path, "put", "400", error)
        return str(error["Elements"][0]["ValidationErrors"][0]["Message"])

    assert "could not be found" in refused("/Invoices", _invoice(nobody, code))
    assert "not a valid code" in refused("/Invoices", _invoice(customer, "NOPE"))
    assert "Contact must be specified" in refused("/Invoices", {"Type": "ACCREC", "LineItems": []})
    assert "name must be specified" in refused("/Contacts", {"EmailAddress": "x@example.com"})
    draft = client.put(f"{API}/Invoices", headers=headers, json=_invoice(customer, code))
    [draft_invoice] = draft.json()["Invoices"]
    assert draft_invoice["Status"] == "DRAFT"
    payment = {
        "Invoice": {"InvoiceID": draft_invoice["InvoiceID"]},
        "Account": {"Code": accounts["bank"]["Code"]},
        "Amount": 10,
    }
    assert "Authorised documents" in refused("/Payments", payment)
    approved = client.post(
        f"{API}/Invoices/{draft_invoice['InvoiceID']}",
        headers=headers,
        json={"Status": "AUTHORISED"},
    )
    assert approved.json()["Invoices"][0]["Status"] == "AUTHORISED"
    assert "exceeds the amount outstanding" in refused("/Payments", {**payment, "Amount": 120.01})


def test_batches_are_all_or_nothing_unless_summarize_errors_is_false(
    client: TestClient, headers: dict[str, str]
) -> None:
    accounts = _accounts(client, headers)
    customer, code = _customer(client, headers), accounts["revenue"]["Code"]
    before = len(walk(client, "/Invoices", headers))
    batch = {"Invoices": [_invoice(customer, code), _invoice(customer, "NOPE")]}
    whole = client.post(f"{API}/Invoices", headers=headers, json=batch)
    assert whole.status_code == 400
    assert len(whole.json()["Elements"]) == 1
    assert len(walk(client, "/Invoices", headers)) == before  # nothing saved
    mixed = client.post(
        f"{API}/Invoices", headers=headers, params={"summarizeErrors": "false"}, json=batch
    )
    assert mixed.status_code == 200
    assert_valid("/Invoices", "post", "200", mixed.json())
    good, bad = mixed.json()["Invoices"]
    assert good["StatusAttributeString"] == "OK"
    assert (bad["HasErrors"], bad["StatusAttributeString"]) == (True, "ERROR")
    assert bad["ValidationErrors"][0]["Message"]
    assert len(walk(client, "/Invoices", headers)) == before + 1
    updated = client.post(
        f"{API}/Invoices",
        headers=headers,
        json={"InvoiceID": good["InvoiceID"], "Reference": "PO 7", "Status": "DELETED"},
    )
    assert updated.status_code == 200, updated.text
    deleted = client.get(f"{API}/Invoices/{good['InvoiceID']}", headers=headers).json()
    assert deleted["Invoices"][0]["Status"] == "DELETED"


def test_idempotency_key_answers_again_without_writing(
    client: TestClient, headers: dict[str, str]
) -> None:
    customer = _customer(client, headers)
    code = _accounts(client, headers)["revenue"]["Code"]
    keyed = {**headers, "Idempotency-Key": "push-op-1"}
    before = len(walk(client, "/Invoices", headers))
    first = client.put(f"{API}/Invoices", headers=keyed, json=_invoice(customer, code))
    again = client.put(f"{API}/Invoices", headers=keyed, json=_invoice(customer, code))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(walk(client, "/Invoices", headers)) == before + 1
    other = client.put(
        f"{API}/Invoices", headers=keyed, json=_invoice(customer, code, Reference="x")
    )
    assert other.status_code == 400
    too_long = {**headers, "Idempotency-Key": "k" * 129}
    assert client.put(f"{API}/Invoices", headers=too_long, json={}).status_code == 400


def test_contacts_accounts_credit_notes_bank_transactions_and_files(
    client: TestClient, headers: dict[str, str]
) -> None:
    accounts = _accounts(client, headers)
    made = client.put(
        f"{API}/Contacts",
        headers=headers,
        json={
            "Contacts": [
                {
                    "Name": "Nimbus Lighting Ltd",
                    "EmailAddress": "ap@nimbus.example",
                    "FirstName": "Ada",
                    "LastName": "Lux",
                }
            ]
        },
    )
    assert made.status_code == 200, made.text
    assert_valid("/Contacts", "put", "200", made.json())
    [contact] = made.json()["Contacts"]
    assert (contact["IsCustomer"], contact["IsSupplier"]) == (False, False)
    duplicate = client.put(f"{API}/Contacts", headers=headers, json={"Name": "nimbus lighting ltd"})
    assert duplicate.status_code == 400
    # The same contact sells to us and buys from us: one ContactID on both sides.
    sale = _invoice(contact["ContactID"], accounts["revenue"]["Code"], Status="AUTHORISED")
    bill = {
        **sale,
        "Type": "ACCPAY",
        "InvoiceNumber": "NL-1",
        "LineItems": [
            {
                **sale["LineItems"][0],
                "AccountCode": accounts["expense"]["Code"],
                "TaxType": "INPUT2",
            }
        ],
    }
    for document in (sale, bill):
        response = client.put(f"{API}/Invoices", headers=headers, json=document)
        assert response.status_code == 200, response.text
        assert response.json()["Invoices"][0]["Contact"]["ContactID"] == contact["ContactID"]
    both = client.get(f"{API}/Contacts/{contact['ContactID']}", headers=headers).json()
    assert (both["Contacts"][0]["IsCustomer"], both["Contacts"][0]["IsSupplier"]) == (True, True)
    names = [c["Name"] for c in walk(client, "/Contacts", headers)]
    assert names.count("Nimbus Lighting Ltd") == 1

    bank = client.put(
        f"{API}/Accounts",
        headers=headers,
        json={"Code": "1210", "Name": "Savings", "Type": "BANK", "BankAccountNumber": "12345678"},
    )
    assert bank.status_code == 200, bank.text
    assert_valid("/Accounts", "put", "200", bank.json())
    assert bank.json()["Accounts"][0]["Type"] == "BANK"
    assert bank.json()["Accounts"][0]["BankAccountNumber"] == "12345678"

    credit = client.put(
        f"{API}/CreditNotes",
        headers=headers,
        json={
            **sale,
            "Type": "ACCRECCREDIT",
            "LineItems": [{**sale["LineItems"][0], "Quantity": 1}],
        },
    )
    assert credit.status_code == 200, credit.text
    assert_valid("/CreditNotes", "put", "200", credit.json())
    [note] = credit.json()["CreditNotes"]
    assert (note["Total"], note["RemainingCredit"]) == (60, 60)
    invoice = client.get(
        f"{API}/Invoices",
        headers=headers,
        params={"where": f'Contact.ContactID==guid("{contact["ContactID"]}") && Type=="ACCREC"'},
    ).json()["Invoices"][0]
    allocated = client.put(
        f"{API}/CreditNotes/{note['CreditNoteID']}/Allocations",
        headers=headers,
        json={
            "Allocations": [
                {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 60, "Date": "2026-11-20"}
            ]
        },
    )
    assert allocated.status_code == 200, allocated.text
    after = client.get(f"{API}/Invoices/{invoice['InvoiceID']}", headers=headers).json()
    assert after["Invoices"][0]["AmountDue"] == 60
    assert after["Invoices"][0]["AmountCredited"] == 60

    spent = client.put(
        f"{API}/BankTransactions",
        headers=headers,
        json={
            "Type": "SPEND",
            "BankAccount": {"Code": accounts["bank"]["Code"]},
            "Date": "2026-11-20",
            "LineItems": [
                {
                    "Description": "Ladder",
                    "UnitAmount": 80,
                    "AccountCode": accounts["expense"]["Code"],
                    "TaxType": "INPUT2",
                }
            ],
        },
    )
    assert spent.status_code == 200, spent.text
    assert_valid("/BankTransactions", "put", "200", spent.json())
    assert spent.json()["BankTransactions"][0]["Total"] == 96

    files = f"{API}/Contacts/{contact['ContactID']}/Attachments"
    uploaded = client.put(
        f"{files}/terms.txt", headers={**headers, "Content-Type": "text/plain"}, content=b"net 30"
    )
    assert uploaded.status_code == 200, uploaded.text
    assert_valid("/Contacts/{ContactID}/Attachments/{FileName}", "put", "200", uploaded.json())
    back = client.get(f"{files}/terms.txt", headers=headers)
    assert back.content == b"net 30"
    assert back.headers["content-type"].startswith("text/plain")
    listed = client.get(files, headers=headers).json()["Attachments"]
    assert [f["FileName"] for f in listed] == ["terms.txt"]
    shown = client.get(f"{API}/Contacts/{contact['ContactID']}", headers=headers).json()
    assert shown["Contacts"][0]["HasAttachments"] is True
