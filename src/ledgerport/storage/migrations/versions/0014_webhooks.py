"""webhooks: consumers, per-consumer deliveries and their attempts; events keep their
payload and outlive their company

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ledgerport.storage.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = ledgerport.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        # company.deleted must survive the company it reports, as must events still
        # waiting to be delivered.
        batch_op.drop_constraint("fk_events_company_id_companies", type_="foreignkey")
        batch_op.add_column(sa.Column("payload", _JSON, nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("envelope", sa.Text(), nullable=True))
        batch_op.create_index("ix_events_dedupe_key", ["dedupe_key"], unique=False)

    op.create_table(
        "webhook_consumers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("event_types", _JSON, nullable=False),
        sa.Column("company_tags", _JSON, nullable=True),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created", _WHEN, nullable=False),
        sa.Column("disabled_reason", sa.String(length=32), nullable=True),
        sa.Column("disabled_at", _WHEN, nullable=True),
        sa.Column("failing_since", _WHEN, nullable=True),
        sa.Column("last_success", _WHEN, nullable=True),
        sa.Column("last_failure", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_consumers")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("seq", _SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consumer_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=True),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt", _WHEN, nullable=True),
        sa.Column("lease_until", _WHEN, nullable=True),
        sa.Column("created", _WHEN, nullable=False),
        sa.Column("completed", _WHEN, nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("replay_of", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["webhook_consumers.id"],
            name=op.f("fk_webhook_deliveries_consumer_id_webhook_consumers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_webhook_deliveries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("id", name=op.f("uq_webhook_deliveries_id")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_deliveries_status_next_attempt", ["status", "next_attempt"], unique=False
        )
        batch_op.create_index(
            "ix_webhook_deliveries_consumer_company_status",
            ["consumer_id", "company_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_webhook_deliveries_consumer_id_seq", ["consumer_id", "seq"], unique=False
        )
        batch_op.create_index("ix_webhook_deliveries_event_id", ["event_id"], unique=False)

    op.create_table(
        "webhook_attempts",
        sa.Column("id", _SEQ, autoincrement=True, nullable=False),
        sa.Column("delivery_seq", _SEQ, nullable=False),
        sa.Column("attempted", _WHEN, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_seq"],
            ["webhook_deliveries.seq"],
            name=op.f("fk_webhook_attempts_delivery_seq_webhook_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_attempts_delivery_seq", ["delivery_seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_attempts_delivery_seq")
    op.drop_table("webhook_attempts")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_event_id")
        batch_op.drop_index("ix_webhook_deliveries_consumer_id_seq")
        batch_op.drop_index("ix_webhook_deliveries_consumer_company_status")
        batch_op.drop_index("ix_webhook_deliveries_status_next_attempt")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_consumers")
    # Events of companies deleted since cannot satisfy the foreign key again.
    op.execute(
        "DELETE FROM events WHERE company_id IS NOT NULL "
        "AND company_id NOT IN (SELECT id FROM companies)"
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_dedupe_key")
        batch_op.drop_column("envelope")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("payload")
        batch_op.create_foreign_key(
            "fk_events_company_id_companies",
            "companies",
            ["company_id"],
            ["id"],
            ondelete="CASCADE",
        )
