"""expenses: each company's expense configuration, and every sync with its transactions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:53:57.178126
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ledgerport.storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expense_configs",
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("bank_account_id", sa.String(length=255), nullable=False),
        sa.Column("supplier_id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("modified", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_expense_configs_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_expense_configs")),
    )
    op.create_table(
        "expense_syncs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("requested", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_expense_syncs_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_expense_syncs_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_syncs")),
    )
    with op.batch_alter_table("expense_syncs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_expense_syncs_company_requested", ["company_id", "requested"], unique=False
        )

    op.create_table(
        "expense_transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sync_id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("data_type", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column(
            "request",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("push_operation_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("requested", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_expense_transactions_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["push_operation_id"],
            ["push_operations.id"],
            name=op.f("fk_expense_transactions_push_operation_id_push_operations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sync_id"],
            ["expense_syncs.id"],
            name=op.f("fk_expense_transactions_sync_id_expense_syncs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_transactions")),
    )
    with op.batch_alter_table("expense_transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_expense_transactions_company_tx", ["company_id", "transaction_id"], unique=False
        )
        batch_op.create_index(
            "ix_expense_transactions_sync", ["sync_id", "requested"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("expense_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_expense_transactions_sync")
        batch_op.drop_index("ix_expense_transactions_company_tx")

    op.drop_table("expense_transactions")
    with op.batch_alter_table("expense_syncs", schema=None) as batch_op:
        batch_op.drop_index("ix_expense_syncs_company_requested")

    op.drop_table("expense_syncs")
    op.drop_table("expense_configs")
