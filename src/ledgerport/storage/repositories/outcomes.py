"""How pulls and pushes ended, counted per platform, data type and status.

Read by ``GET /metrics`` at scrape time: counting rows in the database rather than in
process memory keeps the figures right however many server and worker processes ran
the operations, and across restarts. Each count is one grouped scan of an index
(``ix_pull_operations_connection_type_status``,
``ix_push_operations_connection_type_status``); nothing here names a
company, a connection or a record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import ConnectionRow, PullOperationRow, PushOperationRow


@dataclass(frozen=True)
class Outcome:
    """How many operations of one platform and data type are in one status."""

    platform_key: str
    data_type: str
    status: str
    count: int


def pull_outcomes(session: Session) -> list[Outcome]:
    """Pull operations (Codat's datasets) by platform, data type and status."""
    return _count(session, PullOperationRow)


def push_outcomes(session: Session) -> list[Outcome]:
    """Push operations (writes) by platform, data type and status."""
    return _count(session, PushOperationRow)


def _count(
    session: Session, table: type[PullOperationRow] | type[PushOperationRow]
) -> list[Outcome]:
    # Grouped by connection first (the index's order), then folded per platform in
    # the database, so the answer has one row per (platform, type, status).
    per_connection = (
        select(
            table.connection_id.label("connection_id"),
            table.data_type.label("data_type"),
            table.status.label("status"),
            func.count().label("n"),
        )
        .group_by(table.connection_id, table.data_type, table.status)
        .subquery()
    )
    statement = (
        select(
            ConnectionRow.platform_key,
            per_connection.c.data_type,
            per_connection.c.status,
            func.sum(per_connection.c.n),
        )
        .join(ConnectionRow, ConnectionRow.id == per_connection.c.connection_id)
        .group_by(ConnectionRow.platform_key, per_connection.c.data_type, per_connection.c.status)
        .order_by(ConnectionRow.platform_key, per_connection.c.data_type, per_connection.c.status)
    )
    return [
        Outcome(platform_key=platform, data_type=data_type, status=status, count=int(n))
        for platform, data_type, status, n in session.execute(statement)
    ]
