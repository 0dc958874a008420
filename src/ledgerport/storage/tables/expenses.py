"""Sync for Expenses: each company's expense configuration, and every sync with the
transactions it wrote (one push operation each) into the accounting connection.

A transaction's status is not stored: it is read from its push operation, so it can
never disagree with what the push engine did. Only a transaction refused before any
push (a reference that does not exist, say) keeps its own status and message.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ledgerport.storage.tables.base import Base
from ledgerport.storage.types import UTCDateTime, json_type


class ExpenseConfigRow(Base):
    """Codat's ``CompanyConfiguration``: the default bank account, supplier and customer
    expense transactions are written with (ids in the accounting connection)."""

    __tablename__ = "expense_configs"

    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    bank_account_id: Mapped[str] = mapped_column(String(255))
    supplier_id: Mapped[str] = mapped_column(String(255))
    customer_id: Mapped[str] = mapped_column(String(255))
    modified: Mapped[datetime] = mapped_column(UTCDateTime)


class ExpenseSyncRow(Base):
    """One call that wrote transactions (create, update, transfer...): Codat's sync."""

    __tablename__ = "expense_syncs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # syncId
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    # The accounting connection written to.
    connection_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("connections.id", ondelete="CASCADE")
    )
    # Which endpoint started it: expense-transactions, transfer-transactions, ...
    kind: Mapped[str] = mapped_column(String(48))
    requested: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_expense_syncs_company_requested", "company_id", "requested"),)


class ExpenseTransactionRow(Base):
    """One client transaction in one sync, and the push operation that wrote it."""

    __tablename__ = "expense_transactions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sync_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("expense_syncs.id", ondelete="CASCADE")
    )
    company_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("companies.id", ondelete="CASCADE")
    )
    transaction_id: Mapped[str] = mapped_column(String(64))  # the client's id
    # Payment, Refund, Reward, Chargeback, Transfer, Adjustment, Reimbursable.
    type: Mapped[str] = mapped_column(String(24))
    # The accounting data type written, and how (Create, Update, UploadAttachment).
    data_type: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    # The transaction as the client sent it (an update merges into it).
    request: Mapped[dict[str, Any]] = mapped_column(json_type())
    push_operation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("push_operations.id", ondelete="SET NULL")
    )
    # Set only when the transaction was refused before a push was made.
    status: Mapped[str | None] = mapped_column(String(24))
    message: Mapped[str | None] = mapped_column(Text)
    requested: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_expense_transactions_sync", "sync_id", "requested"),
        Index("ix_expense_transactions_company_tx", "company_id", "transaction_id"),
    )
