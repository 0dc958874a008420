"""The Spend Insights pages: the company picker, a company's insights, Generate report,
its progress, and the Excel download."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response
from starlette.routing import NoMatchFound

from ledgerport.domain.spend import REPORT_TYPE
from ledgerport.domain.spend.workbook import spend_workbook
from ledgerport.portal.deps import CsrfChecked, CurrentUser, Now, ServicesDep, is_htmx
from ledgerport.portal.pages import SECURITY_HEADERS, render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.portal.spend import listing, reports, view
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import reports as report_repo
from ledgerport.storage.repositories import views
from ledgerport.storage.repositories.views import CompanyView, ConnectionView
from ledgerport.sync.jobs import Tasks

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

RESULTS_ID = "spend-companies-results"
STATUS_ID = "spend-report-status"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POLL_SECONDS = 2

_MISSING = PageError(404, "Company not found", "It may have been deleted. Go back to Companies.")
_NO_REPORT = PageError(
    404, "No report to download", "Generate a spend analysis for this company first."
)


def _uuid(value: str, missing: PageError = _MISSING) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise missing from None


def _company(session: Session, company_id: str) -> tuple[CompanyView, list[ConnectionView]]:
    found = views.company(session, _uuid(company_id))
    if found is None:
        raise _MISSING
    return found


def _route(request: Request, name: str, **params: str) -> str | None:
    """The path of another portal page, or None while that page does not exist (the
    company pages are built separately; links to them appear once they are there)."""
    try:
        return str(request.app.url_path_for(name, **params))
    except NoMatchFound:
        return None


def when(moment: datetime | None) -> str:
    return view.NONE if moment is None else f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def workbook_filename(company_name: str, as_of: str) -> str:
    """``{companyName}_SpendAnalysis_{yyyy-MM-dd}.xlsx``, named as the API's bundle is:
    letters, digits, ``-`` and ``_`` only."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", company_name).strip("_") or "Company"
    return f"{safe}_SpendAnalysis_{as_of}.xlsx"


@router.get("/spend-insights", name="portal_spend_insights")
def spend_insights(
    request: Request, user: CurrentUser, services: ServicesDep, q: str = "", page: str = "1"
) -> Response:
    with services.sessions() as session:
        found = listing.choices(session, q, page)
        any_company = found.total > 0 or (bool(found.query) and listing.any_company(session))
    context = {
        "choices": found,
        "any_company": any_company,
        "results_id": RESULTS_ID,
        "when": when,
        "create_href": _route(request, "portal_company_new"),
    }
    wants_results = (
        is_htmx(request)
        and request.headers.get("HX-Target") == RESULTS_ID
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
    template = "_results.html" if wants_results else "index.html"
    return render(request, f"portal/spend/{template}", context, user=user)


def _links(request: Request, company_id: str) -> dict[str, Any]:
    record = _route(
        request, "portal_company_record", company_id=company_id, data_type="bills", record_id="ID"
    )
    return {
        "company": _route(request, "portal_company", company_id=company_id),
        "connections": _route(request, "portal_company_connections", company_id=company_id),
        "refresh": _route(request, "portal_company_refresh", company_id=company_id),
        # A path template for a bill's page: ".../bills/{id}".
        "bill": record[: -len("ID")] + "{id}" if record else None,
    }


@router.get("/spend-insights/{company_id}", name="portal_spend_company")
def company_insights(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    with services.sessions() as session:
        company, connections = _company(session, company_id)
        state = reports.read(session, uuid.UUID(company.id))
    report = state.result
    context: dict[str, Any] = {
        "company": company,
        "linked": any(c.status == "Linked" for c in connections),
        "has_connections": bool(connections),
        "state": state,
        "report": report,
        "links": _links(request, company.id),
        "when": when,
        "f": view.formatters(),
        "record_link": view.record_link,
        "data_type_names": view.data_type_names,
        "listed_bills": view.LISTED_BILLS,
        "status_id": STATUS_ID,
        "poll_seconds": POLL_SECONDS,
    }
    if report is not None:
        spend, suppliers = report["spend"], report["suppliers"]
        currency = report["currencies"]["baseCurrency"] or ""
        context |= {
            "currency": currency,
            "charts": view.build_charts(report),
            "hhi_text": view.hhi_words(
                suppliers["concentration"]["herfindahlHirschmanIndex"],
                suppliers["suppliersCount"],
            ),
            "trend_text": view.trend_words(
                spend["trendPerMonth"], spend["averageMonthlyNetAmount"], currency
            ),
            "dpo_text": view.dpo_words(report["paymentBehaviour"]["daysPayableOutstanding"]),
        }
    return render(request, "portal/spend/company.html", context, user=user)


@router.post(
    "/spend-insights/{company_id}/reports",
    name="portal_spend_generate",
    dependencies=[CsrfChecked],
)
def generate_report(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep, at: Now
) -> Response:
    with transaction(services.sessions) as session:
        company, _ = _company(session, company_id)
        try:
            row = reports.request(session, uuid.UUID(company.id), at)
        except reports.NotPulledError as missing:
            raise PageError(
                409,
                "Bills not pulled yet",
                f"A spend analysis is drawn from the company's payables, and "
                f"{', '.join(missing.missing)} has not been pulled for it. Link a connection "
                "and refresh its data first.",
            ) from None
        report_id = str(row.id)
    tasks: Tasks = request.app.state.tasks
    tasks.run_report(report_id)
    return RedirectResponse(f"{listing.PATH}/{company.id}", status_code=303)


@router.get("/spend-insights/{company_id}/reports/{report_id}/status", name="portal_spend_status")
def report_status(
    company_id: str, report_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    """For htmx polling while a report is generated: the same fragment while it is in
    progress; once it is finished, a full reload shows it (or its error)."""
    page = f"{listing.PATH}/{company_id}"
    if not is_htmx(request):
        return RedirectResponse(page, status_code=303)
    missing = PageError(404, "Report not found", "It may have been deleted with its company.")
    with services.sessions() as session:
        company, _ = _company(session, company_id)
        row = report_repo.find(
            session, uuid.UUID(company.id), REPORT_TYPE, _uuid(report_id, missing)
        )
    if row is None:
        raise missing
    if row.status != report_repo.IN_PROGRESS:
        return Response(status_code=204, headers={"HX-Refresh": "true"})
    context = {
        "company": company,
        "generating": row,
        "when": when,
        "status_id": STATUS_ID,
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "portal/spend/_status.html", context, user=user)


@router.get("/spend-insights/{company_id}/workbook", name="portal_spend_workbook")
def download_workbook(
    company_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    report: str = "",
) -> Response:
    """The analysis as the API bundle's Excel workbook: the report shown on the page
    (``report``), else the latest complete one."""
    with services.sessions() as session:
        company, _ = _company(session, company_id)
        key = uuid.UUID(company.id)
        row = (
            reports.find(session, key, _uuid(report, _NO_REPORT))
            if report
            else report_repo.latest_complete(session, key, REPORT_TYPE)
        )
    if row is None or row.status != report_repo.COMPLETE or row.result is None:
        raise _NO_REPORT
    content = spend_workbook(row.result)
    filename = workbook_filename(company.name, str(row.result["asOf"]))
    return Response(
        content,
        media_type=XLSX,
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )
