"""Writes to the QBO simulator: creates that later reads and CDC see, SyncToken
conflicts (5010), sparse updates, deletes, ``requestid`` replays, payments that lower
what a document owes, QBO's business faults, and attachment upload and download."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.conformance.qbo.harness import Qbo, fault_code, make_qbo

VAT_20 = {"value": "105"}  # the "20.0% S" tax code


@pytest.fixture
def qbo() -> Qbo:
    return make_qbo()


def a_vendor(qbo: Qbo) -> dict[str, Any]:
    return qbo.rows("SELECT * FROM Vendor MAXRESULTS 1")[0]


def an_expense_account(qbo: Qbo) -> dict[str, Any]:
    return qbo.rows("SELECT * FROM Account WHERE AccountType = 'Expense' MAXRESULTS 1")[0]


def bill_body(qbo: Qbo, amount: str = "100.00") -> dict[str, Any]:
    return {
        "VendorRef": {"value": a_vendor(qbo)["Id"]},
        "TxnDate": "2026-11-18",
        "DocNumber": "SUP-1",
        "Line": [
            {
                "Amount": amount,
                "Description": "Cable",
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": {
                    "AccountRef": {"value": an_expense_account(qbo)["Id"]},
                    "TaxCodeRef": VAT_20,
                },
            }
        ],
    }


def test_a_created_bill_is_read_queried_and_captured(qbo: Qbo) -> None:
    before = qbo.query("SELECT COUNT(*) FROM Bill")["QueryResponse"]["totalCount"]
    response = qbo.post("Bill", bill_body(qbo), minorversion=75)
    assert response.status_code == 200, response.text
    bill = response.json()["Bill"]
    assert bill["SyncToken"] == "0"
    assert bill["TotalAmt"] == 120
    assert bill["Balance"] == 120
    assert bill["TxnTaxDetail"]["TotalTax"] == 20
    assert bill["DueDate"] == "2026-12-18"
    assert bill["VendorRef"] == {"value": a_vendor(qbo)["Id"], "name": a_vendor(qbo)["DisplayName"]}
    assert qbo.read("Bill", bill["Id"]) == bill
    assert qbo.query("SELECT COUNT(*) FROM Bill")["QueryResponse"]["totalCount"] == before + 1
    qbo.clock.advance(minutes=5)
    since = (qbo.clock.now - timedelta(minutes=10)).isoformat()
    captured = qbo.client.get(
        f"{qbo.base}/cdc", params={"entities": "Bill", "changedSince": since}, headers=qbo.headers
    ).json()["CDCResponse"][0]["QueryResponse"][0]["Bill"]
    assert [b["Id"] for b in captured][-1] == bill["Id"]


def test_updates_need_the_current_synctoken(qbo: Qbo) -> None:
    bill = qbo.post("Bill", bill_body(qbo)).json()["Bill"]
    qbo.clock.advance(minutes=1)
    sparse = qbo.post(
        "Bill", {"Id": bill["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "checked"}
    )
    assert sparse.status_code == 200, sparse.text
    updated = sparse.json()["Bill"]
    assert updated["SyncToken"] == "1"
    assert updated["PrivateNote"] == "checked"
    assert updated["Line"] == bill["Line"]
    assert updated["TotalAmt"] == bill["TotalAmt"]
    assert updated["MetaData"]["LastUpdatedTime"] > bill["MetaData"]["LastUpdatedTime"]
    assert updated["MetaData"]["CreateTime"] == bill["MetaData"]["CreateTime"]
    stale = qbo.post(
        "Bill", {"Id": bill["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "x"}
    )
    assert stale.status_code == 400
    assert fault_code(stale) == "5010"
    assert stale.json()["Fault"]["Error"][0]["Message"] == "Stale Object Error"
    assert qbo.read("Bill", bill["Id"])["PrivateNote"] == "checked"
    # a full update replaces the writable fields: the memo left out is cleared
    full = qbo.post("Bill", bill_body(qbo, "50.00") | {"Id": bill["Id"], "SyncToken": "1"})
    assert full.status_code == 200
    assert "PrivateNote" not in full.json()["Bill"]
    assert full.json()["Bill"]["TotalAmt"] == 60


def test_a_generated_record_updates_like_any_other(qbo: Qbo) -> None:
    customer = qbo.rows("SELECT * FROM Customer MAXRESULTS 1")[0]
    renamed = qbo.post(
        "Customer",
        {"Id": customer["Id"], "SyncToken": customer["SyncToken"], "sparse": True,
         "DisplayName": "Renamed Bakery Ltd"},
    )  # fmt: skip
    assert renamed.status_code == 200
    assert renamed.json()["Customer"]["SyncToken"] == str(int(customer["SyncToken"]) + 1)
    assert qbo.rows("SELECT * FROM Customer WHERE DisplayName = 'Renamed Bakery Ltd'")


def test_a_bill_payment_lowers_what_the_bill_owes(qbo: Qbo) -> None:
    bill = qbo.post("Bill", bill_body(qbo)).json()["Bill"]
    bank = qbo.rows("SELECT * FROM Account WHERE AccountType = 'Bank'")[0]
    payment = {
        "VendorRef": bill["VendorRef"],
        "PayType": "Check",
        "CheckPayment": {"BankAccountRef": {"value": bank["Id"]}},
        "TotalAmt": 70,
        "Line": [{"Amount": 70, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}],
    }
    response = qbo.post("BillPayment", payment)
    assert response.status_code == 200, response.text
    paid = response.json()["BillPayment"]
    after = qbo.read("Bill", bill["Id"])
    assert after["Balance"] == 50
    assert after["SyncToken"] == "1"
    assert {"TxnId": paid["Id"], "TxnType": "BillPaymentCheck"} in after["LinkedTxn"]
    over = qbo.post("BillPayment", payment)
    assert over.status_code == 400
    assert fault_code(over) == "6000"
    assert "more than its open balance" in over.json()["Fault"]["Error"][0]["Detail"]
    # the bill cannot go while a payment is linked; the payment can, giving the money back
    linked = qbo.post("Bill", {"Id": bill["Id"], "SyncToken": "1"}, operation="delete")
    assert fault_code(linked) == "6000"
    gone = qbo.post("BillPayment", {"Id": paid["Id"], "SyncToken": "0"}, operation="delete")
    assert gone.status_code == 200
    restored = qbo.read("Bill", bill["Id"])
    assert restored["Balance"] == 120
    assert restored["LinkedTxn"] == []


def test_a_payment_applies_to_generated_invoices(qbo: Qbo) -> None:
    invoice = qbo.rows("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1")[0]
    owed = Decimal(str(invoice["Balance"]))
    body = {
        "CustomerRef": {"value": invoice["CustomerRef"]["value"], "name": "", "type": ""},
        "TotalAmt": str(owed + 5),
        "Line": [
            {
                "Amount": str(owed),
                "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice", "TxnLineId": 0}],
            }
        ],
    }
    response = qbo.post("Payment", body)
    assert response.status_code == 200, response.text
    assert response.json()["Payment"]["UnappliedAmt"] == 5
    assert qbo.read("Invoice", invoice["Id"])["Balance"] == 0
    other = qbo.rows("SELECT * FROM Customer MAXRESULTS 2")[1]
    wrong = body | {"CustomerRef": {"value": other["Id"]}}
    assert fault_code(qbo.post("Payment", wrong)) == "6000"


def test_requestid_replays_instead_of_writing_twice(qbo: Qbo) -> None:
    first = qbo.post("Bill", bill_body(qbo), requestid="retry-1")
    again = qbo.post("Bill", bill_body(qbo), requestid="retry-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(qbo.rows("SELECT * FROM Bill WHERE DocNumber = 'SUP-1'")) == 1
    other = qbo.post("Bill", bill_body(qbo), requestid="retry-2")
    assert other.json()["Bill"]["Id"] != first.json()["Bill"]["Id"]


@pytest.mark.parametrize(
    ("change", "code", "element"),
    [
        ({"VendorRef": {"value": "99999903"}}, "2500", "VendorRef"),
        ({"VendorRef": None}, "2020", "VendorRef"),
        ({"Line": []}, "2020", "Line"),
        ({"TxnDate": "18/11/2026"}, "2010", "TxnDate"),
    ],
)
def test_bad_bills_are_refused_with_qbo_faults(
    qbo: Qbo, change: dict[str, Any], code: str, element: str
) -> None:
    response = qbo.post("Bill", bill_body(qbo) | change)
    assert response.status_code == 400
    error = response.json()["Fault"]["Error"][0]
    assert (error["code"], error["element"]) == (code, element)
    assert response.json()["Fault"]["type"] == "ValidationFault"


def test_a_line_needs_a_vat_code(qbo: Qbo) -> None:
    body = bill_body(qbo)
    del body["Line"][0]["AccountBasedExpenseLineDetail"]["TaxCodeRef"]
    response = qbo.post("Bill", body)
    assert fault_code(response) == "6000"


def test_display_names_are_unique_across_customers_and_vendors(qbo: Qbo) -> None:
    vendor = a_vendor(qbo)
    clash = qbo.post("Customer", {"DisplayName": vendor["DisplayName"].upper()})
    assert clash.status_code == 400
    assert fault_code(clash) == "6240"
    assert clash.json()["Fault"]["Error"][0]["Message"] == "Duplicate Name Exists Error"
    made = qbo.post("Vendor", {"DisplayName": "Brand New Supplies Ltd", "Title": "", "Balance": 0})
    assert made.status_code == 200
    assert made.json()["Vendor"]["Active"] is True
    account = qbo.post("Account", {"Name": "Tools", "AccountType": "Expense"})
    assert account.json()["Account"]["Classification"] == "Expense"
    assert fault_code(qbo.post("Account", {"Name": "tools", "AccountType": "Expense"})) == "6240"
    assert fault_code(qbo.post("Account", {"Name": "Gadgets", "AccountType": "Gizmo"})) == "2170"


def test_invoices_and_credit_memos(qbo: Qbo) -> None:
    customer = qbo.rows("SELECT * FROM Customer MAXRESULTS 1")[0]
    item = qbo.rows("SELECT * FROM Item WHERE Type = 'Service' MAXRESULTS 1")[0]
    body = {
        "CustomerRef": {"value": customer["Id"]},
        "Line": [
            {
                "Amount": 170,
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": item["Id"]},
                    "Qty": 2,
                    "UnitPrice": 85,
                },
            }
        ],
    }
    invoice = qbo.post("Invoice", body).json()["Invoice"]
    assert invoice["TotalAmt"] == 204
    assert invoice["DocNumber"]
    assert invoice["Line"][-1]["DetailType"] == "SubTotalLineDetail"
    same_number = qbo.post("Invoice", body | {"DocNumber": invoice["DocNumber"]})
    assert fault_code(same_number) == "6140"
    memo = qbo.post("CreditMemo", body).json()["CreditMemo"]
    applied = qbo.post(
        "Payment",
        {
            "CustomerRef": {"value": customer["Id"]},
            "TotalAmt": 0,
            "Line": [
                {"Amount": 204, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]},
                {"Amount": 204, "LinkedTxn": [{"TxnId": memo["Id"], "TxnType": "CreditMemo"}]},
            ],
        },
    )
    assert applied.status_code == 200, applied.text
    assert qbo.read("Invoice", invoice["Id"])["Balance"] == 0
    assert qbo.read("CreditMemo", memo["Id"])["RemainingCredit"] == 0
    assert fault_code(qbo.post("Customer", {"Id": customer["Id"]}, operation="delete")) == "500"


def test_upload_and_download_an_attachment(qbo: Qbo) -> None:
    bill = qbo.post("Bill", bill_body(qbo)).json()["Bill"]
    boundary = "XBOUNDARY"
    meta = (
        '{{"AttachableRef": [{{"EntityRef": {{"type": "Bill", "value": "{}"}}}}],'
        ' "FileName": "receipt.txt", "ContentType": "text/plain"}}'.format(bill["Id"])
    )
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file_metadata_01"\r\n'
        f"Content-Type: application/json\r\n\r\n{meta}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file_content_01"; '
        f'filename="receipt.txt"\r\nContent-Type: text/plain\r\n\r\nPaid in full\r\n'
        f"--{boundary}--\r\n"
    )
    response = qbo.client.post(
        f"{qbo.base}/upload",
        content=body.encode(),
        headers=qbo.headers | {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 200, response.text
    attachable = response.json()["AttachableResponse"][0]["Attachable"]
    assert attachable["FileName"] == "receipt.txt"
    assert attachable["Size"] == 12
    linked = qbo.rows(
        f"SELECT * FROM Attachable WHERE AttachableRef.EntityRef.value = '{bill['Id']}'"  # noqa: S608 - a QBO query, not SQL
    )
    assert [a["Id"] for a in linked] == [attachable["Id"]]
    url = qbo.client.get(f"{qbo.base}/download/{attachable['Id']}", headers=qbo.headers).text
    assert qbo.client.get(url).content == b"Paid in full"
    tampered = url.replace("signature=", "signature=0")
    assert qbo.client.get(tampered).status_code == 403
    qbo.clock.advance(minutes=16)
    assert qbo.client.get(url).status_code == 403  # a TempDownloadUri lasts 15 minutes


def test_a_sparse_update_keeps_a_generated_documents_money(qbo: Qbo) -> None:
    for invoice in qbo.rows("SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 20"):
        changed = qbo.post(
            "Invoice",
            {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"], "sparse": True,
             "PrivateNote": "chased"},
        )  # fmt: skip
        assert changed.status_code == 200, changed.text
        after = changed.json()["Invoice"]
        for key in ("TotalAmt", "Balance", "DocNumber", "TxnDate", "CustomerRef"):
            assert after[key] == invoice[key], key
        assert after["TxnTaxDetail"]["TotalTax"] == invoice["TxnTaxDetail"]["TotalTax"]
