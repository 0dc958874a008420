"""Following Sync for Expenses: each sync's status and its transactions' results, read
from their push operations on every request (so they are exactly what the push engine
did), and receipts attached to the records transactions were written as.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.expenses import Attachment, CompanySyncStatus, Transaction, Transactions
from ledgerport.api.paging import PageDep, envelope
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.expenses.common import BASE
from ledgerport.api.routes.expenses.writes import outcome
from ledgerport.api.uploads import read_upload
from ledgerport.connectors.writes import UploadedFile, WriteKind
from ledgerport.domain import expenses as rules
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.services import Services
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.tables import ExpenseSyncRow, PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import push

router = APIRouter(tags=["Sync for Expenses"], responses=ERROR_RESPONSES)

MAX_FILE_BYTES = 10 * 1024 * 1024


def _status(row: Any, op: PushOperationRow | None) -> tuple[rules.TransactionStatus, str | None]:
    if row.status is not None:
        return rules.TransactionStatus(row.status), row.message
    if op is None:  # being handed to the push engine right now
        return rules.TransactionStatus.PENDING, None
    return rules.transaction_status(outcome(op))


def _transaction_body(row: Any, op: PushOperationRow | None) -> dict[str, Any]:
    status, message = _status(row, op)
    return {
        "transactionId": row.transaction_id,
        "status": status.value,
        "message": message,
        "integrationType": "expenses",
    }


def _sync_bodies(session: Session, syncs: list[ExpenseSyncRow]) -> list[dict[str, Any]]:
    """Each sync's status, from its transactions' push operations, read in one query
    for all of them (not one per sync)."""
    results: dict[Any, list[Any]] = {sync.id: [] for sync in syncs}
    for row, op in repo.transactions(session, list(results)):
        results[row.sync_id].append((row.transaction_id, *_status(row, op)))
    now = utcnow()
    return [_sync_body(sync, results[sync.id], now) for sync in syncs]


def _sync_body(sync: ExpenseSyncRow, results: list[Any], now: datetime) -> dict[str, Any]:
    state = rules.sync_state(results, sync.requested, now)
    return {
        "companyId": str(sync.company_id),
        "syncId": str(sync.id),
        "syncStatusCode": int(state.code),
        "syncStatus": state.text,
        "errorMessage": state.error_message,
        "syncExceptionMessage": None,
        "syncUtc": to_codat(sync.requested),
        "dataPushed": state.data_pushed,
    }


def _company_syncs(session: Session, companyId: str) -> list[ExpenseSyncRow]:
    return repo.syncs(session, load_company(session, companyId).id)


def _load_sync(session: Session, companyId: str, syncId: str) -> ExpenseSyncRow:
    company = load_company(session, companyId)
    sync = repo.sync(session, company.id, parse_id(syncId, "Sync"))
    if sync is None:
        raise NotFoundError(f"Sync {syncId} not found.")
    return sync


def _sync_transaction(
    session: Session, companyId: str, syncId: str, transactionId: str
) -> tuple[ExpenseSyncRow, list[repo.TransactionWithPush]]:
    """The sync, and the transaction's rows in it (404 if either is unknown)."""
    sync = _load_sync(session, companyId, syncId)
    rows = repo.transactions(session, [sync.id], transaction_id=transactionId)
    if not rows:
        raise NotFoundError(f"Transaction {transactionId} not found in sync {syncId}.")
    return sync, rows


@router.get(
    BASE + "/syncs/latest/status",
    response_model=CompanySyncStatus,
    response_class=JSONBytes,
    operation_id="get-latest-sync",
    summary="Latest sync status",
)
def get_latest_sync(companyId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        syncs = _company_syncs(session, companyId)
        if not syncs:
            raise NotFoundError(f"Company {companyId} has no expense syncs.")
        return JSONBytes(_sync_bodies(session, syncs[:1])[0])


@router.get(
    BASE + "/syncs/lastSuccessful/status",
    response_model=CompanySyncStatus,
    response_class=JSONBytes,
    operation_id="get-last-successful-sync",
    summary="Last successful sync",
)
def get_last_successful_sync(companyId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        for body in _sync_bodies(session, _company_syncs(session, companyId)):
            if body["syncStatusCode"] in rules.SUCCESSFUL_CODES:
                return JSONBytes(body)
        raise NotFoundError(f"Company {companyId} has no successful expense sync.")


@router.get(
    BASE + "/syncs/list/status",
    response_model=list[CompanySyncStatus],
    response_class=JSONBytes,
    operation_id="list-syncs",
    summary="List sync statuses",
)
def list_syncs(companyId: str, services: ServicesDep) -> Response:
    """Every expense sync of the company, newest first."""
    with services.sessions() as session:
        return JSONBytes(_sync_bodies(session, _company_syncs(session, companyId)))


@router.get(
    BASE + "/syncs/{syncId}/status",
    response_model=CompanySyncStatus,
    response_class=JSONBytes,
    operation_id="get-sync-by-id",
    summary="Get sync status",
)
def get_sync(companyId: str, syncId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        return JSONBytes(_sync_bodies(session, [_load_sync(session, companyId, syncId)])[0])


@router.get(
    BASE + "/syncs/{syncId}/transactions",
    response_model=Transactions,
    response_class=JSONBytes,
    operation_id="list-sync-transactions",
    summary="List sync transactions",
)
def list_sync_transactions(
    companyId: str, syncId: str, request: Request, services: ServicesDep, paging: PageDep
) -> Response:
    """The sync's transactions, in the order sent, each with its status."""
    with services.sessions() as session:
        sync = _load_sync(session, companyId, syncId)
        total = repo.transaction_count(session, sync.id)
        rows = repo.transactions(session, [sync.id], offset=paging.offset, limit=paging.page_size)
        results = [_transaction_body(row, op) for row, op in rows]
    return JSONBytes(envelope(request, paging, results, total))


@router.get(
    BASE + "/syncs/{syncId}/transactions/{transactionId}",
    response_model=list[Transaction],
    response_class=JSONBytes,
    operation_id="get-sync-transaction",
    summary="Get sync transaction",
)
def get_sync_transaction(
    companyId: str, syncId: str, transactionId: str, services: ServicesDep
) -> Response:
    """The transaction's status in this sync (Codat answers a list)."""
    with services.sessions() as session:
        _, rows = _sync_transaction(session, companyId, syncId, transactionId)
        return JSONBytes([_transaction_body(row, op) for row, op in rows])


@router.post(
    BASE + "/syncs/{syncId}/transactions/{transactionId}/attachments",
    response_model=Attachment,
    response_class=JSONBytes,
    operation_id="upload-expense-attachment",
    summary="Upload attachment",
)
async def upload_expense_attachment(
    companyId: str, syncId: str, transactionId: str, file: UploadFile, services: ServicesDep
) -> Response:
    """Attaches a receipt to the record the transaction was written as, at once (Codat
    uploads expense attachments synchronously)."""
    uploaded = await read_upload(file, max_bytes=MAX_FILE_BYTES, default_name="receipt")
    return await run_in_threadpool(_upload, services, companyId, syncId, transactionId, uploaded)


def _upload(
    services: Services, companyId: str, syncId: str, transactionId: str, file: UploadedFile
) -> Response:
    """The receipt written to the platform in the request, on the record the
    transaction's successful write made (400 until there is one)."""
    with services.sessions() as session:
        sync, rows = _sync_transaction(session, companyId, syncId, transactionId)
        written = [(row, op) for row, op in rows if op is not None and op.status == "Success"]
        if not written:
            status, message = _status(*rows[-1])
            raise BadRequestError(
                f"Transaction {transactionId} has not been written yet ({status.value}"
                + (f": {message}" if message else "")
                + "); attach the receipt once its status is Completed."
            )
        row, op = written[-1]
        record_id = outcome(op).record_id
    if record_id is None:
        raise BadRequestError(f"The record written for transaction {transactionId} is unknown.")
    done = push.submit(
        services,
        None,
        company_id=sync.company_id,
        connection_id=sync.connection_id,
        data_type=DataType(row.data_type),
        kind=WriteKind.UPLOAD_ATTACHMENT,
        record_id=record_id,
        file=file,
        origin=f"expenses:{sync.id}:attachment",
        run_now=True,
    )
    if done.status != "Success":
        raise BadRequestError(
            done.error_message or f"The receipt could not be attached (status {done.status})."
        )
    attachment_id = next(
        (str(c["attachmentId"]) for c in done.changes or () if c.get("attachmentId")), None
    )
    return JSONBytes(
        {
            "companyId": str(sync.company_id),
            "id": attachment_id or str(done.id),
            "transactionId": transactionId,
        }
    )
