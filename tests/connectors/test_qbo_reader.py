"""The QBO reader's requests and how it pages, answered by an in-memory transport
(httpx.MockTransport through PlatformClient): query paging, CDC and its limits, lookup
steps, attachments, faults, and identifying the company at link time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ledgerport.connectors.errors import (
    AccessTokenRejectedError,
    AuthorizationLostError,
    FatalError,
    RateLimitedError,
)
from ledgerport.connectors.paging import Page
from ledgerport.connectors.quickbooks_online import CONNECTOR
from ledgerport.connectors.quickbooks_online.identify import identify
from ledgerport.connectors.quickbooks_online.reader import QboReader
from ledgerport.connectors.spec import AuthorizedGrant, ReaderContext, ReadStream
from ledgerport.domain.enums import DataType

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
REALM = "9130350000000001"
Handler = Callable[[httpx.Request], httpx.Response]


class Platform:
    """Answers requests with ``handler`` and keeps every request it saw."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self.handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def queries(self) -> list[str]:
        return [params(r)["query"] for r in self.requests if r.url.path.endswith("/query")]


def params(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}


def context(**info: Any) -> ReaderContext:
    return ReaderContext(
        company_id="c",
        connection_id="k",
        connection_info={"realmId": REALM, **info},
        now=NOW,
        base_url="https://qbo.test",
        access_token=lambda: "token-1",
    )


def stream(data_type: DataType) -> ReadStream:
    found = CONNECTOR.stream(data_type)
    assert found is not None
    return found


def pull(reader: QboReader, data_type: DataType, since: datetime | None = None) -> list[Any]:
    """Page a stream as the engine does: first params, fetch, next, until None."""
    read = stream(data_type)
    records: list[Any] = []
    current: dict[str, str] | None = read.paginator.first()
    while current is not None:
        page = reader.fetch(read, current, since)
        records.extend(read.to_standard(raw) for raw in page.records)
        current = read.paginator.next(current, Page(page.body, page.headers, len(page.records)))
    return records


def answer(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def invoice(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "Id": str(n),
        "TxnDate": "2026-03-01",
        "TotalAmt": 10,
        "Balance": 10,
        "CustomerRef": {"value": "1"},
        "MetaData": {"LastUpdatedTime": "2026-03-01T10:00:00-08:00"},
        **extra,
    }


def test_a_full_pull_pages_the_query_endpoint_a_thousand_at_a_time() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        start = int(params(request)["query"].split("STARTPOSITION ")[1].split()[0])
        count = 1000 if start == 1 else 3
        objects = [invoice(start + i) for i in range(count)]
        return answer({"QueryResponse": {"Invoice": objects, "startPosition": start}})

    platform = Platform(handler)
    records = pull(QboReader(context(), platform.transport), DataType.INVOICES)
    assert len(records) == 1003
    assert platform.queries() == [
        "SELECT * FROM Invoice ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000",
        "SELECT * FROM Invoice ORDERBY Id STARTPOSITION 1001 MAXRESULTS 1000",
    ]
    first = platform.requests[0]
    assert first.url.path == f"/v3/company/{REALM}/query"
    assert params(first)["minorversion"] == "75"
    assert first.headers["Accept"] == "application/json"
    assert first.headers["Authorization"] == "Bearer token-1"


def test_an_empty_page_ends_the_list() -> None:
    platform = Platform(lambda r: answer({"QueryResponse": {}, "time": "x"}))
    assert pull(QboReader(context(), platform.transport), DataType.CUSTOMERS) == []
    assert len(platform.requests) == 1


def test_an_incremental_pull_is_one_cdc_call_with_deletions() -> None:
    body = {
        "CDCResponse": [
            {
                "QueryResponse": [
                    {"Invoice": [invoice(7), {"Id": "8", "status": "Deleted", "domain": "QBO"}]}
                ]
            }
        ],
        "time": "2026-03-10T04:00:00-08:00",
    }
    platform = Platform(lambda r: answer(body))
    since = NOW - timedelta(days=2)
    records = pull(QboReader(context(), platform.transport), DataType.INVOICES, since)
    assert [r["id"] for r in records] == ["7", "8"]
    assert records[1] == {"id": "8", "metadata": {"isDeleted": True}}
    (request,) = platform.requests
    assert request.url.path == f"/v3/company/{REALM}/cdc"
    assert params(request)["entities"] == "Invoice"
    assert params(request)["changedSince"] == "2026-03-08T12:00:00+00:00"


def test_a_full_cdc_answer_falls_back_to_queries_on_last_updated_time() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/cdc"):
            objects = [invoice(n) for n in range(1, 1001)]
            return answer({"CDCResponse": [{"QueryResponse": [{"Invoice": objects}]}]})
        return answer({"QueryResponse": {"Invoice": [invoice(5000)]}})

    platform = Platform(handler)
    since = NOW - timedelta(days=1)
    records = pull(QboReader(context(), platform.transport), DataType.INVOICES, since)
    assert len(records) == 1001
    assert platform.queries() == [
        "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '2026-03-09T12:00:00+00:00'"
        " ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000"
    ]


def test_a_since_older_than_cdcs_window_is_read_with_queries() -> None:
    platform = Platform(lambda r: answer({"QueryResponse": {"Bill": []}}))
    pull(QboReader(context(), platform.transport), DataType.BILLS, NOW - timedelta(days=45))
    assert not any(r.url.path.endswith("/cdc") for r in platform.requests)
    assert "MetaData.LastUpdatedTime > '2026-01-24T12:00:00+00:00'" in platform.queries()[0]


def test_tax_codes_are_read_after_the_tax_rates_they_name() -> None:
    rates = [{"Id": "10", "Name": "VAT 20% (Sales)", "RateValue": 20}]
    code = {
        "Id": "4",
        "Name": "20.0% S",
        "Active": True,
        "SalesTaxRateList": {"TaxRateDetail": [{"TaxRateRef": {"value": "10"}, "TaxOrder": 0}]},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        query = params(request)["query"]
        if "FROM TaxRate" in query:
            return answer({"QueryResponse": {"TaxRate": rates}})
        return answer({"QueryResponse": {"TaxCode": [code]}})

    platform = Platform(handler)
    since = NOW - timedelta(days=1)  # not incremental: read in full anyway
    (record,) = pull(QboReader(context(), platform.transport), DataType.TAX_RATES, since)
    assert record["components"] == [{"name": "VAT 20% (Sales)", "rate": 20, "isCompound": False}]
    assert record["effectiveTaxRate"] == 20
    assert [q.split(" ORDERBY")[0] for q in platform.queries()] == [
        "SELECT * FROM TaxRate",
        "SELECT * FROM TaxCode",
    ]


def test_tracking_categories_come_from_classes_and_departments() -> None:
    body = {
        "CDCResponse": [
            {
                "QueryResponse": [
                    {"Class": [{"Id": "1", "Name": "Retail"}]},
                    {"Department": [{"Id": "1", "Name": "London"}]},
                ]
            }
        ]
    }
    platform = Platform(lambda r: answer(body))
    records = pull(
        QboReader(context(), platform.transport),
        DataType.TRACKING_CATEGORIES,
        NOW - timedelta(hours=3),
    )
    assert [r["id"] for r in records] == ["class-1", "department-1"]
    assert params(platform.requests[0])["entities"] == "Class,Department"


def test_bank_accounts_are_the_bank_type_accounts() -> None:
    accounts = [
        {"Id": "35", "Name": "Checking", "AccountType": "Bank", "Classification": "Asset"},
        {"Id": "7", "Name": "Advertising", "AccountType": "Expense"},
        {"Id": "9", "status": "Deleted"},
    ]
    cdc = {"CDCResponse": [{"QueryResponse": [{"Account": accounts}]}]}
    platform = Platform(lambda r: answer(cdc))
    reader = QboReader(context(), platform.transport)
    records = pull(reader, DataType.BANK_ACCOUNTS, NOW - timedelta(days=1))
    assert [r["id"] for r in records] == ["35"]
    query = Platform(lambda r: answer({"QueryResponse": {"Account": accounts[:1]}}))
    pull(QboReader(context(), query.transport), DataType.BANK_ACCOUNTS)
    assert "WHERE AccountType = 'Bank'" in query.queries()[0]


def test_company_info_takes_its_currency_from_preferences() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "Preferences" in params(request)["query"]:
            prefs = {"Id": "1", "CurrencyPrefs": {"HomeCurrency": {"value": "GBP"}}}
            return answer({"QueryResponse": {"Preferences": [prefs]}})
        return answer({"QueryResponse": {"CompanyInfo": [{"Id": "1", "CompanyName": "Acme"}]}})

    platform = Platform(handler)
    (record,) = pull(QboReader(context(), platform.transport), DataType.COMPANY)
    assert (record["id"], record["companyName"], record["baseCurrency"]) == (
        "company",
        "Acme",
        "GBP",
    )
    assert platform.queries() == ["SELECT * FROM Preferences", "SELECT * FROM CompanyInfo"]


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            400,
            {"Fault": {"Error": [{"Message": "Error parsing query", "code": "4000"}]}},
            FatalError,
        ),
        (
            401,
            {"fault": {"error": [{"message": "message=AuthenticationFailed; errorCode=003200"}]}},
            AccessTokenRejectedError,
        ),
        (429, {"Fault": {"Error": [{"Message": "ThrottleExceeded"}]}}, RateLimitedError),
        (403, {"Fault": {"Error": [{"Message": "AuthorizationFailed"}]}}, AuthorizationLostError),
    ],
)
def test_faults_become_the_engines_errors(
    status: int, body: dict[str, Any], error: type[Exception]
) -> None:
    platform = Platform(lambda r: answer(body, status))
    with pytest.raises(error):
        pull(QboReader(context(), platform.transport), DataType.ITEMS)


def test_a_connection_without_a_realm_cannot_be_read() -> None:
    with pytest.raises(FatalError, match="realmId"):
        QboReader(
            ReaderContext(company_id="c", connection_id="k", connection_info={}, base_url="x")
        )


def test_attachments_are_downloaded_without_the_bearer_token() -> None:
    attachables = [
        {
            "Id": "100000000004062174",
            "FileName": "receipt.pdf",
            "ContentType": "application/pdf",
            "TempDownloadUri": "https://files.test/receipt.pdf?sig=1",
            "AttachableRef": [
                {"EntityRef": {"type": "Invoice", "value": "130"}, "IncludeOnSend": True}
            ],
            "MetaData": {"CreateTime": "2026-03-01T10:00:00-08:00"},
        },
        {"Id": "5", "Note": "A note, not a file"},
        {"Id": "6", "FileName": "photo.jpg", "ContentType": "image/jpeg"},
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "files.test":
            return httpx.Response(200, content=b"%PDF-1.4 " + request.url.path.encode())
        if request.url.path.endswith("/download/6"):
            return httpx.Response(200, text="https://files.test/photo.jpg")
        return answer({"QueryResponse": {"Attachable": attachables}})

    platform = Platform(handler)
    reader = QboReader(context(), platform.transport)
    files = reader.attachments(stream(DataType.INVOICES), "130")
    assert [(f.id, f.name, f.include_when_sent) for f in files] == [
        ("100000000004062174", "receipt.pdf", True),
        ("6", "photo.jpg", False),
    ]
    assert files[0].content == b"%PDF-1.4 /receipt.pdf"
    assert files[0].date_created == datetime.fromisoformat("2026-03-01T10:00:00-08:00")
    assert platform.queries()[0].startswith(
        "SELECT * FROM Attachable WHERE AttachableRef.EntityRef.Type = 'Invoice'"
        " AND AttachableRef.EntityRef.value = '130'"
    )
    downloads = [r for r in platform.requests if r.url.host == "files.test"]
    assert len(downloads) == 2
    assert all("Authorization" not in r.headers for r in downloads)


def test_identify_reads_the_realm_off_the_callback_and_names_the_company() -> None:
    platform = Platform(lambda r: answer({"CompanyInfo": {"Id": "1", "CompanyName": "Acme"}}))
    grant = AuthorizedGrant("tok", "https://qbo.test", {"realmId": REALM}, {})
    assert identify(grant, platform.transport) == {"realmId": REALM, "companyName": "Acme"}
    (request,) = platform.requests
    assert request.url.path == f"/v3/company/{REALM}/companyinfo/{REALM}"
    assert request.headers["Authorization"] == "Bearer tok"
    with pytest.raises(FatalError, match="realmId"):
        identify(AuthorizedGrant("tok", "https://qbo.test", {}, {}), platform.transport)


def test_the_declaration() -> None:
    assert CONNECTOR.linkable
    assert CONNECTOR.max_concurrent == 10
    assert {s.data_type for s in CONNECTOR.reads if s.incremental} == {
        s.data_type for s in CONNECTOR.reads
    } - {DataType.TAX_RATES, DataType.COMPANY}
    assert {s.data_type for s in CONNECTOR.reads if s.attachments} == {
        DataType.INVOICES,
        DataType.BILLS,
    }
