"""Report operations: requested, then completed with their result or failed. The
caller's transaction; nothing here commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, undefer

from ledgerport.storage.repositories import webhook_events
from ledgerport.storage.tables import ReportRow

IN_PROGRESS = "InProgress"
COMPLETE = "Complete"
ERROR = "Error"


def create(
    session: Session,
    company_id: uuid.UUID,
    report_type: str,
    options: dict[str, Any],
    now: datetime,
) -> ReportRow:
    row = ReportRow(
        id=uuid.uuid4(),
        company_id=company_id,
        report_type=report_type,
        status=IN_PROGRESS,
        requested=now,
        updated=now,
        error_message=None,
        options=options,
        result=None,
    )
    session.add(row)
    session.flush()
    return row


def company_scope(company_id: uuid.UUID, report_type: str | None = None) -> Select[Any]:
    stmt = select(ReportRow).where(ReportRow.company_id == company_id)
    if report_type is not None:
        stmt = stmt.where(ReportRow.report_type == report_type)
    return stmt


def find(
    session: Session,
    company_id: uuid.UUID,
    report_type: str,
    report_id: uuid.UUID | None,
    *,
    generated_after: datetime | None = None,
    with_result: bool = False,
) -> ReportRow | None:
    """One report of the company: by id, or (``report_id`` None) the latest requested.
    ``generated_after``: only a report requested after that instant (Codat's maxAge)."""
    stmt = company_scope(company_id, report_type)
    if report_id is not None:
        stmt = stmt.where(ReportRow.id == report_id)
    if generated_after is not None:
        stmt = stmt.where(ReportRow.requested > generated_after)
    if with_result:
        stmt = stmt.options(undefer(ReportRow.result))
    stmt = stmt.order_by(ReportRow.requested.desc(), ReportRow.id.desc()).limit(1)
    return session.scalars(stmt).first()


def latest_complete(session: Session, company_id: uuid.UUID, report_type: str) -> ReportRow | None:
    stmt = (
        company_scope(company_id, report_type)
        .where(ReportRow.status == COMPLETE)
        .options(undefer(ReportRow.result))
        .order_by(ReportRow.requested.desc(), ReportRow.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def complete(session: Session, report_id: uuid.UUID, result: dict[str, Any], now: datetime) -> bool:
    """Store the result of a report still in progress; False if it was not (a report is
    finished once)."""
    done = session.execute(
        update(ReportRow)
        .where(ReportRow.id == report_id, ReportRow.status == IN_PROGRESS)
        .values(status=COMPLETE, result=result, updated=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount:  # type: ignore[attr-defined]
        webhook_events.report_finished(session, report_id, now)
    return bool(done.rowcount)  # type: ignore[attr-defined]


def fail(session: Session, report_id: uuid.UUID, message: str, now: datetime) -> bool:
    done = session.execute(
        update(ReportRow)
        .where(ReportRow.id == report_id, ReportRow.status == IN_PROGRESS)
        .values(status=ERROR, error_message=message[:2000], updated=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount:  # type: ignore[attr-defined]
        webhook_events.report_finished(session, report_id, now)
    return bool(done.rowcount)  # type: ignore[attr-defined]


def fail_stale(session: Session, before: datetime, message: str, now: datetime) -> list[uuid.UUID]:
    """Fail the reports still in progress that were requested before ``before``: their
    job was lost or its worker died (a report takes well under a second)."""
    stale = list(
        session.scalars(
            select(ReportRow.id).where(
                ReportRow.status == IN_PROGRESS, ReportRow.requested < before
            )
        )
    )
    for report_id in stale:
        fail(session, report_id, message, now)
    return stale
