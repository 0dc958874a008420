"""Sync for Expenses (Codat's ``/sync/expenses/...``, ``codat-sync-for-expenses`` 9.x):
card transactions written to the company's accounting connection as direct costs and
direct incomes, each through one push operation, and followed as syncs.

A sync's status, and each transaction's, is read from those push operations on every
request, so it is exactly what the push engine did. Transactions are checked against
the company's accounting data (as last pulled) and the platform's create models before
anything is pushed; a transaction that fails the check is reported as a
``ValidationError`` in its sync and nothing is written for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.connections import Connection
from ledgerport.api.models.expenses import (
    Attachment,
    CompanyConfiguration,
    CompanySyncStatus,
    CreateExpenseRequest,
    ExpenseTransaction,
    MappingOptions,
    SyncIdResponse,
    Transaction,
    Transactions,
    TransferTransactionRequest,
    UpdateExpenseRequest,
)
from ledgerport.api.paging import PageDep, envelope
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.connections import connection_body
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.partner_expense import KEY as PARTNER_KEY
from ledgerport.connectors.writes import UploadedFile, WriteKind
from ledgerport.domain import expenses as rules
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import DataType, SourceType
from ledgerport.errors import (
    ApiError,
    BadRequestError,
    NotFoundError,
    UnprocessableError,
    Validation,
    ValidationItem,
)
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.tables import (
    ConnectionRow,
    ExpenseConfigRow,
    ExpenseSyncRow,
    PushOperationRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.sync import push
from ledgerport.sync.jobs import Tasks

router = APIRouter(tags=["Sync for Expenses"], responses=ERROR_RESPONSES)

BASE = "/companies/{companyId}/sync/expenses"
MAX_FILE_BYTES = 10 * 1024 * 1024
CREATE = WriteKind.CREATE.value


# -- shared helpers ---------------------------------------------------------------------


def _accounting_keys(services: Services) -> set[str]:
    return {c.key for c in services.connectors if c.source_type is SourceType.ACCOUNTING}


def _accounting_connection(
    services: Services, session: Session, company_id: uuid.UUID
) -> ConnectionRow:
    """The company's linked accounting connection (the oldest, if it has several):
    where expenses are written and their references are checked."""
    linked = repo.linked_connections(session, company_id, _accounting_keys(services))
    if not linked:
        raise BadRequestError(
            f"Company {company_id} has no linked accounting connection to sync expenses to; "
            "link one first (POST /companies/{companyId}/connections, then its linkUrl)."
        )
    return linked[0]


def _line_accounts(
    services: Services, company_id: uuid.UUID, connection_id: uuid.UUID
) -> rules.LineAccounts:
    """The accounts the platform takes on direct cost and direct income lines."""

    def allowed(data_type: DataType) -> frozenset[str] | None:
        try:
            model = push.create_model(
                services, company_id=company_id, connection_id=connection_id, data_type=data_type
            )
        except ApiError:
            return None  # the platform cannot write it: the general rule describes it
        return rules.line_account_options(model)

    return rules.LineAccounts(
        direct_costs=allowed(DataType.DIRECT_COSTS),
        direct_incomes=allowed(DataType.DIRECT_INCOMES),
    )


def _ids(records: Sequence[Mapping[str, Any]] | None) -> frozenset[str] | None:
    if records is None:
        return None
    return frozenset(str(r["id"]) for r in records if rules.is_usable(r))


def _references(
    session: Session, connection_id: uuid.UUID, platform: rules.LineAccounts | None = None
) -> rules.References:
    """What the company's accounting data (as last pulled) holds, to check ids against."""

    def read(data_type: DataType) -> list[dict[str, Any]] | None:
        return repo.reference_records(session, connection_id, data_type.value)

    accounts = read(DataType.CHART_OF_ACCOUNTS)
    banks = _ids(read(DataType.BANK_ACCOUNTS))
    chart_banks = (
        frozenset(str(a["id"]) for a in accounts if a.get("isBankAccount") and rules.is_usable(a))
        if accounts is not None
        else None
    )
    bank_accounts = None
    if banks is not None or chart_banks is not None:
        bank_accounts = (banks or frozenset()) | (chart_banks or frozenset())
    return rules.References(
        accounts=(
            {str(a["id"]): a for a in accounts if rules.is_usable(a)}
            if accounts is not None
            else None
        ),
        tax_rates=_ids(read(DataType.TAX_RATES)),
        tracking_categories=_ids(read(DataType.TRACKING_CATEGORIES)),
        suppliers=_ids(read(DataType.SUPPLIERS)),
        customers=_ids(read(DataType.CUSTOMERS)),
        bank_accounts=bank_accounts,
        platform=platform,
    )


def _expense(
    fields: ExpenseTransaction | UpdateExpenseRequest,
    transaction_id: str,
    config: ExpenseConfigRow | None,
) -> tuple[rules.Expense | None, list[str]]:
    """The expense with the company's defaults applied (the configured bank account,
    and supplier, or customer for a reward), or why it cannot be built."""
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
        reference=getattr(fields, "reference", None),
        merchant_name=fields.merchantName,
        notes=fields.notes,
        lines=lines,
    )
    return expense, []


def _outcome(op: PushOperationRow) -> rules.PushOutcome:
    errors = tuple(
        f"{e.get('itemId')}: {e.get('message')}" if e.get("itemId") else str(e.get("message"))
        for e in (op.validation or {}).get("errors", [])
    )
    record_id = op.record_id
    if op.status == "Success" and isinstance(op.data, Mapping) and op.data.get("id"):
        record_id = str(op.data["id"])
    return rules.PushOutcome(
        status=op.status,
        status_code=op.status_code,
        error_message=op.error_message,
        validation_errors=errors,
        record_id=record_id,
        data_type=op.data_type,
    )


def _status(row: Any, op: PushOperationRow | None) -> tuple[rules.TransactionStatus, str | None]:
    if row.status is not None:
        return rules.TransactionStatus(row.status), row.message
    if op is None:  # being handed to the push engine right now
        return rules.TransactionStatus.PENDING, None
    return rules.transaction_status(_outcome(op))


def _transaction_body(row: Any, op: PushOperationRow | None) -> dict[str, Any]:
    status, message = _status(row, op)
    return {
        "transactionId": row.transaction_id,
        "status": status.value,
        "message": message,
        "integrationType": "expenses",
    }


def _sync_body(session: Session, sync: ExpenseSyncRow) -> dict[str, Any]:
    results = [
        (row.transaction_id, *_status(row, op)) for row, op in repo.transactions(session, [sync.id])
    ]
    state = rules.sync_state(results, sync.requested, utcnow())
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


def _submit_all(
    services: Services,
    tasks: Tasks,
    sync: ExpenseSyncRow,
    planned: Sequence[tuple[uuid.UUID, DataType, WriteKind, dict[str, Any], str | None]],
) -> None:
    """Hand each planned write to the push engine, and link it to its transaction. A
    write the engine refuses outright (the connection was unlinked meanwhile) is that
    transaction's PushError."""
    for row_id, data_type, kind, record, record_id in planned:
        try:
            op = push.submit(
                services,
                tasks.run_push,
                company_id=sync.company_id,
                connection_id=sync.connection_id,
                data_type=data_type,
                kind=kind,
                record=record,
                record_id=record_id,
                origin=f"expenses:{sync.id}",
            )
        except ApiError as error:
            with transaction(services.sessions) as session:
                repo.attach_push(
                    session,
                    row_id,
                    None,
                    status=rules.TransactionStatus.PUSH_ERROR.value,
                    message=error.message,
                )
            continue
        with transaction(services.sessions) as session:
            repo.attach_push(session, row_id, op.id)


def _duplicates(ids: Sequence[str], already: set[str]) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise BadRequestError(
            f"Transaction id {repeated[0]} appears more than once in the request.",
            validation=Validation(
                errors=tuple(
                    ValidationItem(
                        message="Each transaction needs its own id.",
                        item_id=i,
                        validator_name="DuplicationProtection",
                    )
                    for i in repeated
                )
            ),
        )
    if already:
        shown = ", ".join(sorted(already))
        raise BadRequestError(
            f"Expense transaction(s) already synced: {shown}. A transaction id is written "
            "once (duplication protection); use PUT .../expense-transactions/{transactionId} "
            "to change one.",
            validation=Validation(
                errors=tuple(
                    ValidationItem(
                        message="This transaction has already been synced.",
                        item_id=i,
                        validator_name="DuplicationProtection",
                    )
                    for i in sorted(already)
                )
            ),
        )


# -- partner expense connection ------------------------------------------------------------


@router.post(
    BASE + "/connections/partnerExpense",
    response_model=Connection,
    response_class=JSONBytes,
    operation_id="create-partner-expense-connection",
    summary="Create partner expense connection",
)
def create_partner_expense_connection(companyId: str, services: ServicesDep) -> Response:
    """The company's partner expense connection, created ``Linked``. Idempotent: a
    company has at most one, and calling again returns it."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        repo.lock_company(session, company.id)
        row = repo.partner_connection(session, company.id, PARTNER_KEY)
        if row is None:
            row = repo.create_partner_connection(session, company.id, PARTNER_KEY)
        return connection_body(services, session, row.id)


# -- configuration ----------------------------------------------------------------------------


def _config_body(row: ExpenseConfigRow) -> dict[str, Any]:
    return {
        "bankAccount": {"id": row.bank_account_id},
        "supplier": {"id": row.supplier_id},
        "customer": {"id": row.customer_id},
    }


@router.get(
    BASE + "/config",
    response_model=CompanyConfiguration,
    response_class=JSONBytes,
    operation_id="get-company-configuration",
    summary="Get company configuration",
)
def get_company_configuration(companyId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        company = load_company(session, companyId)
        row = repo.config(session, company.id)
        if row is None:
            raise NotFoundError(
                f"Company {companyId} has no expense configuration yet; set it with "
                "POST /companies/{companyId}/sync/expenses/config."
            )
        return JSONBytes(_config_body(row))


@router.post(
    BASE + "/config",
    response_model=CompanyConfiguration,
    response_class=JSONBytes,
    operation_id="set-company-configuration",
    summary="Set company configuration",
)
def set_company_configuration(
    companyId: str, body: CompanyConfiguration, services: ServicesDep
) -> Response:
    """Sets the bank account card spend is paid from, and the supplier and customer used
    when a transaction names no contact. Each id must exist in the company's accounting
    data (as last pulled)."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        connection = _accounting_connection(services, session, company.id)
        refs = _references(session, connection.id)
        checks = (
            ("bankAccount.id", body.bankAccount.id, refs.bank_accounts, "bankAccounts"),
            ("supplier.id", body.supplier.id, refs.suppliers, "suppliers"),
            ("customer.id", body.customer.id, refs.customers, "customers"),
        )
        problems = []
        for field, value, known, data_type in checks:
            if known is None:
                problems.append(
                    ValidationItem(
                        message=f"The company's {data_type} have not been pulled yet, so "
                        f"{value} cannot be checked; refresh {data_type} first.",
                        item_id=field,
                        validator_name="CompanyConfiguration",
                    )
                )
            elif value not in known:
                problems.append(
                    ValidationItem(
                        message=f"{value} is not one of the company's {data_type}.",
                        item_id=field,
                        validator_name="CompanyConfiguration",
                    )
                )
        if problems:
            raise BadRequestError(
                "The configuration is invalid - "
                + "; ".join(f"{p.item_id}: {p.message}" for p in problems),
                validation=Validation(errors=tuple(problems)),
            )
        row = repo.save_config(
            session,
            company.id,
            bank_account=body.bankAccount.id,
            supplier=body.supplier.id,
            customer=body.customer.id,
        )
        return JSONBytes(_config_body(row))


# -- mapping options --------------------------------------------------------------------------


@router.get(
    BASE + "/mappingOptions",
    response_model=MappingOptions,
    response_class=JSONBytes,
    operation_id="get-mapping-options",
    summary="Mapping options",
)
def get_mapping_options(companyId: str, services: ServicesDep) -> Response:
    """The accounts, tracking categories and tax rates expense lines may use, from the
    accounting data as last pulled; each account says which transaction types it takes
    (what the platform's create models accept)."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        linked = repo.linked_connections(session, company.id, _accounting_keys(services))
        if not linked:
            raise NotFoundError(
                f"Company {companyId} has no linked accounting connection to map expenses to."
            )
        connection = linked[0]
        partner = repo.partner_connection(session, company.id, PARTNER_KEY)
    platform = _line_accounts(services, company.id, connection.id)
    with services.sessions() as session:
        accounts = repo.reference_records(session, connection.id, "chartOfAccounts")
        tracking = repo.reference_records(session, connection.id, "trackingCategories")
        rates = repo.reference_records(session, connection.id, "taxRates")
    connector = services.connectors.get(PARTNER_KEY)
    options = [rules.account_option(a, platform) for a in accounts or () if rules.is_usable(a)]
    return JSONBytes(
        {
            "expenseProvider": connector.name if partner is not None and connector else None,
            "accounts": [o for o in options if o is not None],
            "trackingCategories": [
                rules.tracking_category_option(t) for t in tracking or () if rules.is_usable(t)
            ],
            "taxRates": [rules.tax_rate_option(r) for r in rates or () if rules.is_usable(r)],
        }
    )


# -- expense transactions -------------------------------------------------------------------


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
    ids = [str(t.id) for t in body]
    with services.sessions() as session:
        company = load_company(session, companyId)
        connection = _accounting_connection(services, session, company.id)
    platform = _line_accounts(services, company.id, connection.id)
    planned: list[tuple[uuid.UUID, DataType, WriteKind, dict[str, Any], str | None]] = []
    with transaction(services.sessions) as session:
        repo.lock_company(session, company.id)
        _duplicates(ids, repo.already_synced(session, company.id, ids, CREATE))
        config = repo.config(session, company.id)
        refs = _references(session, connection.id, platform)
        sync = repo.create_sync(session, company.id, connection.id, "expense-transactions")
        for tx, tx_id in zip(body, ids, strict=True):
            expense, problems = _expense(tx, tx_id, config)
            if expense is not None:
                problems = rules.problems(expense, refs)
            data_type = rules.record_type(tx.type)
            row = repo.add_transaction(
                session,
                sync,
                transaction_id=tx_id,
                type=tx.type.value,
                data_type=data_type.value,
                kind=CREATE,
                request=tx.model_dump(mode="json", exclude_none=True),
                status=rules.TransactionStatus.VALIDATION_ERROR.value if problems else None,
                message="; ".join(problems) if problems else None,
            )
            if expense is not None and not problems:
                planned.append(
                    (row.id, data_type, WriteKind.CREATE, rules.to_record(expense), None)
                )
        session.expunge(sync)
    _submit_all(services, tasks, sync, planned)
    return JSONBytes({"syncId": str(sync.id)})


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
        connection = _accounting_connection(services, session, company.id)
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
    connector = services.connectors.get(connection.platform_key)
    if connector is None or not connector.can_write(data_type, WriteKind.UPDATE):
        name = connector.name if connector else connection.platform_key
        raise UnprocessableError(
            f"Expense transaction updates are not supported for {name}: it cannot update "
            f"{data_type.value}."
        )
    record_id = _outcome(op).record_id
    platform = _line_accounts(services, company.id, connection.id)
    with transaction(services.sessions) as session:
        config = repo.config(session, company.id)
        expense, problems = _expense(body, transactionId, config)
        if expense is not None:
            problems = rules.problems(expense, _references(session, connection.id, platform))
        if expense is None or problems:
            raise BadRequestError("The expense transaction is invalid - " + "; ".join(problems))
        sync = repo.create_sync(session, company.id, connection.id, "expense-transactions")
        row = repo.add_transaction(
            session,
            sync,
            transaction_id=transactionId,
            type=body.type.value,
            data_type=data_type.value,
            kind=WriteKind.UPDATE.value,
            request=body.model_dump(mode="json", exclude_none=True),
        )
        session.expunge(sync)
    record = {**rules.to_record(expense), "id": record_id}
    _submit_all(services, tasks, sync, [(row.id, data_type, WriteKind.UPDATE, record, record_id)])
    return JSONBytes({"syncId": str(sync.id)}, status_code=202)


# -- transfers --------------------------------------------------------------------------------


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
        connection = _accounting_connection(services, session, company.id)
    connector = services.connectors.get(connection.platform_key)
    if connector is None or not connector.can_write(DataType.TRANSFERS, WriteKind.CREATE):
        name = connector.name if connector else connection.platform_key
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
        _duplicates(
            [transactionId], repo.already_synced(session, company.id, [transactionId], CREATE)
        )
        sync = repo.create_sync(session, company.id, connection.id, "transfer-transactions")
        row = repo.add_transaction(
            session,
            sync,
            transaction_id=transactionId,
            type="Transfer",
            data_type=DataType.TRANSFERS.value,
            kind=CREATE,
            request=body.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
        session.expunge(sync)
    _submit_all(
        services, tasks, sync, [(row.id, DataType.TRANSFERS, WriteKind.CREATE, record, None)]
    )
    return JSONBytes({"syncId": str(sync.id)})


# -- sync status ------------------------------------------------------------------------------


def _company_syncs(services: Services, companyId: str) -> tuple[Session, list[ExpenseSyncRow]]:
    session = services.sessions()
    company = load_company(session, companyId)
    return session, repo.syncs(session, company.id)


@router.get(
    BASE + "/syncs/latest/status",
    response_model=CompanySyncStatus,
    response_class=JSONBytes,
    operation_id="get-latest-sync",
    summary="Latest sync status",
)
def get_latest_sync(companyId: str, services: ServicesDep) -> Response:
    session, syncs = _company_syncs(services, companyId)
    with session:
        if not syncs:
            raise NotFoundError(f"Company {companyId} has no expense syncs.")
        return JSONBytes(_sync_body(session, syncs[0]))


@router.get(
    BASE + "/syncs/lastSuccessful/status",
    response_model=CompanySyncStatus,
    response_class=JSONBytes,
    operation_id="get-last-successful-sync",
    summary="Last successful sync",
)
def get_last_successful_sync(companyId: str, services: ServicesDep) -> Response:
    session, syncs = _company_syncs(services, companyId)
    with session:
        for sync in syncs:
            body = _sync_body(session, sync)
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
    session, syncs = _company_syncs(services, companyId)
    with session:
        return JSONBytes([_sync_body(session, sync) for sync in syncs])


def _load_sync(session: Session, companyId: str, syncId: str) -> ExpenseSyncRow:
    company = load_company(session, companyId)
    sync = repo.sync(session, company.id, parse_id(syncId, "Sync"))
    if sync is None:
        raise NotFoundError(f"Sync {syncId} not found.")
    return sync


@router.get(
    BASE + "/syncs/{syncId}/status",
    response_model=CompanySyncStatus,
    response_class=JSONBytes,
    operation_id="get-sync-by-id",
    summary="Get sync status",
)
def get_sync(companyId: str, syncId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        return JSONBytes(_sync_body(session, _load_sync(session, companyId, syncId)))


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
        sync = _load_sync(session, companyId, syncId)
        rows = repo.transactions(session, [sync.id], transaction_id=transactionId)
        if not rows:
            raise NotFoundError(f"Transaction {transactionId} not found in sync {syncId}.")
        return JSONBytes([_transaction_body(row, op) for row, op in rows])


# -- attachments ------------------------------------------------------------------------------


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
    content = await file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise BadRequestError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not content:
        raise BadRequestError("The file is empty.")
    name = (file.filename or "receipt").replace("\\", "/").rsplit("/", 1)[-1][:255] or "receipt"
    uploaded = UploadedFile(
        name=name, content_type=file.content_type or "application/octet-stream", content=content
    )
    return _upload(services, companyId, syncId, transactionId, uploaded)


def _upload(
    services: Services, companyId: str, syncId: str, transactionId: str, file: UploadedFile
) -> Response:
    with services.sessions() as session:
        sync = _load_sync(session, companyId, syncId)
        rows = repo.transactions(session, [sync.id], transaction_id=transactionId)
        if not rows:
            raise NotFoundError(f"Transaction {transactionId} not found in sync {syncId}.")
        written = [(row, op) for row, op in rows if op is not None and op.status == "Success"]
        if not written:
            status, message = _status(*rows[-1])
            raise BadRequestError(
                f"Transaction {transactionId} has not been written yet ({status.value}"
                + (f": {message}" if message else "")
                + "); attach the receipt once its status is Completed."
            )
        row, op = written[-1]
        record_id = _outcome(op).record_id
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
