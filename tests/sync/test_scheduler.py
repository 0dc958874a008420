"""The schedule, with time travel: first-link pulls, each data type's frequency counted
from its last successful pull, and deauthorization after a platform's grant lifetime."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import settings
from ledgerport.storage.tables import ConnectionRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import scheduler
from tests.sync.test_engine import fake, world  # noqa: F401 - the fixtures


def schedule(world: dict[str, Any], at) -> scheduler.ScheduleResult:  # noqa: F811
    services = world["services"]
    with transaction(services.sessions) as session:
        result = scheduler.run(session, services, at)
    for pull_id in result.queued:
        world["engine"].run(pull_id)
    return result


def test_first_link_then_daily_from_the_last_successful_pull(world: dict[str, Any]) -> None:  # noqa: F811
    now = utcnow()
    assert len(schedule(world, now).queued) == 1  # invoices: fetchOnFirstLink
    assert schedule(world, now + timedelta(hours=1)).queued == []
    assert schedule(world, now + timedelta(hours=23)).queued == []
    assert len(schedule(world, now + timedelta(hours=24, minutes=1)).queued) == 1


def test_a_company_setting_changes_the_frequency(world: dict[str, Any]) -> None:  # noqa: F811
    services, company = world["services"], world["company"]
    weekly = [
        {"dataType": "invoices", "fetchOnFirstLink": True, "syncSchedule": 168, "syncOrder": 0}
    ]
    with transaction(services.sessions) as session:
        settings.save_sync_settings(session, company.id, weekly, True)
    now = utcnow()
    assert len(schedule(world, now).queued) == 1
    assert schedule(world, now + timedelta(hours=25)).queued == []
    assert len(schedule(world, now + timedelta(hours=169)).queued) == 1


def test_types_not_fetched_on_first_link_wait_for_a_refresh(world: dict[str, Any]) -> None:  # noqa: F811
    services, company = world["services"], world["company"]
    manual = [
        {"dataType": "invoices", "fetchOnFirstLink": False, "syncSchedule": 24, "syncOrder": 0}
    ]
    with transaction(services.sessions) as session:
        settings.save_sync_settings(session, company.id, manual, True)
    assert schedule(world, utcnow()).queued == []


def test_unused_grants_expire_into_deauthorized(world: dict[str, Any]) -> None:  # noqa: F811
    services, company = world["services"], world["company"]
    connector = services.connectors.get("tstx")
    services.connectors._by_key["tstx"] = dataclasses.replace(
        connector, authorization_lifetime=timedelta(days=60)
    )
    now = utcnow()
    schedule(world, now)  # first pull: lastSync = now
    assert schedule(world, now + timedelta(days=59)).deauthorized == []
    result = schedule(world, now + timedelta(days=61))
    assert result.deauthorized == [company.connections[0].id]
    assert result.queued == []
    with services.sessions() as session:
        row = session.get(ConnectionRow, company.connections[0].id)
        assert row is not None
        assert row.status == ConnectionStatus.DEAUTHORIZED.value
        assert row.errors[-1]["status"] == "Active"
        assert "60 days" in row.errors[-1]["errorMessage"]
        assert row.link_used_at is None  # a fresh Link URL can re-authorize it
    assert schedule(world, now + timedelta(days=62)).queued == []  # no pulls once revoked
