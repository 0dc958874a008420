"""pull operations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ledgerport.storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pull_operations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("data_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_description", sa.Text(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("requested", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column(
            "audit",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_pull_operations_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_pull_operations_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pull_operations")),
    )
    with op.batch_alter_table("pull_operations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pull_operations_company_requested", ["company_id", "requested"], unique=False
        )
        batch_op.create_index(
            "ix_pull_operations_connection_type_status",
            ["connection_id", "data_type", "status"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("pull_operations", schema=None) as batch_op:
        batch_op.drop_index("ix_pull_operations_connection_type_status")
        batch_op.drop_index("ix_pull_operations_company_requested")

    op.drop_table("pull_operations")
