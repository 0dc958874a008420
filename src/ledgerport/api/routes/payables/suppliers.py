"""Sync for Payables v2 suppliers: list (with what each is owed on its open bills),
create and update.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models import payables as v2
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.data import resolver
from ledgerport.api.routes.payables.common import (
    BASE,
    ContinuationToken,
    IdempotencyKey,
    ListQuery,
    linked_connection,
)
from ledgerport.api.routes.payables.mapping import supplier_in, supplier_out
from ledgerport.api.routes.payables.paging import pagination, record_page
from ledgerport.api.routes.payables.reads import live
from ledgerport.api.routes.payables.writes import update_known, write
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.reports.amounts import to_decimal
from ledgerport.storage.query import compile_filter, fold_case, parse_query
from ledgerport.storage.repositories import records
from ledgerport.storage.tables import ConnectionRow, RecordRow

router = APIRouter(tags=["Bill pay"], responses=ERROR_RESPONSES)


def _balances(
    session: Session, connection: ConnectionRow, supplier_ids: Sequence[str]
) -> dict[str, Decimal] | None:
    """What each supplier is owed on its open and part-paid bills, summed exactly in
    Python from the bills' own ``amountDue``; None when bills were never pulled."""
    bills = DataType.BILLS
    if not supplier_ids or not records.has_dataset(
        session, connection.company_id, bills.value, connection.id
    ):
        return None
    open_bills = compile_filter(parse_query("status=Open||status=PartiallyPaid"), resolver(bills))
    stmt = live(connection, bills, RecordRow.data).where(
        open_bills, RecordRow.f_ref_id.in_({fold_case(i) for i in supplier_ids})
    )
    wanted = set(supplier_ids)
    owed = {supplier_id: Decimal(0) for supplier_id in supplier_ids}
    for data in session.scalars(stmt):
        supplier = (data.get("supplierRef") or {}).get("id")
        due = to_decimal(data.get("amountDue"))
        if supplier in wanted and due is not None:
            owed[supplier] += due
    return owed


@router.get(
    f"{BASE}/suppliers",
    response_model=v2.Suppliers,
    response_class=JSONBytes,
    operation_id="payables-list-suppliers",
    summary="List suppliers",
)
def list_suppliers(
    companyId: str,
    connectionId: str,
    services: ServicesDep,
    continuation_token: ContinuationToken = None,
    query: ListQuery = None,
) -> Response:
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
        documents, token = record_page(
            session, connection, DataType.SUPPLIERS, "suppliers", query, continuation_token
        )
        owed = _balances(session, connection, [str(d.get("id")) for d in documents])
    results = [
        supplier_out(doc, None if owed is None else owed.get(str(doc.get("id"))))
        for doc in documents
    ]
    return JSONBytes({"results": results, "pagination": pagination(token)})


@router.post(
    f"{BASE}/suppliers",
    status_code=201,
    response_model=v2.Supplier,
    response_class=JSONBytes,
    operation_id="payables-create-supplier",
    summary="Create supplier",
)
def create_supplier(
    companyId: str,
    connectionId: str,
    body: v2.SupplierPrototype,
    services: ServicesDep,
    tasks: TasksDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
    op = write(
        services,
        tasks,
        connection,
        DataType.SUPPLIERS,
        WriteKind.CREATE,
        record=supplier_in(body),
    )
    return JSONBytes(supplier_out(op.data or {}), status_code=201)


@router.put(
    f"{BASE}/suppliers/{{supplierId}}",
    response_model=v2.Supplier,
    response_class=JSONBytes,
    operation_id="payables-update-supplier",
    summary="Update supplier",
)
def update_supplier(
    companyId: str,
    connectionId: str,
    supplierId: str,
    body: v2.SupplierPrototype,
    services: ServicesDep,
    tasks: TasksDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    updated = update_known(
        services,
        tasks,
        companyId,
        connectionId,
        DataType.SUPPLIERS,
        supplierId,
        "Supplier",
        supplier_in(body),
    )
    return JSONBytes(supplier_out(updated))
