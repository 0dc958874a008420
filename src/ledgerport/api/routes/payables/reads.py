"""How Sync for Payables v2 reads: from the synced records store (which also holds what
our writes have just written), and reference data pulled on demand.

v2 reads are synchronous: company info, accounts, tax rates and bank accounts that a
connection has never pulled are pulled in the request, rather than answering 409, which
those operations do not document.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from sqlalchemy import Select
from sqlalchemy.orm import Session

from ledgerport.api.routes.payables.common import status_error
from ledgerport.domain.enums import DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.errors import ConflictError, NotFoundError
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pulls, records
from ledgerport.storage.tables import (
    ConnectionRow,
    PullOperationRow,
    RecordRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine

# How long a read waits for a pull of reference data someone else is already running.
PULL_WAIT_SECONDS = 4.0


def not_pulled(data_type: DataType) -> ConflictError:
    return ConflictError(
        f"The data set has not been requested: {data_type.value} has not been pulled for "
        "this connection yet. Queue a refresh, then read it once the pull completes."
    )


def ensure_pulled(services: Services, connection: ConnectionRow, data_type: DataType) -> None:
    """Reference data (company info, accounts, tax rates, bank accounts) a connection has
    never pulled is pulled now, in this request. A pull of it already running elsewhere
    is waited for, briefly."""
    with services.sessions() as session:
        if records.has_dataset(session, connection.company_id, data_type.value, connection.id):
            return
    with transaction(services.sessions) as session:
        pull, _ = pulls.queue(
            session, connection.company_id, connection.id, data_type.value, utcnow()
        )
        pull_id = pull.id
    status = Engine(services).run(pull_id)
    deadline = time.monotonic() + PULL_WAIT_SECONDS
    while True:
        with services.sessions() as session:
            if records.has_dataset(session, connection.company_id, data_type.value, connection.id):
                return
        if status is not PullStatus.QUEUED and status is not PullStatus.FETCHING:
            break
        if time.monotonic() > deadline:
            raise not_pulled(data_type)
        time.sleep(0.1)
        with services.sessions() as session:
            row = session.get(PullOperationRow, pull_id)
            status = PullStatus(row.status) if row is not None else PullStatus.INTERNAL_ERROR
    raise status_error(
        f"{data_type.value} could not be read from the platform (the pull ended "
        f"{status.value}); try again shortly.",
        503,
    )


def live(connection: ConnectionRow, data_type: DataType, *columns: Any) -> Select[Any]:
    """The given columns of the connection's records of one type, deleted ones left out."""
    return (
        records.scope(connection.company_id, data_type.value, connection.id)
        .where(RecordRow.is_deleted.is_(False))
        .with_only_columns(*columns)
    )


def all_documents(
    session: Session, connection: ConnectionRow, data_type: DataType
) -> list[dict[str, Any]]:
    """Every live record of a (small) reference data type, by id."""
    stmt = live(connection, data_type, RecordRow.data).order_by(RecordRow.record_id)
    return [dict(data) for data in session.scalars(stmt)]


def stored(
    session: Session, connection: ConnectionRow, data_type: DataType, record_id: str
) -> dict[str, Any] | None:
    """A record as we hold it: pulled, or written by a push (the push engine stores what
    it writes at once, so a bill created a moment ago is payable at once)."""
    text = records.one_text(
        session, connection.company_id, data_type.value, record_id, connection.id
    )
    if text is None:
        return None
    document = orjson.loads(text)
    return document if isinstance(document, dict) else None


def stored_bill(session: Session, connection: ConnectionRow, bill_id: str) -> dict[str, Any]:
    """The bill as we hold it (see :func:`stored`), or a 404."""
    bill = stored(session, connection, DataType.BILLS, bill_id)
    if bill is None:
        raise NotFoundError(f"Bill {bill_id} not found.")
    return bill


def known(
    session: Session, connection: ConnectionRow, data_type: DataType, record_id: str, label: str
) -> dict[str, Any] | None:
    """The record, or a 404 when it cannot exist: the data type was pulled on this
    connection and neither the pull nor a write of ours has it. Never pulled: None,
    and the platform decides."""
    found = stored(session, connection, data_type, record_id)
    if found is not None:
        return found
    if records.has_dataset(session, connection.company_id, data_type.value, connection.id):
        raise NotFoundError(f"{label} {record_id} not found.")
    return None
