"""The Webhooks page: consumers (create, with the signing secret shown once; reveal it
again; disable and enable; delete with confirmation) and each consumer's delivery log
with replay. The same rules as the API's ``/webhooks`` (webhooks/consumers.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.domain import webhooks as rules
from ledgerport.domain.dates import to_codat
from ledgerport.portal.company_list import when
from ledgerport.portal.deps import CsrfChecked, CurrentUser, Now, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import webhooks as repo
from ledgerport.storage.tables import WebhookConsumerRow
from ledgerport.webhooks import consumers, delivery

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

BASE = "/portal/webhooks"
SECTION_ID = "webhook-consumers"
LOG_ID = "webhook-log"
PAGE_SIZE = 25
_NOT_FOUND = PageError(404, "Webhook consumer not found", "It may have been deleted.")
_READS = (rules.READ_COMPLETED, rules.READ_COMPLETED_INITIAL)
_EVENT_GROUPS = (
    ("Companies and connections", tuple(t for t in rules.PLATFORM_EVENT_TYPES if t not in _READS)),
    ("Reads", _READS),
    ("Expenses and reports", rules.PRODUCT_EVENT_TYPES),
)


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise _NOT_FOUND from None


def _load(session: Session, consumer_id: str) -> WebhookConsumerRow:
    row = repo.consumer(session, _id(consumer_id))
    if row is None:
        raise _NOT_FOUND
    return row


def _summary(row: WebhookConsumerRow, counts: dict[tuple[uuid.UUID, str], int]) -> dict[str, Any]:
    """The consumer as the page shows it; ``counts`` from ``repo.open_counts``."""
    pending = counts.get((row.id, repo.PENDING), 0)
    failed = counts.get((row.id, repo.FAILED), 0)
    return {
        "id": str(row.id),
        "url": row.url,
        "disabled": row.disabled,
        "auto_disabled": row.disabled and row.disabled_reason == consumers.FAILING,
        "event_types": list(row.event_types),
        "company_tags": list(row.company_tags or []),
        "created": when(row.created.isoformat()),
        "created_iso": row.created.isoformat(),
        "pending": pending,
        "failed": failed,
    }


def _list_page(
    request: Request,
    user: CurrentUser,
    services: Services,
    *,
    created: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    with services.sessions() as session:
        counts = repo.open_counts(session)
        rows = [_summary(r, counts) for r in repo.consumers(session)]
    context = {
        "consumers": rows,
        "limit": rules.MAX_CONSUMERS,
        "created": created,
        "error": error,
        "notice": notice,
        "form": form or {"url": "", "event_types": [], "company_tags": ""},
        "event_groups": _EVENT_GROUPS,
        "write_types": [t.value for t in rules.WRITE_DATA_TYPES],
        "section_id": SECTION_ID,
        "allow_http": services.settings.webhook_allow_http_private,
    }
    fragment = is_htmx(request) and request.headers.get("HX-Target") == SECTION_ID
    template = "_consumers.html" if fragment else "index.html"
    return render(request, f"portal/webhooks/{template}", context, user=user, status=status)


@router.get(BASE, name="portal_webhooks")
def webhooks_page(request: Request, user: CurrentUser, services: ServicesDep) -> Response:
    return _list_page(request, user, services)


@router.post(BASE, dependencies=[CsrfChecked])
def create_consumer(
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    at: Now,
    url: Annotated[str, Form(max_length=4000)] = "",
    event_types: Annotated[list[str] | None, Form()] = None,
    write_types: Annotated[list[str] | None, Form()] = None,
    company_tags: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """The write events come as data types ticked once for "successful" and once for
    "unsuccessful" in the form; company tags one per line or comma-separated."""
    chosen = list(event_types or []) + [
        rules.write_event_type(t, ok) for t in (write_types or []) for ok in (True, False)
    ]
    tags = [t.strip() for t in company_tags.replace(",", "\n").splitlines() if t.strip()]
    form = {"url": url, "event_types": chosen, "company_tags": company_tags}
    try:
        with transaction(services.sessions) as session:
            made = consumers.create(
                services,
                session,
                url=url,
                event_types=chosen,
                company_tags=tags or None,
                disabled=False,
                now=at,
            )
            created = {"id": str(made.row.id), "url": made.row.url, "secret": made.secret}
    except rules.ConsumerRuleError as bad:
        return _list_page(request, user, services, error=bad.message, form=form, status=422)
    return _list_page(request, user, services, created=created)


@router.post(BASE + "/{consumer_id}/secret", dependencies=[CsrfChecked])
def reveal_secret(
    consumer_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    """The signing secret, to a signed-in user who asks (a POST: never in a URL, a
    history entry or a cache)."""
    with services.sessions() as session:
        row = _load(session, consumer_id)
        shown = {"id": str(row.id), "url": row.url, "secret": consumers.secret(services, row)}
    return render(request, "portal/webhooks/secret.html", {"shown": shown}, user=user)


@router.post(BASE + "/{consumer_id}/disable", dependencies=[CsrfChecked])
def disable(
    consumer_id: str, request: Request, user: CurrentUser, services: ServicesDep, at: Now
) -> Response:
    return _set_disabled(consumer_id, True, request, user, services, at)


@router.post(BASE + "/{consumer_id}/enable", dependencies=[CsrfChecked])
def enable(
    consumer_id: str, request: Request, user: CurrentUser, services: ServicesDep, at: Now
) -> Response:
    return _set_disabled(consumer_id, False, request, user, services, at)


def _set_disabled(
    consumer_id: str,
    disabled: bool,
    request: Request,
    user: CurrentUser,
    services: Services,
    at: datetime,
) -> Response:
    with transaction(services.sessions) as session:
        consumers.set_disabled(session, _load(session, consumer_id), disabled, at)
    if not is_htmx(request):
        return RedirectResponse(BASE, status_code=303)
    notice = (
        "The consumer is disabled: nothing is sent to it, and what was waiting has failed "
        "(replay it from the delivery log once it is enabled)."
        if disabled
        else "The consumer is enabled: new events are sent to it again."
    )
    return _list_page(request, user, services, notice=notice)


@router.get(BASE + "/{consumer_id}/delete", name="portal_webhook_delete_confirm")
def confirm_delete(
    consumer_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    with services.sessions() as session:
        found = _load(session, consumer_id)
        row = _summary(found, repo.open_counts(session, found.id))
    return render(request, "portal/webhooks/delete.html", {"consumer": row}, user=user)


@router.post(BASE + "/{consumer_id}/delete", dependencies=[CsrfChecked])
def delete(
    consumer_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    with transaction(services.sessions) as session:
        repo.remove(session, _load(session, consumer_id))
    if not is_htmx(request):
        return RedirectResponse(BASE, status_code=303)
    response = _list_page(
        request, user, services, notice="The consumer is deleted, with its delivery log."
    )
    response.headers["HX-Trigger"] = orjson.dumps({"closeDialog": True}).decode()
    return response


# -- a consumer's delivery log --------------------------------------------------------------


def _log_context(services: Services, consumer_id: str, page: int) -> dict[str, Any]:
    with services.sessions() as session:
        row = _load(session, consumer_id)
        total = repo.count_deliveries(session, row.id)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        found = session.execute(
            repo.deliveries_of(row.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
        attempts = repo.attempts_of(session, [d.seq for d, _ in found])
        deliveries = [
            {
                "id": str(d.id),
                "event_id": str(e.id),
                "event_type": d.event_type,
                "company_id": str(d.company_id) if d.company_id else "",
                "status": d.status,
                "attempts": d.attempts,
                "created": when(d.created.isoformat()),
                "created_iso": d.created.isoformat(),
                "next_attempt": to_codat(d.next_attempt) if d.status == repo.PENDING else None,
                "replay_of": str(d.replay_of) if d.replay_of else "",
                "log": [
                    {
                        "at": to_codat(a.attempted),
                        "status_code": a.status_code,
                        "error": a.error or "",
                        "response": a.response or "",
                        "duration_ms": a.duration_ms,
                        "trigger": a.trigger,
                    }
                    for a in attempts[d.seq]
                ],
            }
            for d, e in found
        ]
        return {
            "consumer": _summary(row, repo.open_counts(session, row.id)),
            "deliveries": deliveries,
            "page": page,
            "pages": pages,
            "total": total,
            "log_id": LOG_ID,
        }


def _log_page(
    request: Request,
    user: CurrentUser,
    services: Services,
    consumer_id: str,
    page: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {**_log_context(services, consumer_id, page), "notice": notice, "error": error}
    fragment = is_htmx(request) and request.headers.get("HX-Target") == LOG_ID
    template = "_log.html" if fragment else "consumer.html"
    return render(request, f"portal/webhooks/{template}", context, user=user, status=status)


@router.get(BASE + "/{consumer_id}", name="portal_webhook")
def consumer_page(
    consumer_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    return _log_page(request, user, services, consumer_id, page)


@router.post(BASE + "/{consumer_id}/deliveries/{delivery_id}/replay", dependencies=[CsrfChecked])
def replay(
    consumer_id: str,
    delivery_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    at: Now,
) -> Response:
    with transaction(services.sessions) as session:
        consumer = _load(session, consumer_id)
        row = repo.delivery(session, consumer.id, _id(delivery_id))
        if row is None:
            raise PageError(404, "Delivery not found", "It may have been purged from the log.")
        try:
            again = delivery.replay(session, row, at)
            notice = (
                "Sending it again now."
                if again.id == row.id
                else "Replayed: a new delivery of the event is on its way."
            )
            error = None
        except delivery.ReplayError as refused:
            notice, error = None, str(refused)
    if not is_htmx(request):
        return RedirectResponse(f"{BASE}/{consumer_id}", status_code=303)
    return _log_page(
        request,
        user,
        services,
        consumer_id,
        1,
        notice=notice,
        error=error,
        status=409 if error else 200,
    )
