from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.storage.tables import CompanyRow


def get(session: Session, company_id: uuid.UUID) -> CompanyRow | None:
    return session.scalar(select(CompanyRow).where(CompanyRow.id == company_id))


def add(session: Session, company: CompanyRow) -> CompanyRow:
    session.add(company)
    session.flush()
    return company


def remove(session: Session, company: CompanyRow) -> None:
    """Delete a company; its connections (and, later, all its data) go with it in the
    same transaction, by ON DELETE CASCADE."""
    session.delete(company)
    session.flush()
