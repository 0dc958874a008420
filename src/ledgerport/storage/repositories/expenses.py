"""Sync for Expenses storage: configuration, syncs and their transactions, the
partner expense connection, and the accounting reference data expenses are checked
against (read from what pulls stored)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.tokens import new_nonce
from ledgerport.storage.repositories import webhook_events
from ledgerport.storage.tables import (
    CompanyRow,
    ConnectionRow,
    DatasetRow,
    ExpenseConfigRow,
    ExpenseSyncRow,
    ExpenseTransactionRow,
    PushOperationRow,
    RecordRow,
)
from ledgerport.storage.types import utcnow

TransactionWithPush = tuple[ExpenseTransactionRow, PushOperationRow | None]


# -- connections ------------------------------------------------------------------------


def linked_connections(
    session: Session, company_id: uuid.UUID, platform_keys: Collection[str]
) -> list[ConnectionRow]:
    """The company's Linked connections to these platforms, oldest first."""
    return list(
        session.scalars(
            select(ConnectionRow)
            .where(
                ConnectionRow.company_id == company_id,
                ConnectionRow.status == ConnectionStatus.LINKED.value,
                ConnectionRow.platform_key.in_(list(platform_keys)),
            )
            .order_by(ConnectionRow.created, ConnectionRow.id)
        )
    )


def partner_connection(session: Session, company_id: uuid.UUID, key: str) -> ConnectionRow | None:
    """The company's partner expense connection (not unlinked), if it has one."""
    return session.scalar(
        select(ConnectionRow)
        .where(
            ConnectionRow.company_id == company_id,
            ConnectionRow.platform_key == key,
            ConnectionRow.status == ConnectionStatus.LINKED.value,
        )
        .order_by(ConnectionRow.created)
        .limit(1)
    )


def create_partner_connection(session: Session, company_id: uuid.UUID, key: str) -> ConnectionRow:
    """A partner expense connection, Linked from the start: the API client sends its
    data itself, so there is nothing for the company to authorize."""
    now = utcnow()
    row = ConnectionRow(
        id=uuid.uuid4(),
        company_id=company_id,
        platform_key=key,
        status=ConnectionStatus.LINKED.value,
        created=now,
        link_nonce=new_nonce(),
        link_issued_at=now,
        link_used_at=now,
        errors=[],
    )
    session.add(row)
    session.flush()
    webhook_events.connection_created(session, row, now)
    webhook_events.connection_linked(session, row, "PendingAuth", now)
    return row


def lock_company(session: Session, company_id: uuid.UUID) -> None:
    """Serialize expense writes of one company (PostgreSQL row lock; SQLite serializes
    writers anyway), so two requests cannot both pass the duplicate check."""
    session.execute(select(CompanyRow.id).where(CompanyRow.id == company_id).with_for_update())


# -- reference data ---------------------------------------------------------------------


def reference_records(
    session: Session, connection_id: uuid.UUID, data_type: str
) -> list[dict[str, Any]] | None:
    """Every stored record of a data type on a connection, or None if the type was
    never pulled there (nothing is known about it)."""
    if session.get(DatasetRow, (connection_id, data_type)) is None:
        return None
    return [
        dict(data)
        for data in session.scalars(
            select(RecordRow.data)
            .where(
                RecordRow.connection_id == connection_id,
                RecordRow.data_type == data_type,
                RecordRow.is_deleted.is_(False),
            )
            .order_by(RecordRow.record_id)
        )
    ]


# -- configuration ----------------------------------------------------------------------


def config(session: Session, company_id: uuid.UUID) -> ExpenseConfigRow | None:
    return session.get(ExpenseConfigRow, company_id)


def save_config(
    session: Session, company_id: uuid.UUID, *, bank_account: str, supplier: str, customer: str
) -> ExpenseConfigRow:
    row = session.get(ExpenseConfigRow, company_id)
    if row is None:
        row = ExpenseConfigRow(company_id=company_id)
        session.add(row)
    row.bank_account_id, row.supplier_id, row.customer_id = bank_account, supplier, customer
    row.modified = utcnow()
    session.flush()
    return row


# -- syncs and transactions ---------------------------------------------------------------


def create_sync(
    session: Session, company_id: uuid.UUID, connection_id: uuid.UUID, kind: str
) -> ExpenseSyncRow:
    row = ExpenseSyncRow(
        id=uuid.uuid4(),
        company_id=company_id,
        connection_id=connection_id,
        kind=kind,
        requested=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def add_transaction(
    session: Session,
    sync: ExpenseSyncRow,
    *,
    transaction_id: str,
    type: str,
    data_type: str,
    kind: str,
    request: dict[str, Any],
    status: str | None = None,
    message: str | None = None,
) -> ExpenseTransactionRow:
    row = ExpenseTransactionRow(
        id=uuid.uuid4(),
        sync_id=sync.id,
        company_id=sync.company_id,
        transaction_id=transaction_id,
        type=type,
        data_type=data_type,
        kind=kind,
        request=request,
        status=status,
        message=message,
        requested=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def attach_push(
    session: Session,
    row_id: uuid.UUID,
    push_operation_id: uuid.UUID | None,
    *,
    status: str | None = None,
    message: str | None = None,
) -> None:
    row = session.get(ExpenseTransactionRow, row_id)
    if row is not None:
        row.push_operation_id = push_operation_id
        row.status, row.message = status, message
        session.flush()
        # The sync may be settled now (its push ended before it was linked here).
        webhook_events.expense_sync_progressed(session, row.sync_id, utcnow())


def _live(kind: str) -> Any:
    """Transactions written, or being written, by a push of ``kind``: not refused
    before a push, and whose push (if made yet) did not fail or time out."""
    return and_(
        ExpenseTransactionRow.kind == kind,
        ExpenseTransactionRow.status.is_(None),
        or_(
            ExpenseTransactionRow.push_operation_id.is_(None),
            PushOperationRow.status.in_(("Pending", "Success")),
        ),
    )


def already_synced(
    session: Session, company_id: uuid.UUID, transaction_ids: Collection[str], kind: str
) -> set[str]:
    """Which of these client transaction ids the company has already had written (or
    has being written) by a push of ``kind``: sending one again would write it twice."""
    if not transaction_ids:
        return set()
    found = session.scalars(
        select(ExpenseTransactionRow.transaction_id)
        .outerjoin(PushOperationRow, PushOperationRow.id == ExpenseTransactionRow.push_operation_id)
        .where(
            ExpenseTransactionRow.company_id == company_id,
            ExpenseTransactionRow.transaction_id.in_(list(transaction_ids)),
            _live(kind),
        )
    )
    return set(found)


def written(
    session: Session, company_id: uuid.UUID, transaction_id: str
) -> tuple[ExpenseTransactionRow, PushOperationRow] | None:
    """The successful create of a client transaction (the record it became), if any."""
    row = session.execute(
        select(ExpenseTransactionRow, PushOperationRow)
        .join(PushOperationRow, PushOperationRow.id == ExpenseTransactionRow.push_operation_id)
        .where(
            ExpenseTransactionRow.company_id == company_id,
            ExpenseTransactionRow.transaction_id == transaction_id,
            ExpenseTransactionRow.kind == "Create",
            PushOperationRow.status == "Success",
        )
        .order_by(ExpenseTransactionRow.requested.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def sync(session: Session, company_id: uuid.UUID, sync_id: uuid.UUID) -> ExpenseSyncRow | None:
    return session.scalar(
        select(ExpenseSyncRow).where(
            ExpenseSyncRow.company_id == company_id, ExpenseSyncRow.id == sync_id
        )
    )


def syncs(session: Session, company_id: uuid.UUID) -> list[ExpenseSyncRow]:
    """The company's syncs, newest first."""
    return list(
        session.scalars(
            select(ExpenseSyncRow)
            .where(ExpenseSyncRow.company_id == company_id)
            .order_by(ExpenseSyncRow.requested.desc(), ExpenseSyncRow.id)
        )
    )


def transactions(
    session: Session,
    sync_ids: Sequence[uuid.UUID],
    *,
    transaction_id: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[TransactionWithPush]:
    """The transactions of these syncs (in the order sent) with their push operations."""
    if not sync_ids:
        return []
    stmt = (
        select(ExpenseTransactionRow, PushOperationRow)
        .outerjoin(PushOperationRow, PushOperationRow.id == ExpenseTransactionRow.push_operation_id)
        .where(ExpenseTransactionRow.sync_id.in_(list(sync_ids)))
        .order_by(ExpenseTransactionRow.requested, ExpenseTransactionRow.id)
    )
    if transaction_id is not None:
        stmt = stmt.where(ExpenseTransactionRow.transaction_id == transaction_id)
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def transaction_count(session: Session, sync_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ExpenseTransactionRow)
            .where(ExpenseTransactionRow.sync_id == sync_id)
        )
        or 0
    )


def sync_requested(row: ExpenseSyncRow) -> datetime:
    return row.requested
