"""Link for OAuth platforms: off to the platform's consent page, and back.

``start`` (called by the connection's Link page once its one-time token checks out)
records a trip (random ``state``, PKCE verifier) bound to the Link URL's nonce and sends
the browser to the platform. ``/link/oauth/callback`` takes the trip (once), checks the
Link URL is still unused, exchanges the code, asks the connector which organisation was
authorized, and links the connection with its grant encrypted, all or nothing. Every way
this can fail ends on a page that says what happened, and a linking error on the
connection that the client's app can read.
"""

from __future__ import annotations

import hmac
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.connectors import oauth
from ledgerport.connectors.errors import ConnectorError
from ledgerport.connectors.spec import AuthorizedGrant, Connector
from ledgerport.domain import links
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.portal.templates import TEMPLATES
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import (
    connections,
    events,
    link_authorizations,
    settings,
    webhook_events,
)
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import refresh
from ledgerport.sync.grants import store_new_grant
from ledgerport.sync.integrations import CALLBACK_PATH, OAuthApp, oauth_app

router = APIRouter(include_in_schema=False)
log = logging.getLogger("ledgerport.portal.oauth")

# The browser that starts a trip must be the one that comes back (login CSRF).
STATE_COOKIE = "lp_oauth_state"
_CALLBACK_KEYS = frozenset({"code", "state", "error", "error_description", "error_uri"})


def start(
    request: Request,
    services: Services,
    session: Session,
    connection: ConnectionRow,
    connector: Connector,
    app: OAuthApp,
) -> Response:
    """Record a trip for ``connection`` and send the browser to the consent page."""
    verifier = oauth.new_verifier()
    state = link_authorizations.start(
        session, services.vault, connection.id, connection.link_nonce, verifier, utcnow()
    )
    target = oauth.authorize_url(app.spec, app.urls, app.client, state, verifier)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(link_authorizations.LIFETIME.total_seconds()),
        path=CALLBACK_PATH,
        httponly=True,
        # Lax: the platform's redirect back is a top-level GET navigation, which Lax
        # cookies accompany; other sites' subrequests get nothing.
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def start_pulls(request: Request, pull_ids: list[uuid.UUID]) -> None:
    """Hand a just-linked connection's first pulls to the job queue (committed first):
    its data starts flowing now, not at the scheduler's next minute."""
    tasks = getattr(request.app.state, "tasks", None)
    if tasks is not None:
        for pull_id in pull_ids:
            tasks.run_pull(str(pull_id))


def _page(
    request: Request, status: int, heading: str, message: str, tone: str = "error"
) -> Response:
    response = TEMPLATES.TemplateResponse(
        request,
        "link/message.html",
        {"heading": heading, "message": message, "tone": tone},
        status_code=status,
    )
    response.delete_cookie(STATE_COOKIE, path=CALLBACK_PATH)
    return response


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


class _Refused(Exception):
    def __init__(
        self, status: int, heading: str, message: str, code: str = "", text: str = ""
    ) -> None:
        super().__init__(message)
        self.status, self.heading, self.message = status, heading, message
        self.code, self.text = code, text


@router.get(CALLBACK_PATH)
def callback(request: Request) -> Response:
    services = _services(request)
    query = dict(request.query_params)
    state = query.get("state", "")
    if not state:
        return _page(
            request,
            400,
            "This authorization cannot be completed",
            "The platform sent no state back. Open your Link URL again.",
        )
    cookie = request.cookies.get(STATE_COOKIE, "")
    now = utcnow()
    with transaction(services.sessions) as session:
        trip = link_authorizations.take(session, services.vault, state, now)
        if isinstance(trip, str):
            heading, message = _TRIP_PAGES[trip]
            return _page(request, 400 if trip == "unknown" else 410, heading, message)
        connection = session.get(ConnectionRow, trip.connection_id)
        connector = services.connectors.get(connection.platform_key) if connection else None
        app = oauth_app(services, session, connector) if connector else None
        if connection is None or connector is None:
            return _page(request, 404, "Connection not found", "It may have been deleted.")
        try:
            _check_link(services, connection, trip.link_nonce, now)
            if not hmac.compare_digest(cookie, state):
                raise _Refused(
                    403,
                    "Authorization started elsewhere",
                    "This authorization was started in another browser. Open your Link "
                    "URL again in this one.",
                    "403",
                    "StateMismatch",
                )
            if "error" in query:
                raise _denied(connector, query)
            if app is None:
                raise _Refused(
                    400,
                    "Platform unavailable",
                    f"{connector.name} is not configured on this server any more.",
                    "400",
                    "NotConfigured",
                )
        except _Refused as early:
            _linking_error(session, connection, early, now)
            return _finish(request, services, session, connection, connector, early)
        verifier, nonce = trip.verifier, trip.link_nonce
    # Outside any transaction: the platform may take its time.
    try:
        tokens = oauth.exchange_code(app.urls, app.client, query.get("code", ""), verifier, now)
        info = _identify(app, connector, tokens, query)
    except ConnectorError as failure:
        refused = _Refused(
            502,
            f"{connector.name} did not complete the connection",
            f"{connector.name} could not finish the authorization ({failure}). Open your "
            "Link URL again to retry.",
            "502",
            "TokenExchangeFailed",
        )
        with transaction(services.sessions) as session:
            row = session.get(ConnectionRow, connection.id)
            if row is not None:
                _linking_error(session, row, refused, utcnow())
            return _finish(request, services, session, row or connection, connector, refused)
    with transaction(services.sessions) as session:
        linked = _link(services, session, connection, connector, nonce, tokens, info, utcnow())
        if linked is None:
            spent = _Refused(410, *_TRIP_PAGES["used"], "410", "LinkUsed")
            return _finish(request, services, session, connection, connector, spent)
        response = _finish(request, services, session, connection, connector, None)
    start_pulls(request, linked)  # committed: the data starts flowing now
    return response


_TRIP_PAGES = {
    "unknown": (
        "This authorization cannot be completed",
        "The platform sent back a state we did not issue. Open your Link URL again.",
    ),
    "used": (
        "This link has already been used",
        "Each link connects once. Ask the business that sent it for a new link.",
    ),
    "expired": (
        "This authorization took too long",
        "Open your Link URL again to start over.",
    ),
}


def _check_link(services: Services, connection: ConnectionRow, nonce: str, now: datetime) -> None:
    """The Link URL the trip started from must still be the connection's, unused and in
    date: a URL reissued or used meanwhile voids the trip."""
    if connection.link_nonce != nonce or connection.link_used_at is not None:
        raise _Refused(410, *_TRIP_PAGES["used"], "410", "LinkUsed")
    ttl = timedelta(days=services.settings.link_token_ttl_days)
    if now - connection.link_issued_at > ttl:
        raise _Refused(
            410,
            "This link has expired",
            "Ask the business that sent it for a new link.",
            "410",
            "LinkExpired",
        )


def _denied(connector: Connector, query: dict[str, str]) -> _Refused:
    error = query.get("error", "")
    described = query.get("error_description", "").strip()
    if error == "access_denied":
        return _Refused(
            403,
            f"{connector.name} was not connected",
            f"Access was not allowed at {connector.name}. Open your Link URL again if you "
            "change your mind.",
            "403",
            "AccessDenied",
        )
    detail = f" ({described})" if described else ""
    return _Refused(
        400,
        f"{connector.name} did not authorize the connection",
        f"{connector.name} answered {error}{detail}. Open your Link URL again to retry.",
        "400",
        "AuthorizationFailed",
    )


def _identify(
    app: OAuthApp, connector: Connector, tokens: oauth.TokenSet, query: dict[str, str]
) -> dict[str, Any]:
    if app.spec.identify is None:
        return {}
    grant = AuthorizedGrant(
        access_token=tokens.access_token,
        api_base_url=app.urls.api_base_url,
        callback={k: v for k, v in query.items() if k not in _CALLBACK_KEYS},
        token_response=dict(tokens.details),
    )
    return dict(app.spec.identify(grant))


def _linking_error(
    session: Session, connection: ConnectionRow, refused: _Refused, now: datetime
) -> None:
    connections.add_error(connection, refused.code, refused.text, refused.message, now)
    events.record(
        session,
        "connection.failed",
        now,
        company_id=connection.company_id,
        connection_id=connection.id,
        data=connections.event_payload(connection, reason=refused.message),
    )


LINKED = ("200", "Linked", "")


def client_redirect(
    session: Session,
    connection: ConnectionRow,
    connector: Connector,
    outcome: tuple[str, str, str] = LINKED,
) -> str | None:
    """Where Link sends the company when it ends: the profile's ``redirectUrl`` with
    Codat's placeholders filled in (``outcome`` is statusCode, statusText and
    errorMessage), or None when the profile sets none."""
    profile = settings.profile(session)
    if not profile.redirect_url:
        return None
    code, text, error = outcome
    values = {
        "clientId": str(profile.client_id),
        "companyId": str(connection.company_id),
        "connectionId": str(connection.id),
        "integrationId": str(connector.integration_id),
        "sourceId": str(connector.source_id),
        "platform": connector.key,
        "platformName": connector.name,
        "sourceType": connector.source_type.value,
        "statusCode": code,
        "statusText": text,
        "errorMessage": error,
    }
    return links.fill_redirect(profile.redirect_url, values)


def _link(
    services: Services,
    session: Session,
    connection: ConnectionRow,
    connector: Connector,
    nonce: str,
    tokens: oauth.TokenSet,
    info: dict[str, Any],
    now: datetime,
) -> list[uuid.UUID] | None:
    """Linked, with the grant and the organisation, in one transaction, and its first
    pulls queued (returned, to hand to the job queue once committed); None if the Link
    URL was used meanwhile (two tabs racing: one wins)."""
    row = session.get(ConnectionRow, connection.id)
    if row is None:
        return None
    previous = row.status
    result = session.execute(
        update(ConnectionRow)
        .where(
            ConnectionRow.id == row.id,
            ConnectionRow.link_used_at.is_(None),
            ConnectionRow.link_nonce == nonce,
        )
        .values(
            status=ConnectionStatus.LINKED.value,
            link_used_at=now,
            connection_info={**(row.connection_info or {}), **info},
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    session.refresh(row)
    connections.resolve_errors(row)
    store_new_grant(services, connector, row.id, tokens, now, session)
    webhook_events.connection_linked(session, row, previous, now)
    log.info("connection %s linked to %s", row.id, connector.key)
    queued, _ = refresh.queue_all(services, session, row.company_id, now, connection_id=row.id)
    return queued


def _finish(
    request: Request,
    services: Services,
    session: Session,
    connection: ConnectionRow,
    connector: Connector,
    refused: _Refused | None,
) -> Response:
    """Back to the client's app (Profile ``redirectUrl``, with Codat's placeholders) or
    a page that says how it went."""
    outcome = (refused.code, refused.text, refused.message) if refused else LINKED
    redirect = client_redirect(session, connection, connector, outcome)
    if redirect:
        response: Response = RedirectResponse(redirect, status_code=303)
        response.delete_cookie(STATE_COOKIE, path=CALLBACK_PATH)
        return response
    if refused is not None:
        return _page(request, refused.status, refused.heading, refused.message)
    return _page(
        request,
        200,
        f"{connector.name} connected",
        "You can close this window. The business you are sharing with can now see your data.",
        tone="muted",
    )
