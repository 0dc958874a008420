from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledgerport.storage.repositories import webhook_events
from ledgerport.storage.tables import CompanyRow
from ledgerport.storage.types import utcnow


def get(session: Session, company_id: uuid.UUID) -> CompanyRow | None:
    return session.scalar(select(CompanyRow).where(CompanyRow.id == company_id))


def add(session: Session, company: CompanyRow) -> CompanyRow:
    session.add(company)
    session.flush()
    webhook_events.company_created(session, company, company.created or utcnow())
    return company


def remove(session: Session, company: CompanyRow) -> None:
    """Delete a company; its connections (and, later, all its data) go with it in the
    same transaction, by ON DELETE CASCADE; ``connection.deleted`` for each connection
    and ``company.deleted`` go to the events outbox, describing them as they were."""
    webhook_events.company_deleting(session, company, utcnow())
    session.delete(company)
    session.flush()
