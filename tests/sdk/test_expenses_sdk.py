"""The official ``codat-sync-for-expenses`` 9.0.0 SDK, unchanged, against a live server
whose company's accounting connection is the sandbox, linked through the hosted Link
page: partner expense connection, mapping options, configuration, three expense
transactions synced and followed to completion, then found in the sandbox's data after
a refresh (through the ``codat-platform`` SDK); an update (202), an adjustment and an
employee's claim, created and updated, found there too.

Every call would raise if a status code (200 on creates, 202 on the expense update),
an enum, a required field or a paging envelope drifted from what the SDK accepts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from codat_platform import CodatPlatform
from codat_sync_for_expenses import CodatSyncExpenses
from codat_sync_for_expenses.models import shared
from codat_sync_for_expenses.utils.retries import RetryConfig

from tests.sdk.flows import link, refresh, until

OFFICE, TRAVEL, SALES, BANK = "acc-7500", "acc-7400", "acc-4000", "acc-1200"
REFERENCE = (
    "chartOfAccounts",
    "taxRates",
    "trackingCategories",
    "suppliers",
    "customers",
    "bankAccounts",
)
# Today: after the sandbox's ledger lock date (its last VAT return) whenever this runs.
TODAY = datetime.now(UTC).date().isoformat() + "T00:00:00"


@pytest.fixture
def expenses(base_url: str, auth_header: str) -> CodatSyncExpenses:
    return CodatSyncExpenses(
        security=shared.Security(auth_header=auth_header),
        server_url=base_url,
        retry_config=RetryConfig("none", None, False),
        timeout_ms=20_000,
    )


def _settled(sdk: CodatSyncExpenses, company_id: str, sync_id: str) -> Any:
    def finished() -> Any:
        status = sdk.sync.get(request={"company_id": company_id, "sync_id": sync_id})
        return status if status.sync_status_code not in (1000, 1010) else None

    return until(finished, f"sync {sync_id}")


def _completed(sdk: CodatSyncExpenses, company_id: str, sync_id: str) -> dict[str, str]:
    """Each transaction of a finished sync, Completed, and the id of what it wrote."""
    status = _settled(sdk, company_id, sync_id)
    assert (status.sync_status_code, status.sync_status, status.data_pushed) == (
        2000,
        "Complete",
        True,
    ), status
    page = sdk.transaction_status.list(request={"company_id": company_id, "sync_id": sync_id})
    written = {}
    for result in page.results or ():
        assert result.status is not None
        assert str(result.status.value) == "Completed", result
        assert result.message is not None
        written[str(result.transaction_id)] = result.message.removesuffix(".").rsplit(" ", 1)[-1]
    return written


def _line(net: float, tax: float, account: str) -> dict[str, Any]:
    return {
        "net_amount": net,
        "tax_amount": tax,
        "account_ref": {"id": account},
        "tax_rate_ref": {"id": "tax-s"},
        "tracking_refs": [{"id": "trk-dept-inst", "data_type": "trackingCategories"}],
    }


def test_expenses_sdk_syncs_to_the_linked_sandbox(
    codat: CodatPlatform,
    expenses: CodatSyncExpenses,
    consumer: None,
    base_url: str,
    auth_header: str,
) -> None:
    company = codat.companies.create(request={"name": "Expenses SDK Co"})
    cid = company.id
    connection = codat.connections.create(
        request={"company_id": cid, "request_body": {"platform_key": "mqjo"}}
    )
    link(base_url, connection.link_url)
    refresh(codat, cid, *REFERENCE)

    partner = expenses.connections.create_partner_expense_connection(request={"company_id": cid})
    assert (partner.source_type, partner.status) == ("Expense", "Linked")

    options = expenses.mapping_options.get_mapping_options(request={"company_id": cid})
    assert options.expense_provider == "Partner Expense"
    valid = {
        a.id: [str(t.value) for t in a.valid_transaction_types or ()]
        for a in options.accounts or ()
    }
    assert valid[OFFICE] == ["Payment", "Refund", "Chargeback"]  # a refund credits it back
    assert valid[SALES] == ["Reward"]
    assert valid[BANK] == []

    config = {"bank_account": {"id": BANK}, "supplier": {"id": "sup-0001"},
              "customer": {"id": "cus-0001"}}  # fmt: skip
    expenses.configuration.set(request={"company_id": cid, "company_configuration": config})
    assert expenses.configuration.get(request={"company_id": cid}).supplier.id == "sup-0001"

    run = uuid.uuid4().hex[:8]
    spent = [  # type, account, net, tax, reference
        ("Payment", OFFICE, 100.0, 20.0, f"PAY-{run}"),
        ("Refund", OFFICE, 25.0, 5.0, f"REF-{run}"),
        ("Reward", SALES, 4.5, 0.9, f"RWD-{run}"),
    ]
    ids = [str(uuid.uuid4()) for _ in spent]
    body = [
        {"id": i, "type": kind, "issue_date": TODAY, "currency": "GBP",
         "merchant_name": "Amazon UK", "reference": reference,
         "lines": [_line(net, tax, account)]}
        for i, (kind, account, net, tax, reference) in zip(ids, spent, strict=True)
    ]  # fmt: skip
    sync_id = str(
        expenses.expenses.create(request={"company_id": cid, "request_body": body}).sync_id
    )
    written = _completed(expenses, cid, sync_id)
    assert list(written) == ids
    assert expenses.sync.get_latest_sync(request={"company_id": cid}).sync_id == sync_id
    assert expenses.sync.get_last_successful_sync(request={"company_id": cid}).sync_id == sync_id
    assert [s.sync_id for s in expenses.sync.list(request={"company_id": cid})] == [sync_id]
    one = expenses.transaction_status.get(
        request={"company_id": cid, "sync_id": sync_id, "transaction_id": ids[0]}
    )
    assert one[0].message == f"Written as directCosts {written[ids[0]]}."

    # Found in the accounting data: a direct cost, and two direct incomes.
    refresh(codat, cid, "directCosts", "directIncomes")
    api = httpx.Client(base_url=base_url, headers={"Authorization": auth_header})
    data = f"/companies/{cid}/connections/{connection.id}/data"
    with api:

        def find(data_type: str, reference: str) -> dict[str, Any]:
            page = api.get(f"{data}/{data_type}", params={"query": f"reference={reference}"})
            page.raise_for_status()
            (record,) = page.json()["results"]
            return dict(record)

        for n, (kind, account, net, tax, reference) in enumerate(spent):
            data_type = "directCosts" if kind == "Payment" else "directIncomes"
            record = find(data_type, reference)
            assert record["id"] == written[ids[n]]
            assert (record["subTotal"], record["taxAmount"], record["totalAmount"]) == (
                net, tax, net + tax
            )  # fmt: skip
            assert [x["accountRef"]["id"] for x in record["lineItems"]] == [account]
            assert record["paymentAllocations"][0]["payment"]["accountRef"]["id"] == BANK
            assert record["contactRef"]["id"] == ("cus-0001" if kind == "Reward" else "sup-0001")

        # The payment updated (202): the same direct cost, rewritten.
        update = {k: v for k, v in body[0].items() if k != "id"}
        update["lines"] = [_line(60.0, 12.0, TRAVEL)]
        answer = expenses.expenses.update(
            request={"company_id": cid, "transaction_id": ids[0], "update_expense_request": update}
        )
        _completed(expenses, cid, str(answer.sync_id))
        refresh(codat, cid, "directCosts")
        record = find("directCosts", f"PAY-{run}")
        assert (record["id"], record["totalAmount"]) == (written[ids[0]], 72)
        assert record["lineItems"][0]["accountRef"]["id"] == TRAVEL

        # An adjustment: a journal entry.
        adjustment_id = str(uuid.uuid4())
        adjustment = {"id": adjustment_id, "date": TODAY, "currency": "GBP",
                      "reference": f"ADJ-{run}",
                      "lines": [{"amount": 15, "account_ref": {"id": OFFICE},
                                 "description": "debit line"},
                                {"amount": -15, "account_ref": {"id": TRAVEL},
                                 "description": "credit line"}]}  # fmt: skip
        answer = expenses.adjustments.create(
            request={"company_id": cid, "request_body": [adjustment]}
        )
        journal_id = _completed(expenses, cid, str(answer.sync_id))[adjustment_id]
        refresh(codat, cid, "journalEntries")
        journal = api.get(f"{data}/journalEntries/{journal_id}").json()
        assert journal["description"] == f"ADJ-{run}"
        assert {x["accountRef"]["id"]: x["netAmount"] for x in journal["journalLines"]} == {
            OFFICE: 15,
            TRAVEL: -15,
        }

        # An employee's claim: a bill from the employee (a supplier), then updated.
        claim_id = str(uuid.uuid4())
        line = {
            "description": "Hotel",
            "net_amount": 100,
            "tax_amount": 20,
            "tax_rate_ref": {"id": "tax-s"},
            "account_ref": {"id": TRAVEL},
        }
        claim = {"id": claim_id, "reference": f"CLAIM-{run}", "contact_ref": {"id": "sup-0002"},
                 "issue_date": TODAY, "due_date": TODAY, "currency": "GBP", "notes": "Hotel",
                 "lines": [line]}  # fmt: skip
        answer = expenses.reimbursements.create(
            request={"company_id": cid, "request_body": [claim]}
        )
        bill_id = _completed(expenses, cid, str(answer.sync_id))[claim_id]
        refresh(codat, cid, "bills")
        bill = api.get(f"/companies/{cid}/data/bills/{bill_id}").json()
        assert (bill["supplierRef"]["id"], bill["status"], bill["totalAmount"]) == (
            "sup-0002", "Open", 120
        )  # fmt: skip
        change = {k: v for k, v in claim.items() if k != "id"}
        change["lines"] = [{**line, "net_amount": 50, "tax_amount": 10}]
        answer = expenses.reimbursements.update(
            request={
                "company_id": cid,
                "transaction_id": claim_id,
                "update_reimbursable_expense_transaction_request": change,
            }
        )
        assert _completed(expenses, cid, str(answer.sync_id)) == {claim_id: bill_id}
        refresh(codat, cid, "bills")
        assert api.get(f"/companies/{cid}/data/bills/{bill_id}").json()["totalAmount"] == 60
