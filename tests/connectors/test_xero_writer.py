"""Writes to Xero, against a recording stand-in for Xero's write endpoints (so every
answer Xero may give can be staged): the request sent, the Idempotency-Key, how a
refusal reads, how a lost answer is settled, and the create models.

The last test writes to the Xero simulator (which serves writes from this version on)
and reads the result back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from ledgerport.connectors.errors import (
    AuthorizationLostError,
    OutcomeUnknownError,
    RejectedError,
)
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.spec import WriterContext
from ledgerport.connectors.writes import UploadedFile, WriteKind, WriteRequest
from ledgerport.connectors.xero import CONNECTOR
from ledgerport.connectors.xero.reader import XeroReader
from ledgerport.connectors.xero.writer import TARGETS, XeroWriter, idempotency_key
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, validate
from ledgerport.simulators.xero import create_app
from tests.conformance.codat_schema import errors
from tests.live_server import serve

TENANT = "7a1f0000-0000-4000-8000-000000000001"
ACCOUNT = "e0a5d892-9f9f-44f0-a153-5cb7db125170"
BANK = "6f7594f2-f059-4d56-9e67-47ac9733bfe9"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeXero:
    """Answers as Xero does and keeps every request; a repeated Idempotency-Key gets
    the first answer again, as Xero documents."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: dict[str, httpx.Response] = {}
        self.refuse: dict[str, Any] | None = None
        self.updated = "/Date(1717376400000+0000)/"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/api.xro/2.0")
        if request.method == "GET":
            return self._get(path)
        key = request.headers.get("Idempotency-Key", "")
        if key in self.answers:
            return self.answers[key]
        if self.refuse is not None:
            answer = httpx.Response(400, json=self.refuse)
        elif "/Attachments/" in path:
            answer = httpx.Response(
                200, json={"Attachments": [{"AttachmentID": "att-1", "FileName": "a.pdf"}]}
            )
        else:
            sent = json.loads(request.content)
            collection = next(iter(sent))
            element = dict(sent[collection][0])
            id_key = TARGETS[_type_of(collection, element)].id_key
            element.setdefault(id_key, "new-" + collection.lower())
            element |= {
                "UpdatedDateUTC": self.updated,
                "Total": 100,
                "SubTotal": 100,
                "TotalTax": 0,
                "AmountDue": 100,
            }
            answer = httpx.Response(200, json={"Status": "OK", collection: [element]})
        self.answers[key] = answer
        return answer

    def _get(self, path: str) -> httpx.Response:
        if path == "/Accounts":
            return httpx.Response(
                200,
                json={
                    "Accounts": [
                        {
                            "AccountID": ACCOUNT,
                            "Code": "200",
                            "Name": "Sales",
                            "Type": "REVENUE",
                            "Status": "ACTIVE",
                        },
                        {
                            "AccountID": BANK,
                            "Code": "090",
                            "Name": "Bank",
                            "Type": "BANK",
                            "Status": "ACTIVE",
                        },
                        {
                            "AccountID": "gone",
                            "Code": "999",
                            "Name": "Old",
                            "Type": "EXPENSE",
                            "Status": "ARCHIVED",
                        },
                    ]
                },
            )
        if path == "/TaxRates":
            return httpx.Response(
                200,
                json={
                    "TaxRates": [
                        {"TaxType": "OUTPUT2", "Name": "20% (VAT on Income)", "Status": "ACTIVE"}
                    ]
                },
            )
        if path.startswith("/Invoices/"):
            return httpx.Response(
                200,
                json={
                    "Invoices": [{"InvoiceID": path.split("/")[2], "UpdatedDateUTC": self.updated}]
                },
            )
        return httpx.Response(404, json={"Title": "Not Found"})


def _type_of(collection: str, element: dict[str, Any]) -> DataType:
    if collection == "Invoices":
        return DataType.INVOICES if element.get("Type") == "ACCREC" else DataType.BILLS
    if collection == "CreditNotes":
        return (
            DataType.CREDIT_NOTES
            if element.get("Type") == "ACCRECCREDIT"
            else DataType.BILL_CREDIT_NOTES
        )
    return {
        "Contacts": DataType.CUSTOMERS,
        "Payments": DataType.PAYMENTS,
        "Accounts": DataType.BANK_ACCOUNTS,
    }[collection]


@pytest.fixture
def xero() -> FakeXero:
    return FakeXero()


def writer(handler: Handler) -> XeroWriter:
    context = WriterContext(
        company_id="c",
        connection_id="x",
        connection_info={"tenantId": TENANT},
        base_url="https://xero.test",
        access_token=lambda: "token-1",
    )
    return XeroWriter(context, transport=httpx.MockTransport(handler))


INVOICE = {
    "customerRef": {"id": "cust-1"},
    "issueDate": "2024-06-03T00:00:00",
    "status": "Submitted",
    "lineItems": [
        {"description": "Work", "unitAmount": 100, "quantity": 1, "accountRef": {"id": ACCOUNT}}
    ],
}


def _writes(xero: FakeXero) -> list[httpx.Request]:
    return [r for r in xero.requests if r.method != "GET"]


def test_a_create_is_a_put_with_the_operations_idempotency_key(xero: FakeXero) -> None:
    result = writer(xero).write(WriteRequest(DataType.INVOICES, WriteKind.CREATE, "op-1", INVOICE))
    (sent,) = _writes(xero)
    assert (sent.method, sent.url.path) == ("PUT", "/api.xro/2.0/Invoices")
    assert sent.headers["Idempotency-Key"] == "op-1"
    assert sent.headers["xero-tenant-id"] == TENANT
    assert sent.headers["Authorization"] == "Bearer token-1"
    element = json.loads(sent.content)["Invoices"][0]
    assert element["LineItems"][0]["AccountCode"] == "200"  # the id, as Xero names it
    assert element["Status"] == "AUTHORISED"
    assert result.record["id"] == "new-invoices"
    assert result.record["status"] == "Submitted"
    assert result.changes[0].type is PushChangeType.CREATED
    assert errors(result.record, "Invoice", spec="accounting") == []


def test_a_lost_answer_is_settled_by_the_same_request_and_key(xero: FakeXero) -> None:
    request = WriteRequest(DataType.INVOICES, WriteKind.CREATE, "op-2", INVOICE)
    first = writer(xero).write(request)
    found = writer(xero).find(request)
    assert found is not None
    assert found.record == first.record
    a, b = _writes(xero)
    assert (a.content, a.headers["Idempotency-Key"]) == (b.content, b.headers["Idempotency-Key"])
    assert len(xero.answers) == 1  # Xero did the work once


def test_a_write_that_never_arrived_is_done_by_find(xero: FakeXero) -> None:
    calls = {"n": 0}

    def dropped_once(request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and calls["n"] == 0:
            calls["n"] += 1
            raise httpx.ReadTimeout("lost", request=request)
        return xero(request)

    request = WriteRequest(DataType.INVOICES, WriteKind.CREATE, "op-3", INVOICE)
    with pytest.raises(OutcomeUnknownError):
        writer(dropped_once).write(request)
    assert writer(dropped_once).find(request) is not None
    assert len(xero.answers) == 1


def test_a_long_key_is_shortened_the_same_way_every_time() -> None:
    assert idempotency_key("k" * 128) == "k" * 128
    long = idempotency_key("k" * 200)
    assert len(long) <= 128
    assert long == idempotency_key("k" * 200) != idempotency_key("j" * 200)


def test_xeros_validation_exception_is_a_refusal_with_its_messages(xero: FakeXero) -> None:
    xero.refuse = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [
            {
                "ValidationErrors": [{"Message": "Email address must be valid."}],
                "LineItems": [
                    {"ValidationErrors": [{"Message": "Account code '999' is not a valid code."}]}
                ],
            }
        ],
    }
    with pytest.raises(RejectedError) as refused:
        writer(xero).write(WriteRequest(DataType.INVOICES, WriteKind.CREATE, "op-4", INVOICE))
    assert refused.value.status_code == 400
    assert "Email address must be valid." in refused.value.message
    assert refused.value.fields == (("lineItems[0]", "Account code '999' is not a valid code."),)


def test_what_xero_cannot_take_is_refused_before_anything_is_sent(xero: FakeXero) -> None:
    record = {
        **INVOICE,
        "lineItems": [{"unitAmount": 1, "quantity": 1, "accountRef": {"id": "nope"}}],
    }
    with pytest.raises(RejectedError) as refused:
        writer(xero).write(WriteRequest(DataType.INVOICES, WriteKind.CREATE, "op-5", record))
    assert refused.value.fields == (("lineItems[0].accountRef.id", "No account nope in Xero."),)
    assert _writes(xero) == []


def test_an_update_posts_to_the_record_and_refuses_one_changed_since_the_pull(
    xero: FakeXero,
) -> None:
    pulled = datetime(2024, 6, 3, 0, 30, tzinfo=UTC)  # Xero's copy: 2024-06-03T01:00:00Z
    update = WriteRequest(
        DataType.INVOICES,
        WriteKind.UPDATE,
        "op-6",
        INVOICE,
        record_id="inv-9",
        expected_modified=pulled,
    )
    with pytest.raises(RejectedError) as stale:
        writer(xero).write(update)
    assert stale.value.status_code == 409
    current = WriteRequest(
        DataType.INVOICES,
        WriteKind.UPDATE,
        "op-7",
        INVOICE,
        record_id="inv-9",
        expected_modified=datetime(2024, 6, 3, 2, 0, tzinfo=UTC),
    )
    result = writer(xero).write(current)
    sent = _writes(xero)[-1]
    assert (sent.method, sent.url.path) == ("POST", "/api.xro/2.0/Invoices/inv-9")
    assert json.loads(sent.content)["Invoices"][0]["InvoiceID"] == "inv-9"
    assert result.changes[0].type is PushChangeType.MODIFIED
    # find() does not check again: the change it would see is its own write.
    assert writer(xero).find(update) is not None


def test_a_payment_changes_the_invoice_it_pays(xero: FakeXero) -> None:
    payment = {
        "accountRef": {"id": BANK},
        "totalAmount": 40,
        "date": "2024-06-15",
        "lines": [{"amount": 40, "links": [{"type": "Invoice", "id": "inv-1", "amount": -40}]}],
    }
    result = writer(xero).write(WriteRequest(DataType.PAYMENTS, WriteKind.CREATE, "op-8", payment))
    sent = json.loads(_writes(xero)[0].content)["Payments"][0]
    assert sent == {
        "Invoice": {"InvoiceID": "inv-1"},
        "Account": {"AccountID": BANK},
        "Date": "2024-06-15",
        "Amount": 40,
    }
    assert [(c.type, c.data_type, c.record_id) for c in result.changes][1] == (
        PushChangeType.MODIFIED,
        DataType.INVOICES,
        "inv-1",
    )


def test_a_file_is_uploaded_to_the_document(xero: FakeXero) -> None:
    upload = WriteRequest(
        DataType.BILLS,
        WriteKind.UPLOAD_ATTACHMENT,
        "op-9",
        {},
        record_id="bill-1",
        file=UploadedFile("scan 1.pdf", "application/pdf", b"%PDF-1.4"),
    )
    result = writer(xero).write(upload)
    (sent,) = _writes(xero)
    assert sent.method == "PUT"
    assert sent.url.raw_path == b"/api.xro/2.0/Invoices/bill-1/Attachments/scan%201.pdf"
    assert sent.content == b"%PDF-1.4"
    assert sent.headers["Content-Type"] == "application/pdf"
    assert result.changes[0].attachment_id == "att-1"


def test_an_organisation_no_longer_connected_loses_the_authorization() -> None:
    def forbidden(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403, json={"Title": "Forbidden", "Detail": "AuthenticationUnsuccessful"}
        )

    with pytest.raises(AuthorizationLostError):
        writer(forbidden).write(
            WriteRequest(DataType.CUSTOMERS, WriteKind.CREATE, "k", {"customerName": "A"})
        )


def test_payments_cannot_be_updated() -> None:
    assert not CONNECTOR.can_write(DataType.PAYMENTS, WriteKind.UPDATE)
    assert CONNECTOR.can_write(DataType.BILLS, WriteKind.UPLOAD_ATTACHMENT)
    with pytest.raises(RejectedError) as refused:
        writer(FakeXero()).write(
            WriteRequest(DataType.PAYMENTS, WriteKind.UPDATE, "k", {}, record_id="p")
        )
    assert refused.value.status_code == 405


@pytest.mark.parametrize("data_type", sorted(TARGETS), ids=lambda t: t.value)
def test_every_create_model_is_codats_push_option(xero: FakeXero, data_type: DataType) -> None:
    model = writer(xero).options(data_type, WriteKind.CREATE)
    dumped = json.loads(json.dumps(model.model_dump(exclude_none=True)))
    assert errors(dumped, "PushOption", spec="accounting") == []


def test_the_invoice_model_offers_the_companys_active_accounts_and_checks_records(
    xero: FakeXero,
) -> None:
    model = writer(xero).options(DataType.INVOICES, WriteKind.CREATE)
    assert model.properties is not None
    line = model.properties["lineItems"].properties
    assert line is not None
    account_choices = line["accountRef"].properties["id"].options  # type: ignore[index]
    assert [c.value for c in account_choices or []] == [ACCOUNT]  # not the bank, not archived
    assert validate(INVOICE, model) == []
    broken = {
        **INVOICE,
        "lineItems": [{"unitAmount": 1, "quantity": 1, "accountRef": {"id": "gone"}}],
    }
    assert [p.item_id for p in validate(broken, model)] == ["lineItems[0].accountRef.id"]


# -- against the Xero simulator ------------------------------------------------------


def test_written_records_are_read_back_from_the_simulator() -> None:
    size = Size(customers=6, suppliers=4, invoices=20, bills=10, direct_costs=2, history_days=30)
    app = create_app(
        "xero-writer-test", clock=lambda: datetime(2026, 11, 20, 9, 30, tzinfo=UTC), size=size
    )
    sim = app.state.xero
    token = sim.tokens.issue((sim.tenant.tenant_id,)).access_token
    with serve(app) as url:  # type: ignore[arg-type]  # any ASGI app serves
        context = WriterContext(
            company_id="c",
            connection_id="x",
            connection_info={"tenantId": sim.tenant.tenant_id},
            base_url=url,
            access_token=lambda: token,
        )
        reader, xero_writer = XeroReader(context), XeroWriter(context)
        customers = CONNECTOR.stream(DataType.CUSTOMERS)
        chart = CONNECTOR.stream(DataType.CHART_OF_ACCOUNTS)
        invoices = CONNECTOR.stream(DataType.INVOICES)
        assert customers is not None and chart is not None and invoices is not None  # noqa: PT018
        customer = customers.to_standard(reader.fetch(customers, {"page": "1"}, None).records[0])
        income = next(
            a
            for a in (chart.to_standard(r) for r in reader.fetch(chart, {}, None).records)
            if a["type"] == "Income" and a["status"] == "Active"
        )
        record = {
            "customerRef": {"id": customer["id"]},
            "issueDate": "2026-11-19T00:00:00",
            "status": "Submitted",
            "lineItems": [
                {
                    "description": "Work",
                    "unitAmount": 100,
                    "quantity": 2,
                    "accountRef": {"id": income["id"]},
                }
            ],
        }
        request = WriteRequest(DataType.INVOICES, WriteKind.CREATE, "sim-op-1", record)
        created = xero_writer.write(request)
        again = xero_writer.find(request)
        assert again is not None
        assert again.record["id"] == created.record["id"]  # one invoice, not two
        read = [
            invoices.to_standard(r)
            for r in reader.fetch(
                invoices, {"page": "1"}, datetime(2026, 11, 20, tzinfo=UTC)
            ).records
        ]
        (back,) = [d for d in read if d["id"] == created.record["id"]]
        assert back["customerRef"]["id"] == customer["id"]
        assert back["status"] == "Submitted"
        assert back["lineItems"][0]["accountRef"]["id"] == income["id"]
        upload = WriteRequest(
            DataType.INVOICES, WriteKind.UPLOAD_ATTACHMENT, "sim-op-2", {},
            record_id=created.record["id"], file=UploadedFile("note.txt", "text/plain", b"hello"),
        )  # fmt: skip
        xero_writer.write(upload)
        files = reader.attachments(invoices, created.record["id"])
        assert ("note.txt", b"hello") in [(f.name, f.content) for f in files]
