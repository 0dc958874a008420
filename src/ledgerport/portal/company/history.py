"""The Data history tab: every pull, live while any runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from starlette.responses import Response

from ledgerport.domain.dates import to_codat
from ledgerport.domain.pulls import ACTIVE, PullStatus, is_errored
from ledgerport.portal.company import common
from ledgerport.portal.company_list import when
from ledgerport.portal.deps import CurrentUser, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PortalRoute
from ledgerport.storage.repositories import pulls
from ledgerport.storage.tables import PullOperationRow

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

PAGE_SIZE = 50
HISTORY_ID = "data-history"
_ACTIVE = [s.value for s in ACTIVE]


@dataclass(frozen=True)
class PullItem:
    id: str
    data_type: str
    status: str
    tone: str
    requested: str
    requested_iso: str
    completed: str | None
    completed_iso: str | None
    records: int | None
    progress: int
    error: str | None


@dataclass(frozen=True)
class History:
    items: Sequence[PullItem]
    page: int
    pages: int
    total: int
    running: int  # pulls queued or under way, on any page: polling goes on while > 0


def _item(row: PullOperationRow) -> PullItem:
    status = PullStatus(row.status)
    tone = (
        "status-error"
        if is_errored(status)
        else "status-pending"
        if status in ACTIVE
        else "status-linked"
        if status is PullStatus.COMPLETE
        else "status-unlinked"
    )
    requested = to_codat(row.requested) or ""
    completed = to_codat(row.completed)
    fetched = (row.audit or {}).get("fetched")
    return PullItem(
        id=str(row.id),
        data_type=row.data_type,
        status=status.value,
        tone=tone,
        requested=when(requested) or "",
        requested_iso=requested,
        completed=when(completed),
        completed_iso=completed,
        records=fetched if isinstance(fetched, int) else None,
        progress=row.progress,
        error=row.error_message,
    )


def _history(services: ServicesDep, found: common.CompanyPage, page: int) -> History:
    scope = pulls.company_scope(found.uuid)
    with services.sessions() as session:
        total = session.scalar(select(func.count()).select_from(scope.subquery())) or 0
        running = (
            session.scalar(
                select(func.count()).where(
                    PullOperationRow.company_id == found.uuid,
                    PullOperationRow.status.in_(_ACTIVE),
                )
            )
            or 0
        )
        pages = max(1, -(-total // PAGE_SIZE))
        number = min(page, pages)
        rows = session.scalars(
            scope.order_by(PullOperationRow.requested.desc(), PullOperationRow.id)
            .offset((number - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
    return History([_item(r) for r in rows], number, pages, total, running)


@router.get("/portal/companies/{company_id}/history", name="portal_company_history")
def history_page(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep, page: str = "1"
) -> Response:
    with services.sessions() as session:
        found = common.load(session, company_id)
    history = _history(services, found, common.page_number(page))
    context = {"page": found, "tab": "history", "history": history, "history_id": HISTORY_ID}
    wants_fragment = is_htmx(request) and request.headers.get("HX-Target") == HISTORY_ID
    template = "_history.html" if wants_fragment else "history.html"
    return render(request, f"portal/company/{template}", context, user=user)
