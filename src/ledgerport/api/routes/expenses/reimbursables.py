"""Employees' expense claims for Sync for Expenses (reimbursable expense transactions):
each written to the accounting connection as a bill from the employee (a supplier
there), and their updates.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.expenses import (
    CreateReimbursableRequest,
    ReimbursableExpenseTransactionLine,
    SyncIdResponse,
    UpdateReimbursableExpenseTransactionRequest,
)
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.expenses.common import (
    BASE,
    accounting_connection,
    line_accounts,
    platform_cannot,
    references,
    tracking,
)
from ledgerport.api.routes.expenses.writes import (
    Item,
    one_transaction_sync,
    outcome,
    submit_all,
    sync_batch,
)
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain import expense_documents as documents
from ledgerport.domain import expenses as rules
from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError, NotFoundError
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.tables import ExpenseConfigRow

router = APIRouter(tags=["Sync for Expenses"], responses=ERROR_RESPONSES)


def _claim_line(line: ReimbursableExpenseTransactionLine) -> documents.ClaimLine:
    return documents.ClaimLine(
        net_amount=line.netAmount,
        tax_amount=line.taxAmount if line.taxAmount is not None else Decimal(0),
        account_id=line.accountRef.id if line.accountRef else None,
        tax_rate_id=line.taxRateRef.id if line.taxRateRef else None,
        description=line.description,
        tracking=tracking(line.trackingRefs, line.invoiceTo),
    )


def _claim(
    body: UpdateReimbursableExpenseTransactionRequest, transaction_id: str
) -> documents.Reimbursable:
    return documents.Reimbursable(
        id=transaction_id,
        employee_id=body.contactRef.id,
        reference=body.reference,
        issue_date=body.issueDate,
        due_date=body.dueDate,
        currency=body.currency,
        currency_rate=body.currencyRate,
        notes=body.notes,
        lines=tuple(_claim_line(line) for line in body.lines or ()),
    )


@router.post(
    BASE + "/reimbursable-expense-transactions",
    response_model=SyncIdResponse,
    response_class=JSONBytes,
    operation_id="create-reimbursable-expense-transaction",
    summary="Create reimbursable expense transaction",
)
def create_reimbursable_expense_transactions(
    companyId: str, body: CreateReimbursableRequest, services: ServicesDep, tasks: TasksDep
) -> Response:
    """Writes 1 to 50 employee expense claims to the accounting connection, each as a
    bill from the employee (a supplier there), and answers at once with the sync that
    follows them."""

    def build(refs: rules.References, _config: ExpenseConfigRow | None) -> list[Item]:
        items = []
        for tx in body:
            claim = _claim(tx, str(tx.id))
            items.append(
                Item(
                    transaction_id=claim.id,
                    type=documents.REIMBURSABLE,
                    data_type=DataType.BILLS,
                    request=tx.model_dump(mode="json", exclude_none=True),
                    record=documents.bill_record(claim),
                    problems=documents.reimbursable_problems(claim, refs),
                )
            )
        return items

    ids = [str(t.id) for t in body]
    return sync_batch(services, tasks, companyId, "reimbursable-expense-transactions", ids, build)


@router.put(
    BASE + "/reimbursable-expense-transactions/{transactionId}",
    response_model=SyncIdResponse,
    response_class=JSONBytes,
    operation_id="update-reimbursable-expense-transaction",
    summary="Update reimbursable expense transaction",
)
def update_reimbursable_expense_transaction(
    companyId: str,
    transactionId: str,
    body: UpdateReimbursableExpenseTransactionRequest,
    services: ServicesDep,
    tasks: TasksDep,
) -> Response:
    """Rewrites a synced employee expense claim: an update of the bill it became,
    followed as a sync (200, as Codat documents). 404 if no claim with this id was
    written; 400 if the platform cannot update bills or the claim is invalid."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        connection = accounting_connection(services, session, company.id)
        found = repo.written(session, company.id, transactionId)
        if found is None or found[0].type != documents.REIMBURSABLE:
            raise NotFoundError(
                f"Reimbursable expense transaction {transactionId} has not been synced."
            )
        _, op = found
    name = platform_cannot(services, connection, DataType.BILLS, WriteKind.UPDATE)
    if name is not None:
        raise BadRequestError(
            f"Reimbursable expense updates are not supported for {name}: it cannot update bills."
        )
    record_id = outcome(op).record_id
    claim = _claim(body, transactionId)
    platform = line_accounts(services, company.id, connection.id)
    with transaction(services.sessions) as session:
        problems = documents.reimbursable_problems(
            claim, references(session, connection.id, platform)
        )
        if problems:
            raise BadRequestError(
                "The reimbursable expense transaction is invalid - " + "; ".join(problems)
            )
        sync, row_id = one_transaction_sync(
            session,
            company.id,
            connection.id,
            "reimbursable-expense-transactions",
            transaction_id=transactionId,
            type=documents.REIMBURSABLE,
            data_type=DataType.BILLS,
            kind=WriteKind.UPDATE,
            request=body.model_dump(mode="json", exclude_none=True),
        )
    record = {**documents.bill_record(claim), "id": record_id}
    submit_all(
        services, tasks, sync, [(row_id, DataType.BILLS, WriteKind.UPDATE, record, record_id)]
    )
    return JSONBytes({"syncId": str(sync.id)})
