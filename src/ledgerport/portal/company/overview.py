"""A company's page: the Summary tab (figures and activity log) and Refresh data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from ledgerport.portal.company import activity, common
from ledgerport.portal.company.actions import queue_all
from ledgerport.portal.company.summary import PERIOD_MONTHS, summarize
from ledgerport.portal.deps import CsrfChecked, CurrentUser, Now, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PortalRoute
from ledgerport.storage.db import transaction
from ledgerport.sync.jobs import Tasks

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

# Sent after a refresh: Data history, if it is on the page, reloads and starts polling.
PULLS_QUEUED = "pullsQueued"


def money(value: float) -> str:
    return f"{value:,.2f}"


def _page_number(raw: str) -> int:
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


@router.get("/portal/companies/{company_id}", name="portal_company")
def summary_page(
    company_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    at: Now,
    activity_page: Annotated[str, Query(alias="activity")] = "1",
) -> Response:
    with services.sessions() as session:
        found = common.load(session, company_id)
        summary = summarize(session, found.uuid, at.date())
        log = activity.activity_page(
            session,
            found.uuid,
            found.company.created,
            services.platform_names,
            _page_number(activity_page),
        )
    context = {
        "page": found,
        "tab": "summary",
        "summary": summary,
        "period_months": PERIOD_MONTHS,
        "money": money,
        "activity": log,
    }
    return render(request, "portal/company/summary.html", context, user=user)


@router.get("/portal/companies/{company_id}/activity", name="portal_company_activity")
def activity_fragment(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep, page: str = "1"
) -> Response:
    """One page of the activity log, for htmx; a plain request gets the whole page."""
    number = _page_number(page)
    if not is_htmx(request):
        return RedirectResponse(
            f"{common.company_path(company_id)}?activity={number}", status_code=303
        )
    with services.sessions() as session:
        found = common.load(session, company_id)
        log = activity.activity_page(
            session, found.uuid, found.company.created, services.platform_names, number
        )
    return render(
        request, "portal/company/_activity.html", {"page": found, "activity": log}, user=user
    )


def refresh_message(queued: int, running: int, linked: bool) -> tuple[str, str]:
    """(tone, text) for the confirmation shown after Refresh data."""
    if not linked:
        return "error", (
            "Nothing to refresh: the company has no linked connection. Send it a Link URL "
            "from Manage connections."
        )
    if queued:
        also = f" ({running} already under way)" if running else ""
        return "success", (
            f"Refresh queued: {queued} data type{'s' if queued != 1 else ''} will be pulled"
            f"{also}. Follow them in Data history."
        )
    if running:
        return "success", (
            f"A refresh is already under way ({running} pulls). Follow it in Data history."
        )
    return "error", (
        "Nothing to refresh: no data type this platform reads is set to fetch on first "
        "link. Turn some on in Settings, Data type settings."
    )


@router.post(
    "/portal/companies/{company_id}/refresh",
    name="portal_company_refresh",
    dependencies=[CsrfChecked],
)
def refresh(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep, at: Now
) -> Response:
    with transaction(services.sessions) as session:
        found = common.load(session, company_id)
        queued, running = queue_all(services, session, found.uuid, at)
    tasks: Tasks = request.app.state.tasks
    for pull_id in queued:
        tasks.run_pull(str(pull_id))
    linked = any(c.status == "Linked" for c in found.connections)
    tone, text = refresh_message(len(queued), running, linked)
    if not is_htmx(request):
        return RedirectResponse(common.company_path(found.company.id) + "/history", status_code=303)
    return render(
        request,
        "portal/company/_refreshed.html",
        {"tone": tone, "text": text, "page": found},
        user=user,
        headers={"HX-Trigger": PULLS_QUEUED} if queued else None,
    )
