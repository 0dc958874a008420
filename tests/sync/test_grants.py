"""The token lifecycle against the Xero simulator's real token endpoint, on both
databases: a refresh rotates and is stored encrypted before use; two workers racing
make one refresh; a refused refresh token deauthorizes with a linking error and an
event; unlinking forgets the grant."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from ledgerport.config import Settings
from ledgerport.connectors.errors import AuthorizationLostError
from ledgerport.connectors.sandbox.size import Size
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.simulators.xero import create_app
from ledgerport.simulators.xero.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ledgerport.storage.repositories import events, grants
from ledgerport.storage.tables import ConnectionRow, GrantRow
from ledgerport.sync.grants import GrantKeeper
from tests.factories import oauth

SIZE = Size(customers=5, suppliers=5, invoices=10, bills=10, direct_costs=2, history_days=30)
TOKEN = "POST /connect/token"


@pytest.fixture
def xero() -> Iterator[tuple[str, Any]]:
    with oauth.running(create_app("grants", size=SIZE)) as running:
        yield running


@pytest.fixture
def oauth_services(settings: Settings, xero: tuple[str, Any]) -> Iterator[Services]:
    url, _ = xero
    built = Services.build(
        oauth.with_platform(settings, "gbol", url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    )
    yield built
    built.close()


def _linked(services: Services, sim: Any) -> tuple[Any, Any]:
    issued = sim.tokens.issue((sim.tenant.tenant_id,))
    company = oauth.linked(
        services,
        "gbol",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        info={"tenantId": sim.tenant.tenant_id},
    )
    return company, issued


def _xero(services: Services) -> Any:
    connector = services.connectors.get("gbol")
    assert connector is not None
    return connector


def _keeper(services: Services, connection_id: Any) -> GrantKeeper:
    keeper = GrantKeeper.for_connection(services, _xero(services), connection_id)
    assert keeper is not None
    return keeper


def test_a_refresh_rotates_and_is_stored_encrypted(
    oauth_services: Services, xero: tuple[str, Any]
) -> None:
    _, counted = xero
    company, issued = _linked(oauth_services, counted.state.xero)
    connection_id = company.connections[0].id
    keeper = _keeper(oauth_services, connection_id)
    assert keeper.access_token() == issued.access_token

    keeper.refresh()

    assert counted.calls[TOKEN] == 1
    fresh = keeper.access_token()
    assert fresh != issued.access_token
    with oauth_services.sessions() as session:
        stored = grants.load(session, oauth_services.vault, connection_id)
        raw = session.scalars(select(GrantRow)).one()
    assert stored is not None
    assert stored.access_token == fresh
    assert stored.version == 2
    assert stored.refresh_token not in (None, issued.refresh_token)  # rotated, and kept
    # Nothing readable at rest.
    for secret in (fresh, stored.refresh_token):
        assert secret not in raw.access_token
        assert secret not in (raw.refresh_token or "")
    # The simulator accepts the new token: it really is the platform's.
    assert counted.state.xero.tokens.access(fresh) is not None


def test_two_workers_refreshing_at_once_make_one_refresh(
    oauth_services: Services, xero: tuple[str, Any]
) -> None:
    _, counted = xero
    company, issued = _linked(oauth_services, counted.state.xero)
    connection_id = company.connections[0].id
    keepers = [_keeper(oauth_services, connection_id) for _ in range(4)]
    for keeper in keepers:
        keeper.access_token()
    barrier = threading.Barrier(len(keepers))
    failures: list[BaseException] = []

    def refresh(keeper: GrantKeeper) -> None:
        barrier.wait()
        try:
            keeper.refresh(issued.access_token)  # all saw the same token refused
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=refresh, args=(k,)) for k in keepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert counted.calls[TOKEN] == 1  # one refresh; the others adopted it
    assert len({k.access_token() for k in keepers}) == 1
    assert sum(k.refreshes for k in keepers) == 1


def test_a_refused_refresh_token_deauthorizes_the_connection(
    oauth_services: Services, xero: tuple[str, Any]
) -> None:
    _, counted = xero
    sim = counted.state.xero
    company, issued = _linked(oauth_services, sim)
    connection_id = company.connections[0].id
    assert sim.tokens.revoke(issued.refresh_token)
    keeper = _keeper(oauth_services, connection_id)

    with pytest.raises(AuthorizationLostError, match="invalid_grant"):
        keeper.refresh()

    with oauth_services.sessions() as session:
        row = session.get(ConnectionRow, connection_id)
        assert row is not None
        assert row.status == ConnectionStatus.DEAUTHORIZED.value
        assert row.errors[-1]["statusText"] == "Deauthorized"
        assert "invalid_grant" in row.errors[-1]["errorMessage"]
        assert grants.load(session, oauth_services.vault, connection_id) is None
        sent = [e.type for e in events.for_company(session, company.id)]
    assert sent == ["connection.disconnected"]


def test_a_platform_without_a_client_cannot_be_used(services: Services) -> None:
    company = oauth.linked(services, "gbol", access_token="a", refresh_token="r")
    with pytest.raises(AuthorizationLostError, match="not configured"):
        GrantKeeper.for_connection(services, _xero(services), company.connections[0].id)


def test_unlinking_forgets_the_grant(oauth_services: Services, xero: tuple[str, Any]) -> None:
    from fastapi.testclient import TestClient

    from ledgerport.app import create_app as create_server
    from tests.factories import platform

    _, counted = xero
    company, _ = _linked(oauth_services, counted.state.xero)
    connection_id = company.connections[0].id
    with TestClient(create_server(services=oauth_services)) as client:
        client.headers.update(platform.basic(platform.api_key(oauth_services)))
        answer = client.patch(
            f"/companies/{company.id}/connections/{connection_id}", json={"status": "Unlinked"}
        )
    assert answer.status_code == 200, answer.text
    with oauth_services.sessions() as session:
        assert grants.load(session, oauth_services.vault, connection_id) is None


def test_a_grant_about_to_run_out_is_warned_about_once(services: Services) -> None:
    from datetime import timedelta

    from ledgerport.storage.db import transaction
    from ledgerport.storage.types import utcnow
    from ledgerport.sync import scheduler

    company = oauth.linked(services, "gbol", access_token="a", refresh_token="r")
    connection_id = company.connections[0].id
    now = utcnow()
    with transaction(services.sessions) as session:
        # Unused for 57 of its 60 days: three days left.
        row = session.get(GrantRow, connection_id)
        assert row is not None
        row.refresh_expires_at = now + timedelta(days=3)
    with transaction(services.sessions) as session:
        assert scheduler.warn_expiring(session, services, now) == [connection_id]
    with transaction(services.sessions) as session:
        assert scheduler.warn_expiring(session, services, now) == []  # once
    with services.sessions() as session:
        connection = session.get(ConnectionRow, connection_id)
        assert connection is not None
        assert connection.status == ConnectionStatus.LINKED.value
        warning = connection.errors[-1]
        assert warning["statusText"] == "AuthorizationExpiring"
        assert "Xero authorization expires" in warning["errorMessage"]
        sent = [e.type for e in events.for_company(session, company.id)]
    assert sent == ["connection.authorizationExpiring"]
    # A refresh gives the grant its life back, and a later warning can come again.
    with transaction(services.sessions) as session:
        grants.save(
            session,
            services.vault,
            connection_id,
            access_token="a2",
            refresh_token="r2",
            expires_at=now + timedelta(minutes=30),
            refresh_expires_at=now + timedelta(days=60),
            scope=None,
            now=now,
            refreshed=True,
        )
    with services.sessions() as session:
        stored = grants.load(session, services.vault, connection_id)
    assert stored is not None
    assert stored.expiry_warned is None
