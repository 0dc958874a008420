"""Sync for Payables v2 payments: paying a bill (an accounting bill payment to its
supplier, linked to the bill) and creating the bank account it is paid from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models import payables as v2
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.payables.common import (
    BASE,
    IdempotencyKey,
    invalid,
    linked_connection,
)
from ledgerport.api.routes.payables.mapping import bank_account_out, json_amount, json_number
from ledgerport.api.routes.payables.reads import stored_bill
from ledgerport.api.routes.payables.writes import write
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType

router = APIRouter(tags=["Bill pay"], responses=ERROR_RESPONSES)


@router.post(
    f"{BASE}/bills/{{billId}}/payment",
    status_code=201,
    response_model=v2.BillPayment,
    response_class=JSONBytes,
    operation_id="payables-create-bill-payment",
    summary="Create bill payment",
)
def create_bill_payment(
    companyId: str,
    connectionId: str,
    billId: str,
    body: v2.BillPaymentPrototype,
    services: ServicesDep,
    tasks: TasksDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Pays ``amount`` of the bill from the bank account ``accountRef``: an accounting
    bill payment to the bill's supplier, with one line linked to the bill."""
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
        bill = stored_bill(session, connection, billId)
    supplier = bill.get("supplierRef")
    if not isinstance(supplier, Mapping) or not supplier.get("id"):
        raise invalid("billId", f"Bill {billId} has no supplier to pay.")
    amount = json_number(body.amount)
    record: dict[str, Any] = {
        "supplierRef": {"id": str(supplier["id"])},
        "accountRef": {"id": body.accountRef.id},
        "totalAmount": amount,
        "date": body.date,
        "reference": body.reference,
        "currencyRate": json_number(body.currencyRate),
        "lines": [
            {
                "amount": amount,
                "links": [{"type": "Bill", "id": billId, "amount": json_number(-body.amount)}],
            }
        ],
    }
    if bill.get("currency"):
        record["currency"] = bill["currency"]
    op = write(
        services,
        tasks,
        connection,
        DataType.BILL_PAYMENTS,
        WriteKind.CREATE,
        record=record,
        renames={"totalAmount": "amount"},
    )
    paid = op.data or {}
    return JSONBytes(
        {
            "id": str(paid.get("id")),
            "amount": json_amount(paid.get("totalAmount", amount)),
            "date": paid.get("date") or body.date,
            "reference": paid.get("reference"),
            "accountRef": {
                "id": str((paid.get("accountRef") or {}).get("id") or body.accountRef.id)
            },
            "currencyRate": json_amount(paid.get("currencyRate")),
        },
        status_code=201,
    )


@router.post(
    f"{BASE}/bankAccounts",
    status_code=201,
    response_model=v2.BankAccount,
    response_class=JSONBytes,
    operation_id="payables-create-bank-account",
    summary="Create bank account",
)
def create_bank_account(
    companyId: str,
    connectionId: str,
    body: v2.BankAccountPrototype,
    services: ServicesDep,
    tasks: TasksDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    with services.sessions() as session:
        connection = linked_connection(session, companyId, connectionId)
    record = {
        "accountName": body.name,
        "accountType": body.accountType.value,
        "accountNumber": body.accountNumber,
        "sortCode": body.sortCode,
        "currency": body.currency,
        "nominalCode": body.nominalCode,
    }
    op = write(
        services,
        tasks,
        connection,
        DataType.BANK_ACCOUNTS,
        WriteKind.CREATE,
        record=record,
        renames={"accountName": "name"},
    )
    created = bank_account_out(op.data or {})
    if created.get("currency") is None:
        created["currency"] = body.currency
    return JSONBytes(created, status_code=201)
