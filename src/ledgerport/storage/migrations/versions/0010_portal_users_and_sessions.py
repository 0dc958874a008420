"""portal users, their sessions and failed sign-ins

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:42:53.646231
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledgerport.storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_sign_in_failures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sign_in_failures")),
    )
    with op.batch_alter_table("portal_sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_sign_in_failures_key_hash_at", ["key_hash", "at"], unique=False
        )

    op.create_table(
        "portal_users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_sign_in", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_users")),
        sa.UniqueConstraint("email", name=op.f("uq_portal_users_email")),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["portal_users.id"],
            name=op.f("fk_portal_sessions_user_id_portal_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_portal_sessions")),
    )
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_portal_sessions_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_sessions_user_id")

    op.drop_table("portal_sessions")
    op.drop_table("portal_users")
    with op.batch_alter_table("portal_sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_sign_in_failures_key_hash_at")

    op.drop_table("portal_sign_in_failures")
