"""oauth grants, link authorizations, integration settings and the events outbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:25:26.781735
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ledgerport.storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "integration_settings",
        sa.Column("platform_key", sa.String(length=4), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=True),
        sa.Column("client_secret", sa.Text(), nullable=True),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=True),
        sa.Column("base_url", sa.String(length=2048), nullable=True),
        sa.Column("modified", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform_key", name=op.f("pk_integration_settings")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=True),
        sa.Column("connection_id", sa.Uuid(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_events_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_company_id_created", ["company_id", "created"], unique=False
        )

    op.create_table(
        "connection_grants",
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column(
            "expires_at", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "refresh_expires_at", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("refreshed", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "expiry_warned", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_connection_grants_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_connection_grants")),
    )
    op.create_table(
        "link_authorizations",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("link_nonce", sa.String(length=64), nullable=False),
        sa.Column("verifier", sa.Text(), nullable=False),
        sa.Column("created", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "expires_at", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("used_at", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_link_authorizations_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_link_authorizations")),
    )
    with op.batch_alter_table("link_authorizations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_authorizations_connection_id"), ["connection_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("link_authorizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_authorizations_connection_id"))

    op.drop_table("link_authorizations")
    op.drop_table("connection_grants")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_company_id_created")

    op.drop_table("events")
    op.drop_table("integration_settings")
