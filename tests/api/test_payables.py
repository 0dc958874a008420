"""Sync for Payables v2 (synchronous Bill pay) against a linked sandbox company, on both
databases: reads from what pulls stored, writes through the push engine in the request.

Every 2xx body is also validated with the official ``codat-sync-for-payables`` SDK's
response models (closed enums, required fields), so a drift from what the SDK accepts
fails here and not only in the live-server test.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from codat_sync_for_payables.models.shared.bankaccount import BankAccount as SdkBankAccount
from codat_sync_for_payables.models.shared.bill import Bill as SdkBill
from codat_sync_for_payables.models.shared.billmappingoptions import BillMappingOptions
from codat_sync_for_payables.models.shared.billpayment import BillPayment as SdkBillPayment
from codat_sync_for_payables.models.shared.bills import Bills as SdkBills
from codat_sync_for_payables.models.shared.companyinformation import CompanyInformation
from codat_sync_for_payables.models.shared.paymentmappingoptions import PaymentMappingOptions
from codat_sync_for_payables.models.shared.supplier import Supplier as SdkSupplier
from codat_sync_for_payables.models.shared.suppliers import Suppliers as SdkSuppliers
from fastapi.testclient import TestClient
from sqlalchemy import select

from ledgerport.api.routes.payables.paging import decode_token, encode_token
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.errors import BadRequestError
from ledgerport.services import Services
from ledgerport.storage.tables import PushOperationRow
from ledgerport.sync.engine import Engine
from tests.api.test_auth import assert_codat_error
from tests.factories import platform


def _linked(services: Services) -> tuple[Any, str]:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    base = f"/companies/{company.id}/connections/{company.connections[0].id}/payables"
    return company, base


def _pull(client: TestClient, services: Services, company: Any, data_type: str) -> None:
    """A refresh through the API, run to its end here (the app runs no jobs in tests)."""
    queued = client.post(
        f"/companies/{company.id}/data/queue/{data_type}",
        params={"connectionId": str(company.connections[0].id)},
    )
    assert queued.status_code == 200, queued.text
    Engine(services).run(uuid.UUID(queued.json()["id"]))
    done = client.get(f"/companies/{company.id}/data/history/{queued.json()['id']}").json()
    assert done["status"] == "Complete", done


def _bill_body(account: str, tax_rate: str, supplier: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "reference": "PO-7781",
        "supplierRef": {"id": supplier},
        "issueDate": "2026-11-02T00:00:00",
        "dueDate": "2026-12-02T00:00:00",
        "currency": "GBP",
        "currencyRate": 1,
        "status": "Open",
        "lineItems": [
            {
                "description": "Cable trays",
                "unitAmount": 120.5,
                "quantity": 2.0,
                "taxAmount": 48.2,
                "accountRef": {"id": account},
                "taxRateRef": {"id": tax_rate},
                "trackingRefs": [{"id": "trk-dept-inst", "dataType": "trackingCategories"}],
            },
            {
                "description": "Fixings",
                "unitAmount": 10.1,
                "quantity": 3,
                "taxAmount": 6.06,
                "accountRef": {"id": account},
                "taxRateRef": {"id": tax_rate},
            },
        ],
    }
    body.update(overrides)
    return body


def _options(client: TestClient, base: str) -> tuple[str, str, str]:
    """An expense account, the standard tax rate and the bank account to pay from."""
    bills = client.get(f"{base}/mappingOptions/bills").json()
    account = next(a["id"] for a in bills["accounts"] if a["name"] == "Materials Purchased")
    tax = next(t["id"] for t in bills["taxRates"] if t["effectiveTaxRate"] == 20)
    bank = client.get(f"{base}/mappingOptions/payments").json()["bankAccounts"][0]["id"]
    return account, tax, bank


def test_info_and_mapping_options_pull_reference_data_on_first_use(
    client: TestClient, services: Services
) -> None:
    company, base = _linked(services)
    info = client.get(f"{base}/info")
    assert info.status_code == 200, info.text
    CompanyInformation.model_validate(info.json())
    assert info.json() == {
        "companyName": info.json()["companyName"],
        "baseCurrency": "GBP",
    }
    assert info.json()["companyName"]

    options = client.get(f"{base}/mappingOptions/bills")
    assert options.status_code == 200, options.text
    parsed = BillMappingOptions.model_validate(options.json())
    body = options.json()
    assert body["accounts"]
    assert body["taxRates"]
    assert body["pagination"] == {}  # everything fits on one page
    chart = client.get(f"/companies/{company.id}/data/accounts", params={"pageSize": 500}).json()
    expense = {a["id"] for a in chart["results"] if a["type"] == "Expense"}
    assert {a["id"] for a in body["accounts"]} == expense
    assert all(a.status is not None for a in parsed.accounts or [] if a is not None)
    assert {t["status"] for t in body["taxRates"]} <= {"Active", "Archived"}

    archived = client.get(f"{base}/mappingOptions/bills", params={"statusQuery": "status=Archived"})
    assert archived.json()["accounts"] == []
    either = client.get(
        f"{base}/mappingOptions/bills",
        params={"statusQuery": "status=Active||status=Archived"},
    ).json()
    assert len(either["accounts"]) == len(body["accounts"])
    bad = client.get(f"{base}/mappingOptions/bills", params={"statusQuery": "nope=1"})
    assert "Could not resolve property nope" in assert_codat_error(bad, 400)["error"]

    payments = client.get(f"{base}/mappingOptions/payments")
    assert payments.status_code == 200, payments.text
    PaymentMappingOptions.model_validate(payments.json())
    [account] = payments.json()["bankAccounts"]
    assert account["accountType"] in ("Debit", "Credit")
    assert account["status"] == "Active"
    assert account["name"]


def test_create_pay_in_two_parts_and_see_it_paid_after_pulls(
    client: TestClient, services: Services
) -> None:
    company, base = _linked(services)
    account, tax, bank = _options(client, base)

    # Lists are read from pulls: never pulled is Codat's 409.
    assert_codat_error(client.get(f"{base}/suppliers"), 409)
    created = client.post(
        f"{base}/suppliers",
        json={
            "supplierName": "Northridge Office Supplies",
            "contactName": "Sarah Johnson",
            "emailAddress": "sarah.johnson@northridge.example",
            "phone": "+44 (0)1223 322410",
            "addresses": [{"type": "Billing", "line1": "2 Dennis Avenue", "city": "London"}],
            "status": "Active",
            "defaultCurrency": "GBP",
        },
        headers={"Idempotency-Key": "supplier-1"},
    )
    assert created.status_code == 201, created.text
    supplier = created.json()
    SdkSupplier.model_validate(supplier)
    assert supplier["id"]
    assert supplier["supplierName"] == "Northridge Office Supplies"
    assert supplier["addresses"][0]["city"] == "London"
    again = client.post(
        f"{base}/suppliers",
        json={"supplierName": "Northridge Office Supplies", "status": "Active"},
        headers={"Idempotency-Key": "supplier-1"},
    )
    assert again.status_code == 422  # the same key with another body

    bill = client.post(
        f"{base}/bills",
        json=_bill_body(account, tax, supplier["id"]),
        headers={"Idempotency-Key": "bill-1"},
    )
    assert bill.status_code == 201, bill.text
    SdkBill.model_validate(bill.json())
    bill_id = bill.json()["id"]
    assert bill.json()["status"] == "Open"
    assert Decimal(str(bill.json()["totalAmount"])) == Decimal("325.56")
    assert bill.json()["supplierRef"]["id"] == supplier["id"]
    lines = bill.json()["lineItems"]
    assert lines[0]["trackingRefs"] == [{"id": "trk-dept-inst", "dataType": "trackingCategories"}]
    replay = client.post(
        f"{base}/bills",
        json=_bill_body(account, tax, supplier["id"]),
        headers={"Idempotency-Key": "bill-1"},
    )
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json()["id"] == bill_id

    # Payable at once, before any pull has seen the bill.
    first = client.post(
        f"{base}/bills/{bill_id}/payment",
        json={
            "amount": 100.56,
            "date": "2026-11-10T00:00:00",
            "reference": "Part one",
            "accountRef": {"id": bank},
            "currencyRate": 1,
        },
        headers={"Idempotency-Key": "pay-1"},
    )
    assert first.status_code == 201, first.text
    SdkBillPayment.model_validate(first.json())
    assert first.json()["amount"] == 100.56
    assert first.json()["accountRef"] == {"id": bank}
    assert first.json()["id"]

    _pull(client, services, company, "bills")
    listed = client.get(f"{base}/bills", params={"query": f"supplierRef.id={supplier['id']}"})
    assert listed.status_code == 200, listed.text
    SdkBills.model_validate(listed.json())
    [partly] = listed.json()["results"]
    assert partly["id"] == bill_id
    assert partly["status"] == "PartiallyPaid"
    assert Decimal(str(partly["amountDue"])) == Decimal("225.00")

    _pull(client, services, company, "suppliers")
    suppliers = client.get(
        f"{base}/suppliers", params={"query": "supplierName=Northridge Office Supplies"}
    )
    SdkSuppliers.model_validate(suppliers.json())
    [found] = suppliers.json()["results"]
    assert found["id"] == supplier["id"]
    assert Decimal(str(found["balance"])) == Decimal("225.00")

    second = client.post(
        f"{base}/bills/{bill_id}/payment",
        json={"amount": 225, "date": "2026-11-20T00:00:00", "accountRef": {"id": bank}},
    )
    assert second.status_code == 201, second.text
    _pull(client, services, company, "bills")
    paid = client.get(
        f"{base}/bills",
        params={"query": f"supplierRef.id={supplier['id']} && status=Paid"},
    ).json()["results"]
    assert [b["id"] for b in paid] == [bill_id]
    assert paid[0]["amountDue"] == 0

    # Overpaying is the platform's refusal: its 400, nothing written.
    over = client.post(
        f"{base}/bills/{bill_id}/payment",
        json={"amount": 1, "date": "2026-11-21T00:00:00", "accountRef": {"id": bank}},
    )
    assert_codat_error(over, 400)


def test_updates(client: TestClient, services: Services) -> None:
    company, base = _linked(services)
    account, tax, _ = _options(client, base)
    _pull(client, services, company, "suppliers")
    supplier = client.get(f"{base}/suppliers").json()["results"][0]
    changed = client.put(
        f"{base}/suppliers/{supplier['id']}",
        json={"supplierName": supplier["supplierName"], "status": "Active", "phone": "0117 000"},
    )
    assert changed.status_code == 200, changed.text
    SdkSupplier.model_validate(changed.json())
    assert changed.json()["phone"] == "0117 000"
    assert_codat_error(
        client.put(f"{base}/suppliers/sup-nope", json={"supplierName": "X", "status": "Active"}),
        404,
    )

    bill = client.post(f"{base}/bills", json=_bill_body(account, tax, supplier["id"])).json()
    updated = client.put(
        f"{base}/bills/{bill['id']}",
        json=_bill_body(account, tax, supplier["id"], reference="PO-7781-B"),
    )
    assert updated.status_code == 200, updated.text
    SdkBill.model_validate(updated.json())
    assert updated.json()["reference"] == "PO-7781-B"


def test_validation_failures_write_nothing(client: TestClient, services: Services) -> None:
    company, base = _linked(services)
    account, tax, _ = _options(client, base)
    _pull(client, services, company, "suppliers")
    supplier = client.get(f"{base}/suppliers").json()["results"][0]["id"]

    draft = client.post(f"{base}/bills", json=_bill_body(account, tax, supplier, status="Draft"))
    body = assert_codat_error(draft, 400)
    assert body["validation"]["errors"][0]["itemId"] == "status"

    missing = _bill_body(account, tax, supplier)
    del missing["dueDate"]
    body = assert_codat_error(client.post(f"{base}/bills", json=missing), 400)
    assert any(e["itemId"] == "dueDate" for e in body["validation"]["errors"])

    unknown = _bill_body("acc-nope", tax, supplier, reference="NEVER-WRITTEN")
    body = assert_codat_error(client.post(f"{base}/bills", json=unknown), 400)
    assert any(e["itemId"] == "lineItems[0].accountRef.id" for e in body["validation"]["errors"])

    bad_bank = client.post(
        f"{base}/bankAccounts",
        json={"name": "", "accountType": "Debit", "accountNumber": "1", "currency": "GBP"},
    )
    body = assert_codat_error(bad_bank, 400)
    assert body["validation"]["errors"]

    with services.sessions() as session:
        ops = session.scalars(
            select(PushOperationRow).where(PushOperationRow.origin == "payables")
        ).all()
    assert ops
    assert all(op.status == "Failed" for op in ops)
    _pull(client, services, company, "bills")
    found = client.get(f"{base}/bills", params={"query": "reference=NEVER-WRITTEN"}).json()
    assert found["results"] == []


def test_bank_account_create(client: TestClient, services: Services) -> None:
    company, base = _linked(services)
    created = client.post(
        f"{base}/bankAccounts",
        json={
            "nominalCode": "1210",
            "name": "Payables Bank Account",
            "accountType": "Debit",
            "accountNumber": "0120 0440",
            "sortCode": "50-50-50",
            "currency": "GBP",
        },
        headers={"Idempotency-Key": "bank-1"},
    )
    assert created.status_code == 201, created.text
    SdkBankAccount.model_validate(created.json())
    account = created.json()
    assert account["name"] == "Payables Bank Account"
    assert account["accountType"] == "Debit"
    assert account["currency"] == "GBP"
    _pull(client, services, company, "bankAccounts")
    options = client.get(f"{base}/mappingOptions/payments").json()["bankAccounts"]
    assert account["id"] in {o["id"] for o in options}


def test_attachment_upload_list_and_download(client: TestClient, services: Services) -> None:
    company, base = _linked(services)
    account, tax, _ = _options(client, base)
    _pull(client, services, company, "suppliers")
    supplier = client.get(f"{base}/suppliers").json()["results"][0]["id"]
    bill = client.post(f"{base}/bills", json=_bill_body(account, tax, supplier)).json()

    content = b"%PDF-1.4 invoice from the supplier"
    uploaded = client.post(
        f"{base}/bills/{bill['id']}/attachments",
        files={"file": ("supplier-invoice.pdf", content, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment["id"]
    assert attachment["name"] == "supplier-invoice.pdf"
    assert attachment["fileSize"] == len(content)

    _pull(client, services, company, "bills")
    listed = client.get(f"{base}/bills/{bill['id']}/attachments")
    assert listed.status_code == 200, listed.text
    assert isinstance(listed.json(), list)
    assert attachment["id"] in {a["id"] for a in listed.json()}
    download = client.get(f"{base}/bills/{bill['id']}/attachments/{attachment['id']}/download")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.content == content

    assert_codat_error(client.get(f"{base}/bills/bill-nope/attachments"), 404)
    assert_codat_error(client.get(f"{base}/bills/{bill['id']}/attachments/nope/download"), 404)
    assert_codat_error(
        client.post(
            f"{base}/bills/bill-nope/attachments", files={"file": ("a.txt", b"x", "text/plain")}
        ),
        404,
    )


def test_continuation_paging(client: TestClient, services: Services) -> None:
    company, base = _linked(services)
    _pull(client, services, company, "bills")
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params: dict[str, str] = {"continuationToken": token} if token else {}
        page = client.get(f"{base}/bills", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += [b["id"] for b in body["results"]]
        pages += 1
        token = body["pagination"].get("continuationToken")
        if token is None:
            break
        assert len(body["results"]) == 100
    total = client.get(f"/companies/{company.id}/data/bills", params={"pageSize": 1}).json()
    assert len(seen) == len(set(seen)) == total["totalResults"]
    assert pages > 1

    paid = client.get(f"{base}/bills", params={"query": "status=Paid"}).json()
    token = paid["pagination"]["continuationToken"]
    nxt = client.get(f"{base}/bills", params={"query": "status=Paid", "continuationToken": token})
    assert nxt.status_code == 200
    assert all(b["status"] == "Paid" for b in nxt.json()["results"])
    assert not {b["id"] for b in nxt.json()["results"]} & {b["id"] for b in paid["results"]}

    # Another query with it, garbage, or a token for another list: 400.
    assert_codat_error(
        client.get(f"{base}/bills", params={"query": "status=Open", "continuationToken": token}),
        400,
    )
    assert_codat_error(client.get(f"{base}/bills", params={"continuationToken": "%%%"}), 400)
    assert_codat_error(
        client.get(f"{base}/bills", params={"continuationToken": "bm90IGpzb24"}), 400
    )
    assert_codat_error(client.get(f"{base}/suppliers", params={"continuationToken": token}), 400)
    assert_codat_error(client.get(f"{base}/bills", params={"query": "{status=Open"}), 400)

    since = client.get(
        f"{base}/bills", params={"query": "sourceModifiedDate>2026-01-01T00:00:00"}
    ).json()
    assert all(b["sourceModifiedDate"] > "2026-01-01" for b in since["results"])


def test_tokens_round_trip_and_refuse_what_is_not_ours() -> None:
    token = encode_token("bills", "status=Open", "bill-00100")
    assert decode_token(token, "bills", "status=Open") == "bill-00100"
    assert decode_token(None, "bills", None) is None
    for bad in ("!", "e30", encode_token("suppliers", None, 3)):
        with pytest.raises(BadRequestError):
            decode_token(bad, "bills", None)


def test_unknown_and_unlinked_scopes(client: TestClient, services: Services) -> None:
    company, base = _linked(services)
    other = uuid.uuid4()
    for path in (
        f"/companies/{other}/connections/{company.connections[0].id}/payables/info",
        f"/companies/{company.id}/connections/{other}/payables/info",
        f"/companies/nope/connections/{company.connections[0].id}/payables/bills",
        f"/companies/{company.id}/connections/nope/payables/suppliers",
    ):
        assert_codat_error(client.get(path), 404)
    _, _tax, bank = _options(client, base)
    assert_codat_error(
        client.post(
            f"{base}/bills/bill-nope/payment",
            json={"amount": 1, "date": "2026-11-21T00:00:00", "accountRef": {"id": bank}},
        ),
        404,
    )
    pending = platform.company(services, connections=(("mqjo", ConnectionStatus.PENDING_AUTH),))
    pending_base = f"/companies/{pending.id}/connections/{pending.connections[0].id}/payables"
    body = assert_codat_error(client.get(f"{pending_base}/info"), 400)
    assert "not linked" in body["error"]
    assert_codat_error(
        client.post(f"{pending_base}/suppliers", json={"supplierName": "X", "status": "Active"}),
        400,
    )
