"""The QBO writer's requests and how it reads QBO's answers, against an in-memory
transport: requestid on every write, SyncToken updates, deletes, faults, find, and the
create models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ledgerport.connectors.errors import RejectedError, WriteConflictError
from ledgerport.connectors.quickbooks_online import CONNECTOR
from ledgerport.connectors.quickbooks_online.writer import WRITTEN, QboWriter
from ledgerport.connectors.spec import ReaderContext
from ledgerport.connectors.writes import WriteKind, WriteRequest
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, validate
from tests.conformance.codat_schema import errors

REALM = "4620816365"
BASE = f"/v3/company/{REALM}"
INVOICE = {
    "Id": "130",
    "SyncToken": "3",
    "TxnDate": "2026-03-01",
    "TotalAmt": 100,
    "Balance": 100,
    "CustomerRef": {"value": "1"},
    "Line": [],
    "MetaData": {"LastUpdatedTime": "2026-03-05T10:00:00-08:00"},
}
NEW_INVOICE = {
    "customerRef": {"id": "1"},
    "issueDate": "2026-03-01T00:00:00",
    "lineItems": [{"unitAmount": 50, "quantity": 2, "itemRef": {"id": "5"}}],
}


class Platform:
    def __init__(self, answers: dict[tuple[str, str], Any]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.path.removeprefix(BASE))
        status, body = self.answers[key]
        return httpx.Response(status, json=body)

    def writer(self) -> QboWriter:
        context = ReaderContext(
            company_id="c",
            connection_id="k",
            connection_info={"realmId": REALM},
            base_url="https://qbo.test",
            access_token=lambda: "tok",
        )
        return QboWriter(context, httpx.MockTransport(self))


def query(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}


def request(kind: WriteKind, data_type: DataType = DataType.INVOICES, **extra: Any) -> WriteRequest:
    return WriteRequest(data_type=data_type, kind=kind, key="push-op-1", **extra)


def test_a_create_posts_with_the_requestid_and_returns_the_standard_record() -> None:
    platform = Platform({("POST", "/invoice"): (200, {"Invoice": INVOICE})})
    result = platform.writer().write(request(WriteKind.CREATE, record=NEW_INVOICE))
    (sent,) = platform.requests
    assert query(sent) == {"requestid": "push-op-1", "minorversion": "75"}
    assert json.loads(sent.content)["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "5"}
    assert result.record["id"] == "130"
    assert result.record["amountDue"] == 100
    assert [(c.type, c.record_id) for c in result.changes] == [(PushChangeType.CREATED, "130")]


def test_an_update_sends_the_current_synctoken_sparsely() -> None:
    platform = Platform(
        {
            ("GET", "/invoice/130"): (200, {"Invoice": INVOICE}),
            ("POST", "/invoice"): (200, {"Invoice": {**INVOICE, "SyncToken": "4"}}),
        }
    )
    pulled = datetime(2026, 3, 6, tzinfo=UTC)
    result = platform.writer().write(
        request(WriteKind.UPDATE, record=NEW_INVOICE, record_id="130", expected_modified=pulled)
    )
    body = json.loads(platform.requests[1].content)
    assert (body["Id"], body["SyncToken"], body["sparse"]) == ("130", "3", True)
    assert query(platform.requests[1])["requestid"] == "push-op-1"
    assert result.changes[0].type is PushChangeType.MODIFIED


def test_an_update_refuses_to_overwrite_a_change_made_since_the_pull() -> None:
    platform = Platform({("GET", "/invoice/130"): (200, {"Invoice": INVOICE})})
    writer = platform.writer()
    pulled = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)  # before 10:00-08:00
    update = request(
        WriteKind.UPDATE, record=NEW_INVOICE, record_id="130", expected_modified=pulled
    )
    with pytest.raises(RejectedError) as refused:
        writer.write(update)
    assert refused.value.status_code == 409
    assert len(platform.requests) == 1  # nothing was sent
    # find() re-sends without the check: our own lost write may be what changed it.
    platform.answers[("POST", "/invoice")] = (200, {"Invoice": INVOICE})
    assert writer.find(update) is not None
    assert query(platform.requests[-1])["requestid"] == "push-op-1"


def test_a_stale_synctoken_is_a_conflict_to_decide_again() -> None:
    stale = {
        "Fault": {
            "Error": [
                {
                    "Message": "Stale Object Error",
                    "Detail": "Stale Object Error : You and Jo were working on this at once.",
                    "code": "5010",
                }
            ],
            "type": "ValidationFault",
        }
    }
    platform = Platform(
        {("GET", "/invoice/130"): (200, {"Invoice": INVOICE}), ("POST", "/invoice"): (400, stale)}
    )
    with pytest.raises(WriteConflictError):
        platform.writer().write(request(WriteKind.UPDATE, record=NEW_INVOICE, record_id="130"))


def test_a_business_fault_is_rejected_with_qbos_message_and_element() -> None:
    fault = {
        "Fault": {
            "Error": [
                {
                    "Message": "Duplicate Document Number Error",
                    "Detail": "Duplicate Document Number Error : Use another number.",
                    "code": "6140",
                    "element": "DocNumber",
                }
            ],
            "type": "ValidationFault",
        }
    }
    platform = Platform({("POST", "/invoice"): (400, fault)})
    with pytest.raises(RejectedError) as refused:
        platform.writer().write(request(WriteKind.CREATE, record=NEW_INVOICE))
    assert refused.value.status_code == 400
    assert refused.value.message.startswith("Duplicate Document Number Error : Use another")
    assert refused.value.fields[0][0] == "DocNumber"


def test_a_delete_posts_the_operation_and_a_gone_object_counts_as_deleted() -> None:
    deleted = {"Invoice": {"Id": "130", "status": "Deleted", "domain": "QBO"}}
    platform = Platform(
        {("GET", "/invoice/130"): (200, {"Invoice": INVOICE}), ("POST", "/invoice"): (200, deleted)}
    )
    result = platform.writer().write(request(WriteKind.DELETE, record={}, record_id="130"))
    assert query(platform.requests[1])["operation"] == "delete"
    assert json.loads(platform.requests[1].content) == {"Id": "130", "SyncToken": "3"}
    assert result.record == {"id": "130", "metadata": {"isDeleted": True}}
    missing = {"Fault": {"Error": [{"Message": "Object Not Found", "code": "610"}]}}
    gone = Platform({("GET", "/invoice/130"): (400, missing)})
    found = gone.writer().find(request(WriteKind.DELETE, record={}, record_id="130"))
    assert found is not None
    assert found.changes[0].type is PushChangeType.DELETED
    with pytest.raises(RejectedError) as refused:
        gone.writer().write(request(WriteKind.UPDATE, record=NEW_INVOICE, record_id="130"))
    assert refused.value.status_code == 404


def test_a_payment_changes_the_documents_it_settles() -> None:
    saved = {
        "Id": "163",
        "TxnDate": "2026-03-10",
        "TotalAmt": 75,
        "CustomerRef": {"value": "20"},
        "Line": [{"Amount": 75, "LinkedTxn": [{"TxnId": "67", "TxnType": "Invoice"}]}],
    }
    platform = Platform({("POST", "/payment"): (200, {"Payment": saved})})
    record = {
        "customerRef": {"id": "20"},
        "totalAmount": 75,
        "lines": [{"amount": 75, "links": [{"type": "Invoice", "id": "67", "amount": -75}]}],
    }
    result = platform.writer().write(request(WriteKind.CREATE, DataType.PAYMENTS, record=record))
    assert [(c.type, c.data_type, c.record_id) for c in result.changes] == [
        (PushChangeType.CREATED, DataType.PAYMENTS, "163"),
        (PushChangeType.MODIFIED, DataType.INVOICES, "67"),
    ]


def test_a_bill_paid_from_a_credit_card_is_a_credit_card_payment() -> None:
    saved = {"Id": "9", "TxnDate": "2026-03-10", "TotalAmt": 5, "Line": []}
    platform = Platform(
        {
            ("GET", "/account/41"): (200, {"Account": {"Id": "41", "AccountType": "Credit Card"}}),
            ("POST", "/billpayment"): (200, {"BillPayment": saved}),
        }
    )
    record = {"supplierRef": {"id": "56"}, "accountRef": {"id": "41"}, "totalAmount": 5}
    platform.writer().write(request(WriteKind.CREATE, DataType.BILL_PAYMENTS, record=record))
    body = json.loads(platform.requests[1].content)
    assert body["PayType"] == "CreditCard"
    assert body["CreditCardPayment"] == {"CCAccountRef": {"value": "41"}}


def test_lists_are_not_deleted_in_qbo() -> None:
    platform = Platform({})
    with pytest.raises(RejectedError) as refused:
        platform.writer().write(
            request(WriteKind.DELETE, DataType.CUSTOMERS, record={}, record_id="1")
        )
    assert refused.value.status_code == 405
    assert not CONNECTOR.can_write(DataType.CUSTOMERS, WriteKind.DELETE)
    assert CONNECTOR.can_write(DataType.INVOICES, WriteKind.DELETE)


@pytest.mark.parametrize("data_type", sorted(WRITTEN))
def test_every_create_model_is_codats_and_accepts_a_good_record(data_type: DataType) -> None:
    writer = Platform({}).writer()
    for kind in CONNECTOR.write_stream(data_type).kinds:  # type: ignore[union-attr]
        model = writer.options(data_type, kind)
        dumped = model.model_dump(mode="json", exclude_none=True)
        assert errors(dumped, "PushOption", spec="accounting") == []
    golden = {
        DataType.INVOICES: NEW_INVOICE,
        DataType.CUSTOMERS: {"customerName": "Acme"},
        DataType.CHART_OF_ACCOUNTS: {"name": "Savings", "type": "Asset"},
    }
    if data_type in golden:
        assert validate(golden[data_type], writer.options(data_type, WriteKind.CREATE)) == []
        assert validate({}, writer.options(data_type, WriteKind.CREATE)) != []
