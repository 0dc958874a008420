"""Settings, Data type settings: how often each data type is refreshed and whether it
is pulled as soon as a company links. Saved as the profile's sync settings, the same
row ``GET/POST /profile/syncSettings`` reads and writes, through the same checks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from ledgerport.domain.sync_settings import FREQUENCIES, clean_settings, default_settings
from ledgerport.errors import BadRequestError
from ledgerport.portal.deps import CsrfChecked, CurrentUser, ServicesDep
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PortalRoute
from ledgerport.portal.settings.common import tabs
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import settings as repo

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

LABELS = {hours: name.capitalize() for name, hours in FREQUENCIES.items()}


def _current(services: Services) -> tuple[list[dict[str, Any]], bool]:
    with services.sessions() as session:
        row = repo.sync_settings(session, None)
        if row is None:
            return default_settings(), True
        return list(row.settings), row.overrides_defaults


def _page(
    request: Request,
    user: CurrentUser,
    settings: list[dict[str, Any]],
    *,
    saved: bool = False,
    error: str | None = None,
) -> Response:
    rows = []
    for s in settings:
        schedule = int(s["syncSchedule"])
        options = list(LABELS.items())
        if schedule not in LABELS:  # set through the API: kept, and shown as it is
            options.append((schedule, f"Every {schedule} hours"))
        rows.append(
            {
                "data_type": s["dataType"],
                "schedule": schedule,
                "options": options,
                "fetch_on_first_link": bool(s.get("fetchOnFirstLink")),
                "locked": bool(s.get("isLocked")),
            }
        )
    context = {"tabs": tabs("data-types"), "rows": rows, "saved": saved, "error": error}
    status = 422 if error else 200
    return render(request, "portal/settings/data_types.html", context, user=user, status=status)


@router.get("/settings/data-types", name="portal_settings_data_types")
def data_types_page(request: Request, user: CurrentUser, services: ServicesDep) -> Response:
    settings, _ = _current(services)
    return _page(request, user, settings)


def _as_posted(setting: dict[str, Any]) -> dict[str, Any]:
    """A stored setting in the shape ``clean_settings`` checks (the API hands it parsed
    request bodies: ``syncFromUtc`` a datetime, not text)."""
    posted = dict(setting)
    since = posted.get("syncFromUtc")
    if isinstance(since, str):
        posted["syncFromUtc"] = datetime.fromisoformat(since.replace("Z", "+00:00"))
    return posted


@router.post("/settings/data-types", dependencies=[CsrfChecked])
def save_data_types(
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    dataType: Annotated[list[str] | None, Form()] = None,
    syncSchedule: Annotated[list[str] | None, Form()] = None,
    fetchOnFirstLink: Annotated[list[str] | None, Form()] = None,
) -> Response:
    types, schedules = dataType or [], syncSchedule or []
    first_link = set(fetchOnFirstLink or [])
    settings, overrides = _current(services)
    if len(types) != len(schedules):
        return _page(
            request, user, settings, error="The form was incomplete. Reload and try again."
        )
    by_type = {s["dataType"]: _as_posted(s) for s in settings}
    try:
        for data_type, schedule in zip(types, schedules, strict=True):
            if data_type not in by_type:
                raise BadRequestError(f"Unknown data type {data_type!r}.")
            try:
                by_type[data_type]["syncSchedule"] = int(schedule)
            except ValueError:
                raise BadRequestError(f"Choose how often to refresh {data_type}.") from None
            by_type[data_type]["fetchOnFirstLink"] = data_type in first_link
        cleaned = clean_settings(by_type.values())
    except BadRequestError as refused:
        return _page(request, user, settings, error=refused.message)
    with transaction(services.sessions) as session:
        repo.save_sync_settings(session, None, cleaned, overrides)
    return _page(request, user, cleaned, saved=True)
