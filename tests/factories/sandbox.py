"""A linked sandbox company, real pulls of it and real runs of its pushes, for tests of
write-back through the API (no HTTP for the set-up; the engine does the work)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.domain.push import PushStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pulls
from ledgerport.storage.tables import ConnectionRow, PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine
from ledgerport.sync.push import PushRunner
from tests.factories import platform


def linked_sandbox(services: Services, **info: Any) -> Any:
    """A company with one Linked sandbox connection (``info``: its connectionInfo)."""
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    if info:
        set_info(services, company.connections[0].id, info)
    return company


def set_info(services: Services, connection_id: uuid.UUID, info: dict[str, Any]) -> None:
    with transaction(services.sessions) as session:
        session.execute(
            update(ConnectionRow)
            .where(ConnectionRow.id == connection_id)
            .values(connection_info=info)
        )


def pull(services: Services, company: Any, *data_types: DataType) -> None:
    """Pull each data type now, on this thread, and insist that it completes."""
    engine = Engine(services, sleep=lambda _s: None)
    for data_type in data_types:
        with transaction(services.sessions) as session:
            row, _ = pulls.queue(
                session, company.id, company.connections[0].id, data_type.value, utcnow()
            )
        assert engine.run(row.id) is PullStatus.COMPLETE, data_type


def run_pushes(
    services: Services, clock: Callable[[], datetime] | None = None, rounds: int = 1
) -> list[PushStatus]:
    """One attempt at every pending push operation, oldest first."""
    runner = PushRunner(services, clock=clock or utcnow, rng=random.Random(0))
    outcomes: list[PushStatus] = []
    for _ in range(rounds):
        with services.sessions() as session:
            pending = session.scalars(
                select(PushOperationRow.id)
                .where(PushOperationRow.status == PushStatus.PENDING.value)
                .order_by(PushOperationRow.requested)
            ).all()
        outcomes = [runner.run(push_id).status for push_id in pending]
    return outcomes
