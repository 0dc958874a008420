from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ledgerport.storage.tables import CompanyRow


def get(
    session: Session, company_id: uuid.UUID, *, with_connections: bool = True
) -> CompanyRow | None:
    stmt = select(CompanyRow).where(CompanyRow.id == company_id)
    if with_connections:
        stmt = stmt.options(selectinload(CompanyRow.connections))
    return session.scalar(stmt)


def page(
    session: Session, filtered: Select[Any], *, offset: int, limit: int
) -> tuple[Sequence[CompanyRow], int]:
    """One page of an already filtered and ordered select, plus the filtered total."""
    total = (
        session.scalar(select(func.count()).select_from(filtered.order_by(None).subquery())) or 0
    )
    if offset >= total:
        return [], total
    rows = session.scalars(
        filtered.options(selectinload(CompanyRow.connections)).offset(offset).limit(limit)
    ).all()
    return rows, total


def add(session: Session, company: CompanyRow) -> CompanyRow:
    session.add(company)
    session.flush()
    return company


def remove(session: Session, company: CompanyRow) -> None:
    """Delete a company; connections (and, later, all its data) go with it by cascade."""
    session.delete(company)
    session.flush()
