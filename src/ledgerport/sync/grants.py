"""Keeping an OAuth connection's access token valid, for every connector at once.

The complaint every integration tool hears is tokens: refreshed too late, refreshed by
two workers at once (with rotating refresh tokens the loser's refresh token is dead and
the connection with it), or refreshed and then lost in a crash. So:

- a refresh happens under a lock on the grant (PostgreSQL's row lock; SQLite's single
  writer), and a worker that waited for it first looks whether the grant it waited for
  was refreshed meanwhile, and adopts that one instead of refreshing again;
- the platform's answer is committed before the new access token is used: a worker
  killed after the commit leaves a usable grant, one killed before it leaves the old
  refresh token, which Xero and QuickBooks keep honouring for a grace period;
- ``invalid_grant`` (revoked consent, a refresh token past its lifetime) turns the
  connection ``Deauthorized`` with a linking error, and the event goes to the outbox.

The keeper holds no lock between calls; each pull or push has its own keeper.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ledgerport.connectors import oauth
from ledgerport.connectors.errors import AuthorizationLostError, TransientError
from ledgerport.connectors.spec import Connector
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import connections, grants
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.integrations import OAuthApp, oauth_app

log = logging.getLogger("ledgerport.sync.grants")

# Refresh this long before the access token expires rather than use it to its last
# second: a request sent with seconds to go can arrive after expiry.
EXPIRY_MARGIN = timedelta(seconds=60)


class GrantKeeper:
    """One connection's grant, as one pull or push uses it."""

    def __init__(
        self,
        services: Services,
        connector: Connector,
        connection_id: uuid.UUID,
        app: OAuthApp,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.services = services
        self.connector = connector
        self.connection_id = connection_id
        self.app = app
        self.clock = clock
        self._token: str | None = None
        self._expires_at: datetime | None = None
        self.refreshes = 0  # refreshes this keeper made (not adopted): for the audit

    @classmethod
    def for_connection(
        cls,
        services: Services,
        connector: Connector,
        connection_id: uuid.UUID,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> GrantKeeper | None:
        """A keeper for an OAuth connector's connection; None for other connectors.
        Raises ``AuthorizationLostError`` when the platform is not set up here."""
        with services.sessions() as session:
            app = oauth_app(services, session, connector)
        if app is None:
            if connector.auth.kind != "oauth2":
                return None
            raise AuthorizationLostError(
                f"{connector.name} is not configured on this server (no OAuth client id "
                "and secret): set it in the integration settings."
            )
        return cls(services, connector, connection_id, app, clock=clock)

    @property
    def api_base_url(self) -> str:
        return self.app.urls.api_base_url

    def access_token(self) -> str:
        """The current access token (loaded on first use); what readers call."""
        if self._token is None:
            self._load()
        assert self._token is not None
        return self._token

    def expiring(self, margin: timedelta = EXPIRY_MARGIN) -> bool:
        """Whether the token runs out within ``margin``: refresh before using it."""
        if self._expires_at is None:
            self._load()
        assert self._expires_at is not None
        return self._expires_at - margin <= self.clock()

    def _load(self) -> None:
        with self.services.sessions() as session:
            stored = grants.load(session, self.services.vault, self.connection_id)
        if stored is None:
            raise AuthorizationLostError(
                f"No {self.connector.name} authorization is stored for this connection: "
                "the company needs to link it again."
            )
        self._token, self._expires_at = stored.access_token, stored.expires_at

    def refresh(self, stale: str | None = None) -> None:
        """Make the held token a fresh one. ``stale`` is the token the platform refused
        (None: refreshing ahead of expiry). If another worker refreshed while this one
        waited for the lock, its token is adopted and no second refresh is made."""
        stale = stale if stale is not None else self._token
        lost: AuthorizationLostError | None = None
        with transaction(self.services.sessions) as session:
            stored = grants.load(session, self.services.vault, self.connection_id, lock=True)
            now = self.clock()
            if stored is None:
                raise AuthorizationLostError(
                    f"The {self.connector.name} authorization was removed (unlinked or "
                    "deauthorized)."
                )
            # Another worker refreshed while this one waited: use its token. (Without a
            # token seen before, there is nothing to compare: refresh.)
            refreshed_meanwhile = stale is not None and stored.access_token != stale
            if refreshed_meanwhile and stored.expires_at - EXPIRY_MARGIN > now:
                self._token, self._expires_at = stored.access_token, stored.expires_at
                return
            if stored.refresh_token is None:
                lost = AuthorizationLostError(
                    f"{self.connector.name} gave no refresh token: the company needs to link again."
                )
            else:
                try:
                    tokens = oauth.refresh(
                        self.app.urls, self.app.client, stored.refresh_token, now
                    )
                except AuthorizationLostError as refused:
                    lost = refused
                except TransientError:
                    raise  # the platform could not be asked: the lock is released, retry
            if lost is not None:
                connection = session.get(ConnectionRow, self.connection_id)
                if connection is not None:
                    connections.deauthorize(
                        session,
                        connection,
                        f"{self.connector.name} refused to renew the authorization "
                        f"({lost}). Send the company its new Link URL.",
                        now,
                    )
            else:
                grants.save(
                    session,
                    self.services.vault,
                    self.connection_id,
                    access_token=tokens.access_token,
                    refresh_token=tokens.refresh_token,
                    expires_at=tokens.expires_at,
                    refresh_expires_at=tokens.refresh_expires_at
                    or _rolling_expiry(self.connector, now),
                    scope=_scope(tokens),
                    now=now,
                    refreshed=True,
                )
        # Committed (or the connection deauthorized): only now is the new token used.
        if lost is not None:
            log.info("connection %s deauthorized: %s", self.connection_id, lost)
            raise lost
        self._token, self._expires_at = tokens.access_token, tokens.expires_at
        self.refreshes += 1


def store_new_grant(
    services: Services,
    connector: Connector,
    connection_id: uuid.UUID,
    tokens: oauth.TokenSet,
    now: datetime,
    session: Session,
) -> None:
    """The grant Link just obtained, in the caller's transaction."""
    grants.save(
        session,
        services.vault,
        connection_id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        refresh_expires_at=tokens.refresh_expires_at or _rolling_expiry(connector, now),
        scope=_scope(tokens),
        now=now,
        refreshed=False,
    )


def _rolling_expiry(connector: Connector, now: datetime) -> datetime | None:
    """When an unused refresh token dies, where the platform does not say (Xero's 60
    days): the connector's declared authorization lifetime from now."""
    lifetime = connector.authorization_lifetime
    return now + lifetime if lifetime else None


def _scope(tokens: oauth.TokenSet) -> str | None:
    scope = tokens.details.get("scope")
    return scope if isinstance(scope, str) else None
