"""Card spend for Sync for Expenses: expense transactions (a Payment written as a direct
cost, the other types as direct incomes), their updates, and transfers between
accounts (a card top-up, say).
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.expenses import (
    CreateExpenseRequest,
    ExpenseTransaction,
    SyncIdResponse,
    TransferTransactionRequest,
    UpdateExpenseRequest,
)
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.expenses.common import (
    BASE,
    accounting_connection,
    line_accounts,
    platform_cannot,
    references,
)
from ledgerport.api.routes.expenses.writes import (
    CREATE,
    Item,
    one_transaction_sync,
    outcome,
    refuse_duplicates,
    submit_all,
    sync_batch,
)
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain import expenses as rules
from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError, NotFoundError, UnprocessableError
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.tables import ExpenseConfigRow

router = APIRouter(tags=["Sync for Expenses"], responses=ERROR_RESPONSES)


def _expense(
    fields: ExpenseTransaction | UpdateExpenseRequest,
    transaction_id: str,
    config: ExpenseConfigRow | None,
    reference: str | None = None,
) -> tuple[rules.Expense | None, list[str]]:
    """The expense with the company's defaults applied (the configured bank account,
    and supplier, or customer for a reward), or why it cannot be built. An update
    carries no reference (Codat's ``UpdateExpenseRequest`` has none): it keeps the
    ``reference`` the transaction was created with."""
    bank = fields.bankAccountRef.id if fields.bankAccountRef else None
    bank = bank or (config.bank_account_id if config else None)
    if not bank:
        return None, [
            "bankAccountRef.id is required when the company's expense configuration "
            "has no bankAccount (POST .../sync/expenses/config)."
        ]
    reward = fields.type is rules.ExpenseType.REWARD
    contact_type = "suppliers"
    contact = fields.contactRef.id if fields.contactRef else None
    if contact is None and config is not None:
        contact_type = "customers" if reward else "suppliers"
        contact = config.customer_id if reward else config.supplier_id
    lines = tuple(
        rules.ExpenseLine(
            net_amount=line.netAmount,
            tax_amount=line.taxAmount if line.taxAmount is not None else Decimal(0),
            account_id=line.accountRef.id if line.accountRef else None,
            tax_rate_id=line.taxRateRef.id if line.taxRateRef else None,
            tracking_ids=tuple(
                t.id for t in line.trackingRefs or () if t.dataType == "trackingCategories"
            ),
            customer_ids=tuple(t.id for t in line.trackingRefs or () if t.dataType == "customers"),
        )
        for line in fields.lines or ()
    )
    expense = rules.Expense(
        id=transaction_id,
        type=fields.type,
        issue_date=fields.issueDate,
        currency=fields.currency,
        currency_rate=fields.currencyRate,
        bank_account_id=bank,
        contact_id=contact,
        contact_type=contact_type,
        reference=getattr(fields, "reference", None) or reference,
        merchant_name=fields.merchantName,
        notes=fields.notes,
        lines=lines,
    )
    return expense, []


@router.post(
    BASE + "/expense-transactions",
    response_model=SyncIdResponse,
    response_class=JSONBytes,
    operation_id="create-expense-transaction",
    summary="Create expense transaction",
)
def create_expense_transactions(
    companyId: str, body: CreateExpenseRequest, services: ServicesDep, tasks: TasksDep
) -> Response:
    """Writes 1 to 50 card transactions to the accounting connection (a Payment as a
    direct cost, the others as direct incomes) and answers at once with the sync that
    follows them. A transaction id already synced is refused (400): nothing is written
    twice."""

    def build(refs: rules.References, config: ExpenseConfigRow | None) -> list[Item]:
        items = []
        for tx in body:
            tx_id = str(tx.id)
            expense, problems = _expense(tx, tx_id, config)
            if expense is not None:
                problems = rules.problems(expense, refs)
            items.append(
                Item(
                    transaction_id=tx_id,
                    type=tx.type.value,
                    data_type=rules.record_type(tx.type),
                    request=tx.model_dump(mode="json", exclude_none=True),
                    record=rules.to_record(expense) if expense is not None else None,
                    problems=problems,
                )
            )
        return items

    ids = [str(t.id) for t in body]
    return sync_batch(services, tasks, companyId, "expense-transactions", ids, build)


@router.put(
    BASE + "/expense-transactions/{transactionId}",
    status_code=202,
    response_model=SyncIdResponse,
    response_class=JSONBytes,
    operation_id="update-expense-transaction",
    summary="Update expense transaction",
    responses={422: ERROR_RESPONSES[400] | {"description": "The platform cannot update it."}},
)
def update_expense_transaction(
    companyId: str,
    transactionId: str,
    body: UpdateExpenseRequest,
    services: ServicesDep,
    tasks: TasksDep,
) -> Response:
    """Rewrites a synced expense transaction: an update of the record it became, where
    the accounting platform can update that record type; otherwise 422, as Codat
    answers for platforms that do not support updates."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        connection = accounting_connection(services, session, company.id)
        found = repo.written(session, company.id, transactionId)
        if found is None:
            raise NotFoundError(f"Expense transaction {transactionId} has not been synced.")
        original, op = found
    data_type = rules.record_type(body.type)
    if data_type.value != original.data_type:
        raise UnprocessableError(
            f"Expense transaction {transactionId} was written as {original.data_type}; a "
            f"{body.type.value} is written as {data_type.value}, so its type cannot change."
        )
    name = platform_cannot(services, connection, data_type, WriteKind.UPDATE)
    if name is not None:
        raise UnprocessableError(
            f"Expense transaction updates are not supported for {name}: it cannot update "
            f"{data_type.value}."
        )
    record_id = outcome(op).record_id
    platform = line_accounts(services, company.id, connection.id)
    with transaction(services.sessions) as session:
        config = repo.config(session, company.id)
        kept = original.request.get("reference")
        expense, problems = _expense(body, transactionId, config, kept)
        if expense is not None:
            problems = rules.problems(expense, references(session, connection.id, platform))
        if expense is None or problems:
            raise BadRequestError("The expense transaction is invalid - " + "; ".join(problems))
        sync, row_id = one_transaction_sync(
            session,
            company.id,
            connection.id,
            "expense-transactions",
            transaction_id=transactionId,
            type=body.type.value,
            data_type=data_type,
            kind=WriteKind.UPDATE,
            request=body.model_dump(mode="json", exclude_none=True),
        )
    record = {**rules.to_record(expense), "id": record_id}
    submit_all(services, tasks, sync, [(row_id, data_type, WriteKind.UPDATE, record, record_id)])
    return JSONBytes({"syncId": str(sync.id)}, status_code=202)


@router.put(
    BASE + "/transfer-transactions/{transactionId}",
    response_model=SyncIdResponse,
    response_class=JSONBytes,
    operation_id="create-transfer-transaction",
    summary="Create transfer transaction",
)
def create_transfer_transaction(
    companyId: str,
    transactionId: str,
    body: TransferTransactionRequest,
    services: ServicesDep,
    tasks: TasksDep,
) -> Response:
    """Records money moved between two accounts (a card top-up, say) as a transfer in
    the accounting platform, where it can write transfers."""
    parse_id(transactionId, "Transaction")
    with services.sessions() as session:
        company = load_company(session, companyId)
        connection = accounting_connection(services, session, company.id)
    name = platform_cannot(services, connection, DataType.TRANSFERS, WriteKind.CREATE)
    if name is not None:
        raise BadRequestError(f"{name} does not support transfer transactions.")
    record = {
        "description": body.description,
        "date": body.date,
        "from": {
            "accountRef": {"id": body.from_.accountRef.id},
            "amount": rules.json_number(body.from_.amount),
        },
        "to": {
            "accountRef": {"id": body.to.accountRef.id},
            "amount": rules.json_number(body.to.amount),
        },
    }
    with transaction(services.sessions) as session:
        repo.lock_company(session, company.id)
        refuse_duplicates(
            [transactionId], repo.already_synced(session, company.id, [transactionId], CREATE)
        )
        sync, row_id = one_transaction_sync(
            session,
            company.id,
            connection.id,
            "transfer-transactions",
            transaction_id=transactionId,
            type="Transfer",
            data_type=DataType.TRANSFERS,
            kind=WriteKind.CREATE,
            request=body.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
    submit_all(
        services, tasks, sync, [(row_id, DataType.TRANSFERS, WriteKind.CREATE, record, None)]
    )
    return JSONBytes({"syncId": str(sync.id)})
