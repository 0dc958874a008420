"""Sync for Payables v2 bills: list (only bills with a supplier, the ones Bill pay can
pay), create (``Open``, as Codat's spec says) and update.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models import payables as v2
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.payables.common import (
    BASE,
    ContinuationToken,
    IdempotencyKey,
    ListQuery,
    invalid,
    linked_connection,
)
from ledgerport.api.routes.payables.mapping import bill_in, bill_out
from ledgerport.api.routes.payables.paging import pagination, record_page
from ledgerport.api.routes.payables.writes import update_known, write
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.storage.tables import RecordRow

router = APIRouter(tags=["Bill pay"], responses=ERROR_RESPONSES)


@router.get(
    f"{BASE}/bills",
    response_model=v2.Bills,
    response_class=JSONBytes,
    operation_id="payables-list-bills",
    summary="List bills",
)
def list_bills(
    companyId: str,
    connectionId: str,
    services: ServicesDep,
    continuation_token: ContinuationToken = None,
    query: ListQuery = None,
) -> Response:
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
        documents, token = record_page(
            session,
            connection,
            DataType.BILLS,
            "bills",
            query,
            continuation_token,
            # A bill without a supplier cannot be paid through Bill pay.
            narrow=lambda stmt: stmt.where(RecordRow.f_ref_id.is_not(None)),
        )
    return JSONBytes(
        {"results": [bill_out(doc) for doc in documents], "pagination": pagination(token)}
    )


@router.post(
    f"{BASE}/bills",
    status_code=201,
    response_model=v2.Bill,
    response_class=JSONBytes,
    operation_id="payables-create-bill",
    summary="Create bill",
)
def create_bill(
    companyId: str,
    connectionId: str,
    body: v2.BillPrototype,
    services: ServicesDep,
    tasks: TasksDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A new bill; Codat's spec says a bill is created ``Open``."""
    if body.status.value != "Open":
        raise invalid("status", f"A bill must be created with status Open (got {body.status}).")
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
    op = write(services, tasks, connection, DataType.BILLS, WriteKind.CREATE, record=bill_in(body))
    return JSONBytes(bill_out(op.data or {}), status_code=201)


@router.put(
    f"{BASE}/bills/{{billId}}",
    response_model=v2.Bill,
    response_class=JSONBytes,
    operation_id="payables-update-bill",
    summary="Update bill",
)
def update_bill(
    companyId: str,
    connectionId: str,
    billId: str,
    body: v2.BillPrototype,
    services: ServicesDep,
    tasks: TasksDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    updated = update_known(
        services, tasks, companyId, connectionId, DataType.BILLS, billId, "Bill", bill_in(body)
    )
    return JSONBytes(bill_out(updated))
