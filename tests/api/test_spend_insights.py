"""Codat's Spend Insights API over HTTP: generate a spend analysis (a job), follow it,
list reports, page the supplier and payment-method analyses, download the bundle; every
body checked against Codat's Spend Insights spec, every error in Codat's shape."""

from __future__ import annotations

import calendar
import functools
import io
import json
import time
import uuid
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.tables import ReportRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import reports as report_jobs
from ledgerport.sync.jobs import start_in_process
from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import _nullable_in_place
from tests.domain.spend_books import TODAY, dataset
from tests.factories import platform
from tests.factories.records import pulled
from tests.factories.sandbox import linked_sandbox, pull

_SPEC = Path(__file__).parents[1] / "conformance" / "Codat-Spend-Insights.json"
_URI = "urn:codat:spend-insights"
ERROR = "responses/Conflict/content/application~1json/schema"


@functools.cache
def _registry() -> Registry:
    contents = _nullable_in_place(json.loads(_SPEC.read_text()))
    return Registry().with_resource(
        _URI, Resource.from_contents(contents, default_specification=DRAFT202012)
    )


def spec_errors(instance: Any, pointer: str) -> list[str]:
    """Problems with ``instance`` against ``#/components/<pointer>`` of the spec."""
    validator = Draft202012Validator(
        {"$ref": f"{_URI}#/components/{pointer}"}, registry=_registry()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def codat_error(response: Any, status: int) -> dict[str, Any]:
    body = assert_codat_error(response, status)
    assert spec_errors(body, ERROR) == []
    return body


def _shift(node: Any, months: int) -> Any:
    """Every ISO date in ``node`` moved ``months`` calendar months (day kept, clamped)."""
    if isinstance(node, dict):
        return {k: _shift(v, months) for k, v in node.items()}
    if isinstance(node, list):
        return [_shift(v, months) for v in node]
    if isinstance(node, str) and len(node) >= 10 and node[4] == "-" and node[7] == "-":
        day = date.fromisoformat(node[:10])
        year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(day.day, last)).isoformat() + node[10:]
    return node


def company_with_payables(services: Services) -> Any:
    """A company whose payables were pulled: the hand-built books of the domain tests,
    moved to end in this month (a report is as of the day it is requested)."""
    company = platform.company(
        services, name="Acme & Sons", connections=(("mqjo", ConnectionStatus.LINKED),)
    )
    today = utcnow().date()
    data = _shift(dataset(), (today.year - TODAY.year) * 12 + today.month - TODAY.month)
    for data_type, key in (
        ("bills", "bills"),
        ("billPayments", "billPayments"),
        ("billCreditNotes", "billCreditNotes"),
        ("suppliers", "suppliers"),
        ("chartOfAccounts", "accounts"),
        ("paymentMethods", "paymentMethods"),
        ("directCosts", "directCosts"),
    ):
        pulled(services, company, data_type, data[key])
    return company


def generate(
    client: TestClient, services: Services, company: Any, *, run: bool = True
) -> dict[str, Any]:
    response = client.post(f"/companies/{company.id}/reports/spendAnalysis")
    assert response.status_code == 202, response.text
    body = response.json()
    assert spec_errors(body, "schemas/ReportOperation") == []
    assert (body["status"], body["type"]) == ("InProgress", "spendAnalysis")
    if run:  # what the worker does with the queued job
        assert report_jobs.run(services, uuid.UUID(body["id"])) == "Complete"
    return body


def test_sandbox_report_end_to_end(client: TestClient, services: Services) -> None:
    company = linked_sandbox(services)
    pull(services, company, *report_jobs.READS)
    started = time.perf_counter()
    queued = generate(client, services, company)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed
    base = f"/companies/{company.id}/reports"
    for report_id in (queued["id"], "latest"):
        status = client.get(f"{base}/spendAnalysis/{report_id}/status")
        assert status.status_code == 200
        assert spec_errors(status.json(), "schemas/ReportOperation") == []
        assert status.json()["status"] == "Complete"
        assert status.json()["id"] == queued["id"]
    listing = client.get(base).json()
    assert spec_errors(listing, "schemas/ReportOperation/definitions/reports") == []
    assert [r["id"] for r in listing["results"]] == [queued["id"]]
    suppliers = client.get(f"{base}/spendAnalysis/latest/suppliers", params={"pageSize": 5})
    assert suppliers.status_code == 200
    page = suppliers.json()
    assert spec_errors(page, "schemas/SupplierAnalysis") == []
    assert len(page["results"]) == 5
    assert page["totalResults"] >= 80  # every sandbox supplier is listed
    assert "next" in page["_links"]
    amounts = [r["billsAmount"] for r in page["results"]]
    assert amounts == sorted(amounts, reverse=True)
    methods = client.get(f"{base}/spendAnalysis/{queued['id']}/paymentMethods").json()
    assert spec_errors(methods, "schemas/PaymentMethodAnalysis") == []
    assert "BankTransfer" in {m["biggestCountPaymentMethod"] for m in methods["results"]}
    bundle = client.get(f"{base}/bundle", params={"reportId": "latest"})
    assert bundle.status_code == 200
    assert bundle.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    assert "SpendAnalysis.xlsx" in archive.namelist()


def test_figures_served_as_computed(client: TestClient, services: Services) -> None:
    company = company_with_payables(services)
    generate(client, services, company)
    base = f"/companies/{company.id}/reports/spendAnalysis/latest"
    suppliers = client.get(f"{base}/suppliers").json()
    assert spec_errors(suppliers, "schemas/SupplierAnalysis") == []
    rows = {r["supplierId"]: r for r in suppliers["results"]}
    assert [r["supplierId"] for r in suppliers["results"]][:2] == ["alpha", "beta"]
    assert (rows["beta"]["billsAmount"], rows["beta"]["billsPaidLateCount"]) == (1300.0, 1)
    assert rows["alpha"]["emailAddress"] == "alpha@example.com"
    # The query language and orderBy work on the analysis as on any list.
    late = client.get(f"{base}/suppliers", params={"query": "billsPaidLateCount>0"}).json()
    assert [r["supplierId"] for r in late["results"]] == ["beta"]
    named = client.get(
        f"{base}/suppliers", params={"orderBy": "-supplierName", "pageSize": 2, "page": 2}
    ).json()
    assert [r["supplierName"] for r in named["results"]] == ["Delta", "Beta"]
    assert (named["totalResults"], named["pageNumber"]) == (5, 2)
    assert "previous" in named["_links"]
    methods = client.get(f"{base}/paymentMethods", params={"query": "billsCount>=5"}).json()
    assert {m["biggestCountPaymentMethod"] for m in methods["results"]} == {
        "BankTransfer",
        "Unknown",
    }
    codat_error(client.get(f"{base}/suppliers", params={"query": "nope=1"}), 400)
    codat_error(client.get(f"{base}/suppliers", params={"query": "billsCount>"}), 400)


def test_bundle_download(client: TestClient, services: Services) -> None:
    company = company_with_payables(services)
    report = generate(client, services, company)
    url = f"/companies/{company.id}/reports/bundle"
    response = client.get(url, params={"reportId": "latest", "lang": "fr"})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=Acme_Sons_SpendReports_fr_")
    assert disposition.endswith(".zip")
    assert (response.headers["x-bundle-partial"], response.headers["x-bundle-included"]) == (
        "false",
        "2",
    )
    assert response.headers["x-bundle-total"] == "2"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = archive.read("manifest.txt").decode()
    assert f"reportId: {report['id']}" in manifest
    assert f"companyId: {company.id}" in manifest
    book = load_workbook(io.BytesIO(archive.read("SpendAnalysis_fr.xlsx")))
    assert "Synthèse" in book.sheetnames
    codat_error(client.get(url, params={"reportId": report["id"]}), 400)
    codat_error(client.get(url, params={"reportId": "latest", "lang": "de"}), 400)
    codat_error(client.get(url), 400)


def test_errors(client: TestClient, services: Services) -> None:
    unknown = uuid.uuid4()
    codat_error(client.post(f"/companies/{unknown}/reports/spendAnalysis"), 404)
    codat_error(client.post("/companies/not-an-id/reports/spendAnalysis"), 404)
    codat_error(client.get(f"/companies/{unknown}/reports"), 404)
    codat_error(client.get(f"/companies/{unknown}/reports/spendAnalysis/latest/status"), 404)
    codat_error(client.get(f"/companies/{unknown}/reports/spendAnalysis/latest/suppliers"), 404)
    codat_error(client.get(f"/companies/{unknown}/reports/bundle?reportId=latest"), 404)
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    base = f"/companies/{company.id}/reports"
    # Bills never pulled: Codat's 409 for a data set not requested.
    body = codat_error(client.post(f"{base}/spendAnalysis"), 409)
    assert "bills" in body["error"]
    assert client.get(base).json()["totalResults"] == 0
    # Report types Spend Insights does not generate, and ones that do not exist.
    codat_error(client.post(f"{base}/creditModel"), 400)
    codat_error(client.post(f"{base}/nonsense"), 400)
    codat_error(client.get(f"{base}/creditModel/latest/status"), 400)
    # No report yet.
    codat_error(client.get(f"{base}/spendAnalysis/latest/status"), 404)
    codat_error(client.get(f"{base}/spendAnalysis/{uuid.uuid4()}/status"), 404)
    codat_error(client.get(f"{base}/spendAnalysis/not-a-uuid/status"), 404)
    codat_error(client.get(f"{base}/spendAnalysis/latest/suppliers"), 404)
    codat_error(client.get(f"{base}/spendAnalysis/latest/paymentMethods"), 404)
    codat_error(client.get(f"{base}/bundle", params={"reportId": "latest"}), 404)


def test_report_in_progress_and_max_age(client: TestClient, services: Services) -> None:
    company = company_with_payables(services)
    queued = generate(client, services, company, run=False)
    base = f"/companies/{company.id}/reports/spendAnalysis"
    status = client.get(f"{base}/{queued['id']}/status").json()
    assert status["status"] == "InProgress"
    body = codat_error(client.get(f"{base}/{queued['id']}/suppliers"), 404)
    assert "InProgress" in body["error"]
    codat_error(client.get(f"{base}/latest/paymentMethods"), 404)  # none complete yet
    later = "2999-01-01T00:00:00Z"
    codat_error(client.get(f"{base}/latest/status", params={"maxAge": later}), 404)
    earlier = client.get(f"{base}/latest/status", params={"maxAge": "2000-01-01"})
    assert earlier.status_code == 200
    codat_error(client.get(f"{base}/latest/status", params={"maxAge": "yesterday"}), 400)
    # Another report for another company is not this company's.
    other = company_with_payables(services)
    codat_error(
        client.get(f"/companies/{other.id}/reports/spendAnalysis/{queued['id']}/status"), 404
    )
    # Finished once: running the job again changes nothing.
    assert report_jobs.run(services, uuid.UUID(queued["id"])) == "Complete"
    assert report_jobs.run(services, uuid.UUID(queued["id"])) == "Complete"
    listing = client.get(
        f"/companies/{company.id}/reports", params={"query": "status=Complete", "pageSize": 1}
    ).json()
    assert [r["id"] for r in listing["results"]] == [queued["id"]]


def test_failed_generation_is_an_error_report(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = company_with_payables(services)
    queued = generate(client, services, company, run=False)

    def broken(*_args: Any) -> dict[str, Any]:
        raise ValueError("boom")

    monkeypatch.setattr(report_jobs, "analyse_spend", broken)
    assert report_jobs.run(services, uuid.UUID(queued["id"])) == "Error"
    status = client.get(f"/companies/{company.id}/reports/spendAnalysis/latest/status").json()
    assert spec_errors(status, "schemas/ReportOperation") == []
    assert status["status"] == "Error"
    assert "could not be generated" in status["errorMessage"]
    assert "boom" not in status["errorMessage"]  # no internals in the API


def test_report_runs_on_the_job_queue(client: TestClient, services: Services) -> None:
    company = company_with_payables(services)
    consumer = start_in_process(client.app.state.queue, workers=1, periodic=False)
    try:
        queued = generate(client, services, company, run=False)
        url = f"/companies/{company.id}/reports/spendAnalysis/{queued['id']}/status"
        for _ in range(200):
            status = client.get(url).json()
            if status["status"] != "InProgress":
                break
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    assert status["status"] == "Complete"


def test_deleting_the_company_deletes_its_reports(client: TestClient, services: Services) -> None:
    company = company_with_payables(services)
    generate(client, services, company)
    assert client.delete(f"/companies/{company.id}").status_code == 204
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReportRow)) == 0


def test_a_report_whose_job_was_lost_ends_in_error(client: TestClient, services: Services) -> None:
    """The scheduler's recovery settles a report left in progress (its job lost, its
    worker dead) instead of leaving it InProgress for ever."""
    from datetime import timedelta

    from ledgerport.storage.db import transaction
    from ledgerport.storage.types import utcnow
    from ledgerport.sync import recovery

    company = company_with_payables(services)
    queued = generate(client, services, company, run=False)
    with transaction(services.sessions) as session:
        recovery.recover(session, utcnow())  # just requested: left alone
    status_url = f"/companies/{company.id}/reports/spendAnalysis/{queued['id']}/status"
    assert client.get(status_url).json()["status"] == "InProgress"
    with transaction(services.sessions) as session:
        recovery.recover(session, utcnow() + recovery.REPORT_TIMEOUT + timedelta(seconds=1))
    assert client.get(status_url).json()["status"] == "Error"
