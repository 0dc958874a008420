"""indexed copies of the most queried record fields

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Adds the ``f_*`` columns and their indexes to ``records`` and fills them for records
already stored, with the same extraction the records store uses on every write.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import ledgerport.storage.types
from ledgerport.storage.indexed_fields import extract

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TEXT = ("f_ref_id", "f_name", "f_status")
_DATES = ("f_date", "f_due_date")
_NUMBERS = ("f_amount", "f_amount_due")
_KEY = ["record_id", "connection_id"]
_INDEXES = {
    "ix_records_name": ["company_id", "data_type", "f_name", "f_status", "f_date", *_KEY],
    "ix_records_status": ["company_id", "data_type", "f_status", "f_date", *_KEY],
    "ix_records_date": ["company_id", "data_type", "f_date", *_KEY],
    "ix_records_ref": ["company_id", "data_type", "f_ref_id", "f_date", *_KEY],
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
    else:
        with op.batch_alter_table("records", schema=None) as batch_op:
            for column in _new_columns():
                batch_op.add_column(column)
            batch_op.drop_index("ix_records_company_type_modified")
            batch_op.create_index(
                "ix_records_company_type_modified",
                ["company_id", "data_type", "modified_date", *_KEY],
                unique=False,
            )
    _backfill()
    with op.batch_alter_table("records", schema=None) as batch_op:
        for index, columns in _INDEXES.items():
            batch_op.create_index(index, columns, unique=False)


def _new_columns() -> list[sa.Column[Any]]:
    return [
        *(sa.Column(name, sa.String(length=200), nullable=True) for name in _TEXT),
        *(
            sa.Column(name, ledgerport.storage.types.UTCDateTime(timezone=True), nullable=True)
            for name in _DATES
        ),
        *(sa.Column(name, sa.Numeric(), nullable=True) for name in _NUMBERS),
    ]


def _rebuild_sqlite() -> None:
    """SQLite keeps a row's columns in declaration order, and reading a column stored
    after a large value means walking that value's overflow pages: with the document
    in the middle, every index lookup that needs ``modified_date`` read the whole
    document. The table is rebuilt with the document last."""
    op.create_table(
        "records_rebuilt",
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("data_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=255), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column(
            "modified_date", ledgerport.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        *_new_columns(),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_records_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_records_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", "data_type", "record_id", name=op.f("pk_records")),
    )
    op.execute(
        "INSERT INTO records_rebuilt (connection_id, data_type, record_id, company_id, "
        "content_hash, modified_date, is_deleted, data) SELECT connection_id, data_type, "
        "record_id, company_id, content_hash, modified_date, is_deleted, data FROM records"
    )
    op.drop_table("records")
    op.rename_table("records_rebuilt", "records")
    op.create_index(
        "ix_records_company_type_modified",
        "records",
        ["company_id", "data_type", "modified_date", *_KEY],
        unique=False,
    )


def _backfill() -> None:
    records = sa.table(
        "records",
        sa.column("connection_id", sa.Uuid()),
        sa.column("data_type", sa.String()),
        sa.column("record_id", sa.String()),
        sa.column("data", sa.JSON()),
        *(sa.column(name, sa.String()) for name in _TEXT),
        *(sa.column(name, ledgerport.storage.types.UTCDateTime()) for name in _DATES),
        *(sa.column(name, sa.Numeric()) for name in _NUMBERS),
    )
    bind = op.get_bind()
    key = sa.and_(
        records.c.connection_id == sa.bindparam("k_connection"),
        records.c.data_type == sa.bindparam("k_type"),
        records.c.record_id == sa.bindparam("k_record"),
    )
    fill = (
        records.update()
        .where(key)
        .values({name: sa.bindparam(f"v_{name}") for name in (*_TEXT, *_DATES, *_NUMBERS)})
    )
    order = (records.c.connection_id, records.c.data_type, records.c.record_id)
    after: tuple[object, ...] | None = None
    while True:  # 1,000 documents at a time, in key order (keyset paging)
        stmt = sa.select(*order, records.c.data).order_by(*order).limit(1000)
        if after is not None:
            stmt = stmt.where(sa.tuple_(*order) > sa.tuple_(*(sa.literal(v) for v in after)))
        chunk = bind.execute(stmt).all()
        if not chunk:
            return
        bind.execute(
            fill,
            [
                {
                    "k_connection": connection_id,
                    "k_type": data_type,
                    "k_record": record_id,
                    **{f"v_{k}": v for k, v in extract(data_type, data).items()},
                }
                for connection_id, data_type, record_id, data in chunk
            ],
        )
        after = tuple(chunk[-1][:3])


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        for index in _INDEXES:
            batch_op.drop_index(index)
        batch_op.drop_index("ix_records_company_type_modified")
        batch_op.create_index(
            "ix_records_company_type_modified",
            ["company_id", "data_type", "modified_date", "record_id"],
            unique=False,
        )
        for name in (*_NUMBERS, *_DATES, *_TEXT):
            batch_op.drop_column(name)
