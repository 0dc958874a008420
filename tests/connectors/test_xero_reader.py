"""The Xero reader against the Xero simulator on a real port (as the engine will drive
it: one page per fetch, paging by the declared paginators), and against recorded
answers for what the simulator cannot be made to do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledgerport.connectors.errors import (
    AccessTokenRejectedError,
    AuthorizationLostError,
    FatalError,
)
from ledgerport.connectors.paging import Page
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.spec import AuthorizedGrant, ReaderContext, ReadStream
from ledgerport.connectors.xero import CONNECTOR
from ledgerport.connectors.xero.identity import identify
from ledgerport.connectors.xero.reader import XeroReader
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import create_app
from tests.conformance.codat_schema import errors
from tests.connectors.test_xero_mapping import SCHEMAS
from tests.live_server import serve

SIZE = Size(customers=12, suppliers=8, invoices=120, bills=60, direct_costs=8, history_days=60)
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


class Simulated:
    def __init__(self, url: str, app: Any) -> None:
        self.url, self.app = url, app
        sim = app.state.xero
        self.tenant = sim.tenant.tenant_id
        self.token = sim.tokens.issue((self.tenant,)).access_token

    def context(self, token: str | None = None, tenant: str | None = None) -> ReaderContext:
        return ReaderContext(
            company_id="c",
            connection_id="x",
            connection_info={"tenantId": tenant or self.tenant},
            base_url=self.url,
            access_token=lambda: token or self.token,
        )


@pytest.fixture(scope="module")
def xero() -> Iterator[Simulated]:
    app = create_app("xero-reader-test", clock=lambda: NOW, size=SIZE)
    with serve(app) as url:  # type: ignore[arg-type]  # any ASGI app serves
        yield Simulated(url, app)


def pull(
    reader: XeroReader, stream: ReadStream, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Every record of a stream, paged as the engine pages."""
    docs: list[dict[str, Any]] = []
    params: dict[str, str] | None = stream.paginator.first()
    pages = 0
    while params is not None:
        page = reader.fetch(stream, params, since)
        docs += [stream.to_standard(raw) for raw in page.records]
        params = stream.paginator.next(params, Page(page.body, page.headers, len(page.records)))
        pages += 1
        assert pages < 50, "paging does not end"
    return docs


# Streams whose Xero endpoint the simulator serves. Direct incomes: the sandbox books
# it is built from have none, so there is nothing to compare (golden files cover them).
SERVED = [s.data_type for s in CONNECTOR.reads]


@pytest.fixture(scope="module")
def pulled(xero: Simulated) -> dict[DataType, list[dict[str, Any]]]:
    reader = XeroReader(xero.context())
    return {s.data_type: pull(reader, s) for s in CONNECTOR.reads}


@pytest.mark.parametrize("data_type", SERVED, ids=lambda t: t.value)
def test_every_stream_reads_codat_records(
    pulled: dict[DataType, list[dict[str, Any]]], data_type: DataType
) -> None:
    docs = pulled[data_type]
    if data_type is not DataType.DIRECT_INCOMES:
        assert docs, data_type
    assert len({d["id"] for d in docs}) == len(docs)
    for doc in docs:
        body = {k: v for k, v in doc.items() if k != "id"} if data_type is DataType.COMPANY else doc
        assert errors(body, SCHEMAS[data_type], spec="accounting") == [], (data_type, doc["id"])


def test_two_streams_over_one_list_split_it(xero: Simulated, pulled: dict[DataType, Any]) -> None:
    everything = httpx.get(
        f"{xero.url}/api.xro/2.0/Invoices",
        headers={"Authorization": f"Bearer {xero.token}", "xero-tenant-id": xero.tenant},
    ).json()["Invoices"]
    invoices = {d["id"] for d in pulled[DataType.INVOICES]}
    bills = {d["id"] for d in pulled[DataType.BILLS]}
    assert invoices.isdisjoint(bills)
    assert invoices | bills == {i["InvoiceID"] for i in everything}
    assert len(everything) > 100  # more than a page: paging was exercised


def test_references_point_at_records_that_were_read(pulled: dict[DataType, Any]) -> None:
    accounts = {a["id"] for a in pulled[DataType.CHART_OF_ACCOUNTS]}
    customers = {c["id"] for c in pulled[DataType.CUSTOMERS]}
    tax_rates = {t["id"] for t in pulled[DataType.TAX_RATES]}
    for invoice in pulled[DataType.INVOICES]:
        assert invoice["customerRef"]["id"] in customers
        for line in invoice["lineItems"]:
            assert line["accountRef"]["id"] in accounts
            if "taxRateRef" in line:
                assert line["taxRateRef"]["id"] in tax_rates
    for entry in pulled[DataType.JOURNAL_ENTRIES]:
        assert sum(Decimal(str(line["netAmount"])) for line in entry["journalLines"]) == 0
        assert {line["accountRef"]["id"] for line in entry["journalLines"]} <= accounts


def test_an_incremental_read_gets_only_what_changed(
    xero: Simulated, pulled: dict[DataType, Any]
) -> None:
    stream = CONNECTOR.stream(DataType.INVOICES)
    assert stream is not None
    assert stream.incremental
    since = NOW - timedelta(days=10)
    recent = pull(XeroReader(xero.context()), stream, since)
    assert 0 < len(recent) < len(pulled[DataType.INVOICES])
    assert all(d["sourceModifiedDate"] >= "2026-11-10T09:30:00" for d in recent)


def test_a_refused_token_is_for_the_engine_to_refresh(xero: Simulated) -> None:
    stream = CONNECTOR.stream(DataType.CUSTOMERS)
    assert stream is not None
    with pytest.raises(AccessTokenRejectedError):
        XeroReader(xero.context(token="not-a-token")).fetch(stream, stream.paginator.first(), None)


def test_an_organisation_the_grant_does_not_cover_is_lost_authorization(xero: Simulated) -> None:
    stream = CONNECTOR.stream(DataType.CUSTOMERS)
    assert stream is not None
    other = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(AuthorizationLostError):
        XeroReader(xero.context(tenant=other)).fetch(stream, stream.paginator.first(), None)


def test_a_connection_without_a_tenant_fails_its_pull() -> None:
    stream = CONNECTOR.stream(DataType.CUSTOMERS)
    assert stream is not None
    reader = XeroReader(ReaderContext(company_id="c", connection_id="x", connection_info={}))
    with pytest.raises(FatalError, match="tenantId"):
        reader.fetch(stream, stream.paginator.first(), None)


def test_identify_names_the_organisation_the_grant_is_for(xero: Simulated) -> None:
    info = identify(AuthorizedGrant(xero.token, xero.url, {}, {}))
    assert info == {"tenantId": xero.tenant, "tenantName": xero.app.state.xero.tenant.name}
    assert CONNECTOR.auth.identify is identify  # type: ignore[union-attr]


def test_identify_refuses_a_consent_without_an_organisation() -> None:
    def practice_only(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json=[{"tenantId": "t", "tenantType": "PRACTICE", "tenantName": "P"}]
        )

    with pytest.raises(FatalError, match="no organisation"):
        identify(
            AuthorizedGrant("tok", "https://xero.test", {}, {}),
            transport=httpx.MockTransport(practice_only),
        )


# -- what the simulator cannot be asked to do: recorded answers ---------------------


def recorded(handler: Any) -> XeroReader:
    context = ReaderContext(
        company_id="c",
        connection_id="x",
        connection_info={"tenantId": "t-1"},
        base_url="https://xero.test",
        access_token=lambda: "tok",
    )
    return XeroReader(context, transport=httpx.MockTransport(handler))


def test_each_stream_asks_xero_for_its_own_records_only() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "Invoices": [
                    {"InvoiceID": "a", "Type": "ACCPAY"},
                    {"InvoiceID": "b", "Type": "ACCREC"},
                ]
            },
        )

    stream = CONNECTOR.stream(DataType.BILLS)
    assert stream is not None
    page = recorded(answer).fetch(stream, {"page": "2"}, datetime(2024, 6, 1, 12, tzinfo=UTC))
    assert [r["InvoiceID"] for r in page.records] == ["a"]
    (request,) = seen
    assert request.url.params["where"] == 'Type=="ACCPAY"'
    assert request.url.params["page"] == "2"
    assert request.headers["If-Modified-Since"] == "2024-06-01T12:00:00"
    assert request.headers["xero-tenant-id"] == "t-1"


def test_paging_follows_xeros_page_count_not_what_was_kept() -> None:
    stream = CONNECTOR.stream(DataType.CUSTOMERS)
    assert stream is not None
    body: dict[str, Any] = {
        "pagination": {"page": 1, "pageSize": 100, "pageCount": 3, "itemCount": 250},
        "Contacts": [],
    }
    assert stream.paginator.next({"page": "1"}, Page(body, {}, 0)) == {"page": "2"}
    assert (
        stream.paginator.next(
            {"page": "3"}, Page({**body, "pagination": {**body["pagination"], "page": 3}}, {}, 50)
        )
        is None
    )
    full: dict[str, Any] = {"Contacts": [{}] * 100}  # no pagination object: a full page means more
    assert stream.paginator.next({"page": "1"}, Page(full, {}, 7)) == {"page": "2"}


def test_journals_page_by_journal_number() -> None:
    stream = CONNECTOR.stream(DataType.JOURNAL_ENTRIES)
    assert stream is not None
    assert stream.paginator.first() == {"offset": "0"}
    full = {"Journals": [{"JournalNumber": n} for n in range(101, 201)]}
    assert stream.paginator.next({"offset": "100"}, Page(full, {}, 100)) == {"offset": "200"}
    assert (
        stream.paginator.next(
            {"offset": "200"}, Page({"Journals": [{"JournalNumber": 201}]}, {}, 1)
        )
        is None
    )


def test_lines_given_only_an_account_code_get_the_accounts_id() -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("/Accounts"):
            return httpx.Response(
                200, json={"Accounts": [{"AccountID": "acc-guid", "Code": "310"}]}
            )
        return httpx.Response(
            200,
            json={
                "Items": [
                    {
                        "ItemID": "i",
                        "Code": "X",
                        "IsPurchased": True,
                        "PurchaseDetails": {"AccountCode": "310"},
                    }
                ]
            },
        )

    stream = CONNECTOR.stream(DataType.ITEMS)
    assert stream is not None
    reader = recorded(answer)
    for _ in range(2):
        (item,) = [stream.to_standard(r) for r in reader.fetch(stream, {}, None).records]
        assert item["billItem"]["accountRef"] == {"id": "acc-guid"}
    assert calls.count("/api.xro/2.0/Accounts") == 1  # the chart is read once per pull


def test_files_are_listed_then_downloaded() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Attachments"):
            return httpx.Response(
                200,
                json={
                    "Attachments": [
                        {
                            "AttachmentID": "f1",
                            "FileName": "scan.png",
                            "MimeType": "image/png",
                            "ContentLength": 3,
                            "IncludeOnline": True,
                        }
                    ]
                },
            )
        assert request.url.path == "/api.xro/2.0/CreditNotes/cn-1/Attachments/f1"
        assert request.headers["Accept"] == "image/png"
        return httpx.Response(200, content=b"PNG")

    stream = CONNECTOR.stream(DataType.CREDIT_NOTES)
    assert stream is not None
    assert stream.attachments
    assert stream.has_attachments is not None
    assert stream.has_attachments({"HasAttachments": True})
    assert not stream.has_attachments({})
    (file,) = recorded(answer).attachments(stream, "cn-1")
    assert (file.id, file.name, file.content_type, file.content, file.include_when_sent) == (
        "f1",
        "scan.png",
        "image/png",
        b"PNG",
        True,
    )


def test_the_declaration_is_what_the_engine_needs() -> None:
    assert CONNECTOR.linkable
    assert CONNECTOR.max_concurrent == 5
    assert CONNECTOR.reader is XeroReader
    not_incremental = {s.data_type for s in CONNECTOR.reads if not s.incremental}
    assert not_incremental == {DataType.COMPANY, DataType.TAX_RATES, DataType.TRACKING_CATEGORIES}
