"""What every page of a connection's Link flow shares: checking its one-time token,
the pages that say why a link cannot be used, and completing Link.

Completing is one function for every kind of platform (the sandbox's one click, the
file-upload connection's *Finish*): the Link URL is consumed and the connection linked
in one conditional update, so two tabs (or two servers) racing on the same URL cannot
both succeed; the first pulls are queued in the same transaction and handed to the job
queue once it has committed; the company goes on to the profile's ``redirectUrl`` (with
Codat's placeholders filled in) or a "connected" page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.connectors.spec import Connector
from ledgerport.domain import links
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.portal import csrf, oauth
from ledgerport.portal.templates import TEMPLATES
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import connections, webhook_events
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import refresh, uploads


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def message(
    request: Request, status: int, heading: str, text: str, tone: str = "error"
) -> Response:
    return TEMPLATES.TemplateResponse(
        request,
        "link/message.html",
        {"heading": heading, "message": text, "tone": tone},
        status_code=status,
    )


def page(
    request: Request, template: str, context: dict[str, object], status: int = 200
) -> Response:
    """A Link page with a form: its CSRF token in the context and the cookie."""
    token = csrf.issue(request)
    response = TEMPLATES.TemplateResponse(
        request, template, {**context, "csrf_token": token}, status_code=status
    )
    csrf.attach(response, token, secure=request.url.scheme == "https")
    return response


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


BAD_LINK = ("This link is not valid", "Ask the business that sent it for a new link.")
SESSION_EXPIRED = ("Session expired", "Go back, reload the page and try again.")

STATE_PAGES = {
    "invalid": (403, *BAD_LINK),
    "used": (
        410,
        "This link has already been used",
        "Each link connects once. Ask the business that sent it for a new link.",
    ),
    "expired": (410, "This link has expired", "Ask the business that sent it for a new link."),
}


def connection_state(
    services: Services, session: Session, company_id: str, connection_id: str, otp: str
) -> tuple[str, ConnectionRow | None]:
    """``valid`` and the connection, or why its Link URL cannot be used (``invalid``,
    ``used``, ``expired``): see :func:`links.connection_token_state`."""
    cid, xid = parse_uuid(company_id), parse_uuid(connection_id)
    row = connections.get(session, cid, xid) if cid and xid else None
    if row is None:
        return "invalid", None
    state = links.connection_token_state(
        services.secret,
        str(row.id),
        row.link_nonce,
        otp,
        issued_at=row.link_issued_at,
        used_at=row.link_used_at,
        ttl=timedelta(days=services.settings.link_token_ttl_days),
        now=utcnow(),
    )
    return state, row


def refusal(request: Request, state: str) -> Response:
    return message(request, *STATE_PAGES[state])


@dataclass(frozen=True)
class Completed:
    """A connection Link has just linked: what to do once the transaction commits."""

    platform_name: str
    first_pulls: list[uuid.UUID]
    redirect: str | None  # the profile's redirectUrl, filled in


def complete(
    services: Services,
    session: Session,
    row: ConnectionRow,
    connector: Connector,
    now: datetime,
) -> Completed | None:
    """Consume ``row``'s Link URL and link it, in the caller's transaction; ``None`` when
    another request used the URL first (nothing is changed then)."""
    result = session.execute(
        update(ConnectionRow)
        .where(
            ConnectionRow.id == row.id,
            ConnectionRow.link_used_at.is_(None),
            ConnectionRow.link_nonce == row.link_nonce,
        )
        .values(status=ConnectionStatus.LINKED.value, link_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    previous = row.status
    session.refresh(row)
    if previous != ConnectionStatus.LINKED.value:
        # At the moment it was linked, so the activity log pairs the two. (A file-upload
        # connection confirmed through the API may be linked already.)
        webhook_events.connection_linked(session, row, previous, row.link_used_at or now)
    if uploads.reads_files(connector):
        # Its files are its data: every type it reads, whatever fetchOnFirstLink says.
        first_pulls = uploads.queue_pulls(services, session, row, now)
    else:
        first_pulls, _ = refresh.queue_all(
            services, session, row.company_id, now, connection_id=row.id
        )
    return Completed(connector.name, first_pulls, oauth.client_redirect(session, row, connector))


ConnectionState = Callable[[Services, Session, str, str, str], tuple[str, ConnectionRow | None]]
"""How a form finds its connection from the path and the Link token: ``connection_state``
or a narrower check."""
Instead = Callable[[Services, Session, ConnectionRow, Connector | None], Response | None]
"""What a form answers instead of completing (its own refusals, or the platform's consent
page for OAuth), or ``None`` to complete."""


def complete_posted(
    request: Request,
    company_id: str,
    connection_id: str,
    otp: str,
    csrf_token: str,
    *,
    state_of: ConnectionState = connection_state,
    instead: Instead,
) -> Response:
    """The form that completes Link (Connect, a file upload's Finish): its CSRF token
    and the connection's Link token checked, ``instead`` asked, then :func:`complete` in
    one transaction and :func:`finished` once it has committed."""
    services = services_of(request)
    if not csrf.is_valid(request, csrf_token):
        return message(request, 403, *SESSION_EXPIRED)
    with transaction(services.sessions) as session:
        state, row = state_of(services, session, company_id, connection_id, otp)
        if state != "valid" or row is None:
            return refusal(request, state)
        connector = services.connectors.get(row.platform_key)
        answer = instead(services, session, row, connector)
        if answer is not None:
            return answer
        assert connector is not None  # turned away by instead (or state_of) when missing
        done = complete(services, session, row, connector, utcnow())
        if done is None:
            return refusal(request, "used")
    return finished(request, done)


def finished(request: Request, done: Completed) -> Response:
    """After the commit: start the first pulls, then back to the client's app, as Codat's
    Link does (Profile redirectUrl), or the "connected" page."""
    oauth.start_pulls(request, done.first_pulls)
    if done.redirect:
        return RedirectResponse(done.redirect, status_code=303)
    return message(
        request,
        200,
        f"{done.platform_name} connected",
        "You can close this window. The business you are sharing with can now see your data.",
        tone="muted",
    )
