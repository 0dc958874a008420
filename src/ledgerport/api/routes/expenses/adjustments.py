"""Adjustments for Sync for Expenses (write-offs, foreign exchange differences): each
written to the accounting connection as a manual journal entry whose lines balance.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.expenses import (
    AdjustmentTransactionLine,
    CreateAdjustmentRequest,
    SyncIdResponse,
)
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.expenses.common import BASE, tracking
from ledgerport.api.routes.expenses.writes import Item, sync_batch
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.domain import expense_documents as documents
from ledgerport.domain import expenses as rules
from ledgerport.domain.enums import DataType
from ledgerport.storage.tables import ExpenseConfigRow

router = APIRouter(tags=["Sync for Expenses"], responses=ERROR_RESPONSES)


def _adjustment_line(line: AdjustmentTransactionLine) -> documents.AdjustmentLine:
    return documents.AdjustmentLine(
        amount=line.amount,
        account_id=line.accountRef.id,
        description=line.description,
        tracking=tracking(line.trackingRefs, line.invoiceTo),
    )


@router.post(
    BASE + "/adjustment-transactions",
    response_model=SyncIdResponse,
    response_class=JSONBytes,
    operation_id="create-adjustment-transaction",
    summary="Create adjustment transaction",
)
def create_adjustment_transactions(
    companyId: str, body: CreateAdjustmentRequest, services: ServicesDep, tasks: TasksDep
) -> Response:
    """Writes 1 to 50 adjustments (write-offs, foreign exchange differences) to the
    accounting connection, each as a manual journal entry whose lines balance, and
    answers at once with the sync that follows them."""

    def build(refs: rules.References, _config: ExpenseConfigRow | None) -> list[Item]:
        items = []
        for tx in body:
            adjustment = documents.Adjustment(
                id=str(tx.id),
                date=tx.date,
                currency=tx.currency,
                currency_rate=tx.currencyRate,
                reference=tx.reference,
                lines=tuple(_adjustment_line(line) for line in tx.lines),
            )
            items.append(
                Item(
                    transaction_id=adjustment.id,
                    type=documents.ADJUSTMENT,
                    data_type=DataType.JOURNAL_ENTRIES,
                    request=tx.model_dump(mode="json", exclude_none=True),
                    record=documents.adjustment_record(adjustment),
                    problems=documents.adjustment_problems(adjustment, refs),
                )
            )
        return items

    ids = [str(t.id) for t in body]
    return sync_batch(services, tasks, companyId, "adjustment-transactions", ids, build)
