"""push operations and the write log

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ledgerport.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "push_operations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("data_type", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("requested", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("timeout_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("record_id", sa.String(length=255), nullable=True),
        sa.Column("force_update", sa.Boolean(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column(
            "validation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_type", sa.String(length=255), nullable=True),
        sa.Column("file_content", sa.LargeBinary(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("in_doubt", sa.Boolean(), nullable=False),
        sa.Column(
            "next_attempt", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "audit",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_push_operations_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_push_operations_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_operations")),
    )
    with op.batch_alter_table("push_operations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_push_operations_company_requested", ["company_id", "requested"], unique=False
        )
        batch_op.create_index("ix_push_operations_origin", ["origin"], unique=False)
        batch_op.create_index(
            "ix_push_operations_status_next", ["status", "next_attempt"], unique=False
        )

    op.create_table(
        "write_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "entry",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("logged", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_write_log_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_write_log")),
    )
    with op.batch_alter_table("write_log", schema=None) as batch_op:
        batch_op.create_index("ix_write_log_connection_key", ["connection_id", "key"], unique=True)
        batch_op.create_index(
            "ix_write_log_connection_position", ["connection_id", "position"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("write_log", schema=None) as batch_op:
        batch_op.drop_index("ix_write_log_connection_position")
        batch_op.drop_index("ix_write_log_connection_key")

    op.drop_table("write_log")
    with op.batch_alter_table("push_operations", schema=None) as batch_op:
        batch_op.drop_index("ix_push_operations_status_next")
        batch_op.drop_index("ix_push_operations_origin")
        batch_op.drop_index("ix_push_operations_company_requested")

    op.drop_table("push_operations")
