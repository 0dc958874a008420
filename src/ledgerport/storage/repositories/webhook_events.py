"""The events Codat's webhooks report, each recorded by the storage function that makes
its change, in the same transaction (``events.record``). One function per kind of
change; the payloads hold what the webhook reports that is not the company or the
connection (those ``events.record`` adds itself).

Two events sum up several changes and must be recorded exactly once, by whichever
transaction completes the set: ``read.completed`` (a group of pulls) and
``expenses.sync.*`` (the push operations of an expense sync). Those transactions lock
the company row before looking, and the event carries a ``dedupe_key``.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.domain import webhooks as kinds
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.pulls import ACTIVE, PullStatus
from ledgerport.domain.push import FINAL as _PUSH_FINAL
from ledgerport.storage.repositories import events
from ledgerport.storage.tables import (
    CompanyRow,
    ConnectionRow,
    ExpenseSyncRow,
    ExpenseTransactionRow,
    PullOperationRow,
    PushOperationRow,
    ReportRow,
)

_ACTIVE = {s.value for s in ACTIVE}
_EXPENSES_ORIGIN = re.compile(r"expenses:([0-9a-fA-F-]{36})$")


def _connection_event(
    session: Session, type_: str, connection: ConnectionRow, now: datetime, **extra: Any
) -> None:
    """An event about a connection, with the summary the portal's activity log reads
    (the same keys as ``connections.event_payload``, which this module cannot import:
    connections.py imports it)."""
    summary = {
        "connectionId": str(connection.id),
        "companyId": str(connection.company_id),
        "platformKey": connection.platform_key,
        "status": connection.status,
        **extra,
    }
    events.record(
        session,
        type_,
        now,
        company_id=connection.company_id,
        connection_id=connection.id,
        data=summary,
    )


# -- companies and connections ------------------------------------------------------------


def company_created(session: Session, company: CompanyRow, now: datetime) -> None:
    events.record(session, kinds.COMPANY_CREATED, now, company_id=company.id)


def company_deleting(session: Session, company: CompanyRow, now: datetime) -> None:
    """Before a company is deleted: its connections go with it (each a
    ``connection.deleted``), then ``company.deleted``, described as they were."""
    for connection in session.scalars(
        select(ConnectionRow)
        .where(ConnectionRow.company_id == company.id)
        .order_by(ConnectionRow.created, ConnectionRow.id)
    ):
        connection_deleting(session, connection, now)
    events.record(session, kinds.COMPANY_DELETED, now, company_id=company.id)


def connection_created(session: Session, connection: ConnectionRow, now: datetime) -> None:
    _connection_event(session, kinds.CONNECTION_CREATED, connection, now)


def connection_linked(
    session: Session, connection: ConnectionRow, previous_status: str, now: datetime
) -> None:
    """``connection.connected``, or ``connection.reconnected`` for one that had been
    unlinked or deauthorized (as portal/oauth.py records it for OAuth platforms)."""
    again = previous_status in (ConnectionStatus.UNLINKED, ConnectionStatus.DEAUTHORIZED)
    _connection_event(
        session,
        kinds.CONNECTION_RECONNECTED if again else kinds.CONNECTION_CONNECTED,
        connection,
        now,
        previousStatus=previous_status,
    )


def connection_deleting(session: Session, connection: ConnectionRow, now: datetime) -> None:
    _connection_event(session, kinds.CONNECTION_DELETED, connection, now)


# -- reads ----------------------------------------------------------------------------------


def pull_finished(session: Session, pull: PullOperationRow, now: datetime) -> None:
    """After a pull ends (any final status): if it was the last of its group (the pulls
    a refresh, the scheduler's tick or Link queued together: one company, one
    ``requested`` time), ``read.completed`` with every data type of the group, preceded
    by ``read.completed.initial`` when the group holds a connection's first pulls."""
    if pull.status in _ACTIVE:
        return
    # The company row first, then the pull's own update: the order a company's deletion
    # takes them in (so the two cannot deadlock), and the group is looked at once every
    # other pull that ended first has committed.
    events.lock_company(session, pull.company_id)
    session.flush()
    group = list(
        session.scalars(
            select(PullOperationRow)
            .where(
                PullOperationRow.company_id == pull.company_id,
                PullOperationRow.requested == pull.requested,
            )
            .order_by(PullOperationRow.data_type, PullOperationRow.id)
        )
    )
    if any(p.status in _ACTIVE for p in group):
        return
    key = f"read:{pull.company_id}:{to_codat(pull.requested)}"
    if events.seen(session, key):
        return
    connection_ids = {p.connection_id for p in group}
    earlier = session.scalar(
        select(PullOperationRow.id)
        .where(
            PullOperationRow.connection_id.in_(connection_ids),
            PullOperationRow.requested < pull.requested,
        )
        .limit(1)
    )
    payload = {
        "modifiedFromDate": _modified_from(group),
        "dataTypes": [_read_summary(p) for p in group],
    }
    if earlier is None:
        events.record(
            session,
            kinds.READ_COMPLETED_INITIAL,
            now,
            company_id=pull.company_id,
            payload=payload,
            dedupe_key=key + ":initial",
        )
    events.record(
        session,
        kinds.READ_COMPLETED,
        now,
        company_id=pull.company_id,
        payload=payload,
        dedupe_key=key,
    )


def _modified_from(group: list[PullOperationRow]) -> str | None:
    """The oldest point the group's reads started from: None if any read in full."""
    cursors = [(p.audit or {}).get("since") for p in group]
    if not cursors or any(c is None for c in cursors):
        return None
    return min(str(c) for c in cursors)


def _read_summary(pull: PullOperationRow) -> dict[str, Any]:
    audit = pull.audit or {}
    modified = sum(int(audit.get(k) or 0) for k in ("created", "changed", "deleted"))
    issues: list[dict[str, Any]] = []
    if pull.status not in (PullStatus.COMPLETE.value, PullStatus.NOT_SUPPORTED.value):
        status = pull.status[0].lower() + pull.status[1:]
        issues.append({"type": f"error.{status}", "message": pull.error_message or pull.status})
    validation = audit.get("validation") or {}
    errors, warnings = len(validation.get("errors", [])), len(validation.get("warnings", []))
    if errors or warnings:
        issues.append(
            {
                "type": "warning.validation",
                "message": (
                    f"Something doesn't look right about these {pull.data_type}: "
                    f"{errors} error(s) and {warnings} warning(s) from the data checks. "
                    "See the validation logs."
                ),
            }
        )
    return {
        "connectionId": str(pull.connection_id),
        "dataType": pull.data_type,
        "recordsModified": modified > 0,
        "status": pull.status,
        "issues": issues,
        "datasetId": str(pull.id),
    }


# -- writes -----------------------------------------------------------------------------------


def push_finished(session: Session, push: PushOperationRow, now: datetime) -> None:
    """``{dataType}.write.successful`` or ``.unsuccessful`` for a push operation that has
    just ended (Success; Failed or TimedOut), and the end of its expense sync if it was
    the last write of one."""
    if push.status not in _PUSH_FINAL:
        return
    record_id = push.record_id
    if push.status == "Success" and isinstance(push.data, dict) and push.data.get("id"):
        record_id = str(push.data["id"])
    attachment = next(
        (c.get("attachmentId") for c in (push.changes or []) if c.get("attachmentId")), None
    )
    if attachment is None and push.kind == "DeleteAttachment":
        attachment = (push.data or {}).get("attachmentId")
    payload = {
        "id": str(push.id),
        # Codat's write types have no DeleteAttachment: it is reported as a Delete.
        "type": "Delete" if push.kind == "DeleteAttachment" else push.kind,
        "dataType": push.data_type,
        "connectionId": str(push.connection_id),
        "requestedOnDate": to_codat(push.requested),
        "completedOnDate": to_codat(push.completed),
        "status": push.status,
        "record": {"id": record_id} if record_id else None,
        "attachmentId": attachment,
    }
    events.record(
        session,
        kinds.write_event_type(push.data_type, push.status == "Success"),
        now,
        company_id=push.company_id,
        payload=payload,
    )
    found = _EXPENSES_ORIGIN.match(push.origin or "")
    if found:
        expense_sync_progressed(session, uuid.UUID(found.group(1)), now)


# -- expense syncs ----------------------------------------------------------------------------


def expense_sync_progressed(session: Session, sync_id: uuid.UUID, now: datetime) -> None:
    """A transaction of an expense sync was settled (its push ended, or it was refused
    before one): once all of them are, ``expenses.sync.successful`` if every one was
    written, else ``expenses.sync.unsuccessful``."""
    session.flush()
    sync = session.get(ExpenseSyncRow, sync_id)
    if sync is None:
        return
    events.lock_company(session, sync.company_id)
    rows = session.execute(
        select(ExpenseTransactionRow, PushOperationRow)
        .outerjoin(PushOperationRow, PushOperationRow.id == ExpenseTransactionRow.push_operation_id)
        .where(ExpenseTransactionRow.sync_id == sync_id)
        .order_by(ExpenseTransactionRow.requested, ExpenseTransactionRow.id)
    ).all()
    transactions: list[dict[str, Any]] = []
    for transaction, push in rows:
        settled = _transaction_outcome(transaction, push)
        if settled is None:
            return
        transactions.append(settled)
    if not transactions:
        return
    ok = all(t["status"] == "Completed" for t in transactions)
    events.record_once(
        session,
        f"expenses.sync:{sync_id}",
        kinds.EXPENSES_SYNC_SUCCESSFUL if ok else kinds.EXPENSES_SYNC_UNSUCCESSFUL,
        now,
        company_id=sync.company_id,
        payload={"syncId": str(sync_id), "transactions": transactions},
    )


def _transaction_outcome(
    transaction: ExpenseTransactionRow, push: PushOperationRow | None
) -> dict[str, Any] | None:
    """The transaction as the webhook reports it (Codat's closed enum there is
    Unknown|PushError|Completed|Failed|Pending: data refused as invalid is Failed), or
    None while it is not settled."""
    if transaction.status is not None:  # refused before any push
        status = "PushError" if transaction.status == "PushError" else "Failed"
        return {
            "id": transaction.transaction_id,
            "status": status,
            "errorMessage": transaction.message,
        }
    if push is None or push.status not in _PUSH_FINAL:
        return None
    if push.status == "Success":
        return {"id": transaction.transaction_id, "status": "Completed", "errorMessage": None}
    invalid = push.status_code == 400 and (push.validation or {}).get("errors")
    return {
        "id": transaction.transaction_id,
        "status": "Failed" if invalid else "PushError",
        "errorMessage": push.error_message,
    }


# -- reports ----------------------------------------------------------------------------------


def report_finished(session: Session, report_id: uuid.UUID, now: datetime) -> None:
    """``reports.{reportType}.generate.successful|unsuccessful`` for a report that has
    just ended (Complete or Error)."""
    session.flush()
    report = session.get(ReportRow, report_id, populate_existing=True)
    if report is None or report.status not in ("Complete", "Error"):
        return
    outcome = "successful" if report.status == "Complete" else "unsuccessful"
    events.record(
        session,
        f"reports.{report.report_type}.generate.{outcome}",
        now,
        company_id=report.company_id,
        payload={
            "id": str(report.id),
            "reportType": report.report_type,
            "status": report.status,
            "errorMessage": report.error_message,
        },
    )
