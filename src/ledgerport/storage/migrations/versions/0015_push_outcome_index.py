"""push operations: an index for counting outcomes per connection, data type and status

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 19:58:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("push_operations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_push_operations_connection_type_status",
            ["connection_id", "data_type", "status"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("push_operations", schema=None) as batch_op:
        batch_op.drop_index("ix_push_operations_connection_type_status")
