"""uploads: blob store and file-upload import state

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:52:56.153269
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ledgerport.storage.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploaded_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blob_key", sa.String(length=512), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=32), server_default="Stored", nullable=False)
        )
        batch_op.add_column(sa.Column("format", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column(
                "detected",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "mappings",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "confirmed", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "imported", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("suppliers_found", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bills_found", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "review",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # Files kept in the blob store have no bytes in the table, which 0012 requires: the
    # rows go (the files stay in the blob store).
    op.execute("DELETE FROM uploaded_files WHERE content IS NULL")
    with op.batch_alter_table("uploaded_files", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("error")
        batch_op.drop_column("review")
        batch_op.drop_column("bills_found")
        batch_op.drop_column("suppliers_found")
        batch_op.drop_column("imported")
        batch_op.drop_column("confirmed")
        batch_op.drop_column("mappings")
        batch_op.drop_column("detected")
        batch_op.drop_column("format")
        batch_op.drop_column("status")
        batch_op.drop_column("blob_key")
