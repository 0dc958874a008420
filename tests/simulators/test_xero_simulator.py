"""The Xero simulator against Xero's own spec and documented behaviour: paging,
If-Modified-Since, MS-JSON dates, per-tenant rate limits, auth refusals, OAuth with
PKCE and refresh-token rotation, and responses valid against ``xero_accounting.yaml``."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from starlette.testclient import TestClient

from ledgerport.connectors.sandbox.size import Size
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ledgerport.simulators.xero.dates import parse_ms_date
from ledgerport.simulators.xero.ratelimit import RateLimiter

SPEC = Path(__file__).resolve().parents[1] / "conformance/xero/xero_accounting.yaml"
SIZE = Size(customers=30, suppliers=20, invoices=230, bills=120, direct_costs=10, history_days=120)
START = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
API = "/api.xro/2.0"
MS_DATE = re.compile(r"^/Date\(\d+\+0000\)/$")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def bearer_headers(app: Any) -> dict[str, str]:
    """A fresh token's headers for the simulator's tenant (the consent page skipped)."""
    sim = app.state.xero
    tokens = sim.tokens.issue((sim.tenant.tenant_id,))
    return {
        "Authorization": f"Bearer {tokens.access_token}",
        "xero-tenant-id": sim.tenant.tenant_id,
    }


def walk(
    client: TestClient, path: str, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    """Every record of a paged list, page by page until an empty page."""
    key = path.rsplit("/", 1)[-1]
    seen: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.get(f"{API}{path}", headers=headers, params={"page": page, **params})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["pagination"]["page"] == page
        if not body[key]:
            return seen
        seen.extend(body[key])
        page += 1


def test_paging_walks_every_invoice_exactly_once(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    company = app.state.xero.books().company
    expected = len(company.invoices) + len(company.bills)  # deleted ones too (DELETED)
    first = client.get(f"{API}/Invoices", headers=headers, params={"page": 1}).json()
    assert len(first["Invoices"]) == 100
    assert first["pagination"] == {
        "page": 1,
        "pageSize": 100,
        "pageCount": -(-expected // 100),
        "itemCount": expected,
    }
    invoices = walk(client, "/Invoices", headers)
    ids = [i["InvoiceID"] for i in invoices]
    assert len(ids) == expected == len(set(ids))
    assert {i["Type"] for i in invoices} == {"ACCREC", "ACCPAY"}
    by_size = walk(client, "/Invoices", headers, pageSize=37)
    assert [i["InvoiceID"] for i in by_size] == ids


def test_invoices_carry_xero_amounts_and_statuses(
    client: TestClient, headers: dict[str, str]
) -> None:
    invoices = walk(client, "/Invoices", headers)
    assert {i["Status"] for i in invoices} <= {"DRAFT", "AUTHORISED", "PAID", "VOIDED", "DELETED"}
    assert {"AUTHORISED", "PAID"} <= {i["Status"] for i in invoices}
    for i in invoices:
        assert round(i["SubTotal"] + i["TotalTax"], 2) == i["Total"]
        assert i["CurrencyCode"] == "GBP"
        assert i["Contact"]["ContactID"]
        assert i["LineItems"]
        if i["Status"] == "PAID":
            assert i["AmountDue"] == 0
            assert i["AmountPaid"] > 0
            assert "FullyPaidOnDate" in i
        if i["Status"] == "AUTHORISED":
            assert i["AmountDue"] > 0


def test_contacts_are_customers_and_suppliers(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    contacts = walk(client, "/Contacts", headers)
    books = app.state.xero.books()
    # The business keeps trading after its history: at least the history's contacts.
    customers = sum(c["IsCustomer"] for c in contacts)
    assert customers == len(books.rows(DataType.CUSTOMERS)) >= SIZE.customers
    suppliers = sum(c["IsSupplier"] for c in contacts)
    assert suppliers == len(books.rows(DataType.SUPPLIERS)) >= SIZE.suppliers
    assert all(c["IsCustomer"] != c["IsSupplier"] for c in contacts)
    invoices = walk(client, "/Invoices", headers)
    assert {i["Contact"]["ContactID"] for i in invoices} <= {c["ContactID"] for c in contacts}
    accounts = client.get(f"{API}/Accounts", headers=headers).json()["Accounts"]
    codes = {a["Code"]: a["AccountID"] for a in accounts}
    lines = [line for i in invoices for line in i["LineItems"]]
    assert all(codes[line["AccountCode"]] == line["AccountID"] for line in lines)


def test_if_modified_since_returns_only_later_records(
    client: TestClient, headers: dict[str, str]
) -> None:
    everything = walk(client, "/Invoices", headers)
    stamps = sorted(parse_ms_date(i["UpdatedDateUTC"]) for i in everything)
    since = stamps[len(stamps) // 2]
    later = walk(client, "/Invoices", {**headers, "If-Modified-Since": since.isoformat()})
    assert 0 < len(later) < len(everything)
    assert all(parse_ms_date(i["UpdatedDateUTC"]) >= since for i in later)
    assert len(later) == sum(1 for s in stamps if s >= since)
    accounts = client.get(
        f"{API}/Accounts", headers={**headers, "If-Modified-Since": START.isoformat()}
    ).json()["Accounts"]
    assert all(parse_ms_date(a["UpdatedDateUTC"]) >= START for a in accounts)


def test_dates_are_ms_json_with_date_strings(client: TestClient, headers: dict[str, str]) -> None:
    body = client.get(f"{API}/Invoices", headers=headers, params={"page": 1}).json()
    assert MS_DATE.match(body["DateTimeUTC"])
    for i in body["Invoices"]:
        for field in ("Date", "DueDate", "UpdatedDateUTC"):
            assert MS_DATE.match(i[field]), i[field]
        issued, due = parse_ms_date(i["Date"]), parse_ms_date(i["DueDate"])
        assert issued.strftime("%Y-%m-%dT%H:%M:%S") == i["DateString"]
        assert due.strftime("%Y-%m-%dT%H:%M:%S") == i["DueDateString"]
        assert issued <= due
        assert parse_ms_date(i["UpdatedDateUTC"]) <= START


def test_61st_call_in_a_minute_is_refused(
    clock: Clock, client: TestClient, headers: dict[str, str]
) -> None:
    remaining = []
    for _ in range(60):
        response = client.get(f"{API}/Accounts", headers=headers)
        assert response.status_code == 200
        remaining.append(int(response.headers["X-MinLimit-Remaining"]))
        clock.advance(milliseconds=500)
    assert remaining == list(range(59, -1, -1))
    assert response.headers["X-DayLimit-Remaining"] == "4940"
    refused = client.get(f"{API}/Invoices", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 31  # the first call leaves the window
    clock.advance(seconds=int(refused.headers["Retry-After"]))
    again = client.get(f"{API}/Accounts", headers=headers)
    assert again.status_code == 200
    assert again.headers["X-DayLimit-Remaining"] == "4939"


def test_day_limit_is_a_sliding_day() -> None:
    clock = Clock()
    limiter = RateLimiter(clock)
    for _ in range(5000):
        assert limiter.take("t").allowed
        clock.advance(seconds=2)
    verdict = limiter.take("t")
    assert not verdict.allowed
    assert verdict.problem == "day"
    assert verdict.headers()["X-DayLimit-Remaining"] == "0"
    assert verdict.retry_after == 86_400 - 10_000
    assert limiter.take("other tenant").allowed


def test_missing_or_wrong_credentials_are_refused(
    app: Any, clock: Clock, client: TestClient, headers: dict[str, str]
) -> None:
    no_auth = client.get(f"{API}/Invoices", headers={"xero-tenant-id": headers["xero-tenant-id"]})
    assert no_auth.status_code == 401
    assert no_auth.json()["Title"] == "Unauthorized"
    assert no_auth.json()["Status"] == 401
    bad = client.get(f"{API}/Invoices", headers={**headers, "Authorization": "Bearer nope"})
    assert bad.status_code == 401
    no_tenant = client.get(f"{API}/Invoices", headers={"Authorization": headers["Authorization"]})
    assert no_tenant.status_code == 403
    assert no_tenant.json()["Detail"] == "AuthenticationUnsuccessful"
    other = client.get(f"{API}/Contacts", headers={**headers, "xero-tenant-id": str(uuid_of("x"))})
    assert other.status_code == 403
    assert "X-MinLimit-Remaining" not in other.headers
    clock.advance(minutes=30)
    expired = client.get(f"{API}/Accounts", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired")


def uuid_of(text: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def test_connections_list_the_tenant(app: Any, client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/connections", headers={"Authorization": headers["Authorization"]})
    assert response.status_code == 200
    [connection] = response.json()
    assert connection["tenantId"] == headers["xero-tenant-id"]
    assert connection["tenantType"] == "ORGANISATION"
    assert client.get("/connections").status_code == 401


@cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return spec


def spec_validator(ref: str) -> jsonschema.Draft4Validator:
    """A validator for the spec's schema ``ref`` (``#/components/schemas/Invoices``)."""
    registry = Registry().with_resource(
        "urn:xero", Resource.from_contents(_spec(), default_specification=DRAFT4)
    )
    return jsonschema.Draft4Validator(
        {"$ref": f"urn:xero{ref}"}, registry=registry, format_checker=jsonschema.FormatChecker()
    )


def assert_valid(path: str, method: str, status: str, body: Any) -> None:
    """``body`` is what the spec says ``method path`` answers with ``status``."""
    response = _spec()["paths"][path][method]["responses"][status]
    if "$ref" in response:  # a shared response (``#/components/responses/400Error``)
        response = _spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    errors = sorted(spec_validator(ref).iter_errors(body), key=str)
    assert not errors, errors[0]


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/Invoices", "Invoices"),
        ("/Contacts", "Contacts"),
        ("/Accounts", "Accounts"),
        ("/TaxRates", "TaxRates"),
        ("/TrackingCategories", "TrackingCategories"),
        ("/Items", "Items"),
        ("/Organisation", "Organisations"),
        ("/CreditNotes", "CreditNotes"),
        ("/Payments", "Payments"),
        ("/BankTransactions", "BankTransactions"),
        ("/ManualJournals", "ManualJournals"),
        ("/Journals", "Journals"),
    ],
)
def test_responses_validate_against_the_xero_spec(
    client: TestClient, headers: dict[str, str], path: str, schema: str
) -> None:
    spec = _spec()
    operation = spec["paths"][path]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == f"#/components/schemas/{schema}"
    validator = spec_validator(ref)
    paged = ("Invoices", "Contacts", "CreditNotes", "Payments", "BankTransactions")
    params = {"page": 1} if schema in paged else {}
    body = client.get(f"{API}{path}", headers=headers, params=params).json()
    assert body[schema]
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, errors[0]
    # An invalid body is caught: the validator really looks inside the records.
    field = {
        "Contacts": "ContactStatus",
        "Items": "IsSold",
        "Organisations": "Version",
        "Journals": "SourceType",
    }.get(schema, "Status")
    broken = {schema: [{**body[schema][0], field: "NOPE"}]}
    assert list(validator.iter_errors(broken))


def test_tax_rates_cover_every_invoice_tax_type(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    rates = client.get(f"{API}/TaxRates", headers=headers).json()["TaxRates"]
    books = app.state.xero.books()
    sandbox = books.records(DataType.TAX_RATES)
    # A sales and a purchases rate per VAT rate; "no VAT" is one NONE rate.
    assert len(rates) == 2 * len(sandbox) - 1
    types = [r["TaxType"] for r in rates]
    assert len(types) == len(set(types))
    assert {"OUTPUT2", "INPUT2", "NONE"} <= set(types)
    standard = next(r for r in rates if r["TaxType"] == "OUTPUT2")
    assert standard["EffectiveRate"] == 20
    assert standard["TaxComponents"][0]["Rate"] == 20
    assert standard["ReportTaxType"] == "OUTPUT"
    invoices = walk(client, "/Invoices", headers)
    assert {line["TaxType"] for i in invoices for line in i["LineItems"]} <= set(types)


def test_tracking_categories_nest_their_options(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    categories = client.get(f"{API}/TrackingCategories", headers=headers).json()[
        "TrackingCategories"
    ]
    sandbox = app.state.xero.books().records(DataType.TRACKING_CATEGORIES)
    parents = [r for r in sandbox if not r["parentId"]]
    assert [c["Name"] for c in categories] == [r["name"] for r in parents]
    for category, parent in zip(categories, parents, strict=True):
        children = [r["name"] for r in sandbox if r["parentId"] == parent["id"]]
        assert [o["Name"] for o in category["Options"]] == children
        assert category["Status"] == "ACTIVE"
    option_ids = [o["TrackingOptionID"] for c in categories for o in c["Options"]]
    assert len(option_ids) == len(sandbox) - len(parents) == len(set(option_ids))
    again = client.get(f"{API}/TrackingCategories", headers=headers).json()
    assert again["TrackingCategories"] == categories  # ids are stable


def test_tracking_categories_hide_archived_unless_asked() -> None:
    from ledgerport.simulators.xero.mapping import tracking_categories

    def node(node_id: str, parent: str | None, status: str = "Active") -> dict[str, Any]:
        meta = {"isDeleted": False}
        return {
            "id": node_id,
            "name": node_id,
            "parentId": parent,
            "status": status,
            "metadata": meta,
        }

    records = [
        node("a", None),
        node("a1", "a"),
        node("a2", "a", "Archived"),
        node("b", None, "Archived"),
        node("b1", "b"),
    ]
    tenant = uuid_of("tenant")
    shown = tracking_categories(tenant, records, include_archived=False)
    assert [(c["Name"], [o["Name"] for o in c["Options"]]) for c in shown] == [("a", ["a1"])]
    every = tracking_categories(tenant, records, include_archived=True)
    assert [(c["Name"], [o["Name"] for o in c["Options"]]) for c in every] == [
        ("a", ["a1", "a2"]),
        ("b", ["b1"]),
    ]
    assert every[1]["Status"] == "ARCHIVED"


def test_items_match_the_books_and_invoice_lines(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    items = client.get(f"{API}/Items", headers=headers).json()["Items"]
    sandbox = app.state.xero.books().records(DataType.ITEMS)
    assert len(items) == len(sandbox)
    assert sum(i["IsSold"] for i in items) == sum(r["isInvoiceItem"] for r in sandbox)
    assert sum(i["IsPurchased"] for i in items) == sum(r["isBillItem"] for r in sandbox)
    for i in items:
        assert ("SalesDetails" in i) == i["IsSold"]
        assert ("PurchaseDetails" in i) == i["IsPurchased"]
    cable = next(i for i in items if i["Name"] == "Cable, 100m drum")
    assert cable["SalesDetails"] == {"UnitPrice": 65, "AccountCode": "4010", "TaxType": "OUTPUT2"}
    assert cable["PurchaseDetails"] == {"UnitPrice": 42, "AccountCode": "5000", "TaxType": "INPUT2"}
    codes = {i["Code"] for i in items}
    assert len(codes) == len(items)
    invoices = walk(client, "/Invoices", headers)
    line_codes = {
        line["ItemCode"] for i in invoices for line in i["LineItems"] if "ItemCode" in line
    }
    assert line_codes
    assert line_codes <= codes
    newest = max(parse_ms_date(i["UpdatedDateUTC"]) for i in items)
    since = client.get(f"{API}/Items", headers={**headers, "If-Modified-Since": newest.isoformat()})
    later = since.json()["Items"]
    assert later
    assert all(parse_ms_date(i["UpdatedDateUTC"]) >= newest for i in later)
    after = (newest + timedelta(hours=1)).isoformat()
    none = client.get(f"{API}/Items", headers={**headers, "If-Modified-Since": after}).json()
    assert none["Items"] == []


def test_organisation_is_the_sandbox_company(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    body = client.get(f"{API}/Organisation", headers=headers).json()
    [company] = app.state.xero.books().records(DataType.COMPANY)
    [org] = body["Organisations"]
    assert org["OrganisationID"] == headers["xero-tenant-id"]
    assert org["Name"] == company["companyName"]
    assert org["BaseCurrency"] == company["baseCurrency"]
    assert org["TaxNumber"] == company["taxNumber"]
    start = datetime.fromisoformat(company["financialYearStartDate"])
    year_end = start - timedelta(days=1)
    assert (org["FinancialYearEndDay"], org["FinancialYearEndMonth"]) == (
        year_end.day,
        year_end.month,
    )
    assert MS_DATE.match(org["PeriodLockDate"])
    assert len(org["Addresses"]) == len(company["addresses"])


def test_credit_notes_page_and_filter_like_invoices(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    books = app.state.xero.books()
    sales, purchases = books.rows(DataType.CREDIT_NOTES), books.rows(DataType.BILL_CREDIT_NOTES)
    notes = walk(client, "/CreditNotes", headers)
    assert sum(n["Type"] == "ACCRECCREDIT" for n in notes) == len(sales)
    assert sum(n["Type"] == "ACCPAYCREDIT" for n in notes) == len(purchases)
    ids = [n["CreditNoteID"] for n in notes]
    assert len(ids) == len(set(ids)) == len(sales) + len(purchases) > 1
    assert walk(client, "/CreditNotes", headers, pageSize=1) == notes
    first = client.get(f"{API}/CreditNotes", headers=headers, params={"page": 1, "pageSize": 2})
    assert first.json()["pagination"]["itemCount"] == len(notes)
    assert len(first.json()["CreditNotes"]) == 2
    for n in notes:
        assert round(n["SubTotal"] + n["TotalTax"], 2) == n["Total"]
        assert 0 <= n["RemainingCredit"] <= n["Total"]
    stamps = sorted(parse_ms_date(n["UpdatedDateUTC"]) for n in notes)
    since = stamps[-1]
    later = walk(client, "/CreditNotes", {**headers, "If-Modified-Since": since.isoformat()})
    assert 0 < len(later) == sum(1 for s in stamps if s >= since) < len(notes)


def test_payments_pay_one_invoice_each(
    app: Any, client: TestClient, headers: dict[str, str]
) -> None:
    books = app.state.xero.books()

    def settled(data_type: DataType, doc_type: str) -> list[dict[str, Any]]:
        return [
            link
            for record in books.records(data_type)
            for line in record["lines"]
            if not any(link["type"] == "CreditNote" for link in line["links"])
            for link in line["links"]
            if link["type"] == doc_type
        ]

    receipts, outgoings = (
        settled(DataType.PAYMENTS, "Invoice"),
        settled(DataType.BILL_PAYMENTS, "Bill"),
    )
    payments = walk(client, "/Payments", headers)
    assert sum(p["PaymentType"] == "ACCRECPAYMENT" for p in payments) == len(receipts) > 0
    assert sum(p["PaymentType"] == "ACCPAYPAYMENT" for p in payments) == len(outgoings) > 0
    ids = [p["PaymentID"] for p in payments]
    assert len(ids) == len(set(ids))
    assert walk(client, "/Payments", headers, pageSize=33) == payments
    invoices = {i["InvoiceID"]: i for i in walk(client, "/Invoices", headers)}
    accounts = {
        a["AccountID"] for a in client.get(f"{API}/Accounts", headers=headers).json()["Accounts"]
    }
    for p in payments:
        invoice = invoices[p["Invoice"]["InvoiceID"]]
        assert invoice["InvoiceNumber"] == p["Invoice"]["InvoiceNumber"]
        assert invoice["Type"] == p["Invoice"]["Type"]
        assert 0 < p["Amount"] <= invoice["Total"]
        assert MS_DATE.match(p["Date"])
        if "Account" in p:
            assert p["Account"]["AccountID"] in accounts
    assert sum("Account" in p for p in payments) > 0
    stamps = sorted(parse_ms_date(p["UpdatedDateUTC"]) for p in payments)
    since = stamps[len(stamps) // 2]
    later = walk(client, "/Payments", {**headers, "If-Modified-Since": since.isoformat()})
    assert 0 < len(later) < len(payments)
    assert len(later) == sum(1 for s in stamps if s >= since)


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _authorize(client: TestClient, verifier: str) -> str:
    query = {
        "response_type": "code",
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": "http://localhost:9/callback",
        "scope": "offline_access accounting.transactions",
        "state": "xyz",
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    page = client.get("/identity/connect/authorize", params=query)
    assert page.status_code == 200
    assert "<form" in page.text
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    approved = client.post("/identity/connect/authorize", data=fields, follow_redirects=False)
    assert approved.status_code == 302
    location = urlparse(approved.headers["location"])
    assert location.path == "/callback"
    params = parse_qs(location.query)
    assert params["state"] == ["xyz"]
    return str(params["code"][0])


def test_oauth_code_with_pkce_and_refresh_rotation(
    app: Any, clock: Clock, client: TestClient
) -> None:
    verifier = "v" * 50
    code = _authorize(client, "w" * 50)
    wrong = client.post(
        "/connect/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": DEFAULT_CLIENT_ID,
            "redirect_uri": "http://localhost:9/callback",
            "code_verifier": verifier,
        },
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant"}
    code = _authorize(client, verifier)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": "http://localhost:9/callback",
        "code_verifier": verifier,
    }
    issued = client.post("/connect/token", data=form)
    assert issued.status_code == 200
    tokens = issued.json()
    assert set(tokens) == {"access_token", "refresh_token", "expires_in", "token_type", "scope"}
    assert tokens["expires_in"] == 1800
    assert tokens["token_type"] == "Bearer"
    assert client.post("/connect/token", data=form).json() == {"error": "invalid_grant"}  # used
    tenant = client.get(
        "/connections", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert tenant[0]["tenantId"] == app.state.xero.tenant.tenant_id

    def refresh(token: str) -> Any:
        return client.post(
            "/connect/token",
            data={"grant_type": "refresh_token", "refresh_token": token},
            auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        )

    rotated = refresh(tokens["refresh_token"]).json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    clock.advance(minutes=29)
    assert refresh(tokens["refresh_token"]).json() == rotated  # the grace period
    clock.advance(minutes=2)
    assert refresh(tokens["refresh_token"]).json() == {"error": "invalid_grant"}
    newest = refresh(rotated["refresh_token"])
    assert newest.status_code == 200
    no_pkce = app.state.xero.tokens.new_code(
        DEFAULT_CLIENT_ID, "http://localhost:9/callback", ("t",), "openid", None, None
    )
    secretless = client.post("/connect/token", data={**form, "code": no_pkce})
    assert secretless.json() == {"error": "invalid_grant"}  # no PKCE: the secret is due
    bad_client = client.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": newest.json()["refresh_token"]},
        auth=(DEFAULT_CLIENT_ID, "wrong"),
    )
    assert bad_client.json() == {"error": "invalid_client"}
