"""How Sync for Expenses writes: each client transaction is kept on a sync, checked, and
handed to the push engine as one push operation; the sync's status is then read from
those operations (``syncs.py``). A transaction id is written once (duplication
protection); one that fails the checks is the sync's ValidationError and is not pushed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.api.routes.expenses.common import (
    accounting_connection,
    line_accounts,
    references,
)
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain import expenses as rules
from ledgerport.domain.enums import DataType
from ledgerport.errors import ApiError, BadRequestError, Validation, ValidationItem
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import expenses as repo
from ledgerport.storage.repositories import webhook_events
from ledgerport.storage.tables import ExpenseConfigRow, ExpenseSyncRow, PushOperationRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import push
from ledgerport.sync.jobs import Tasks

CREATE = WriteKind.CREATE.value

# One write to hand to the push engine: the transaction's row id, what to write, how,
# the record, and the platform's id of the record (updates only).
Planned = tuple[uuid.UUID, DataType, WriteKind, dict[str, Any], str | None]


def outcome(op: PushOperationRow) -> rules.PushOutcome:
    """What the push engine did with a transaction's write, in the domain's terms."""
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


def submit_all(
    services: Services, tasks: Tasks, sync: ExpenseSyncRow, planned: Sequence[Planned]
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


def refuse_duplicates(ids: Sequence[str], already: set[str]) -> None:
    """400 for a transaction id sent twice in one request, or already synced."""
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise _duplicated(
            f"Transaction id {repeated[0]} appears more than once in the request.",
            repeated,
            "Each transaction needs its own id.",
        )
    if already:
        shown = ", ".join(sorted(already))
        raise _duplicated(
            f"Expense transaction(s) already synced: {shown}. A transaction id is written "
            "once (duplication protection); use PUT .../expense-transactions/{transactionId} "
            "to change one.",
            sorted(already),
            "This transaction has already been synced.",
        )


def _duplicated(message: str, ids: Sequence[str], item_message: str) -> BadRequestError:
    return BadRequestError(
        message,
        validation=Validation(
            errors=tuple(
                ValidationItem(
                    message=item_message, item_id=i, validator_name="DuplicationProtection"
                )
                for i in ids
            )
        ),
    )


def one_transaction_sync(
    session: Session,
    company_id: uuid.UUID,
    connection_id: uuid.UUID,
    sync_kind: str,
    *,
    transaction_id: str,
    type: str,
    data_type: DataType,
    kind: WriteKind,
    request: dict[str, Any],
) -> tuple[ExpenseSyncRow, uuid.UUID]:
    """A new sync of one transaction (a transfer, or an update), kept in ``session``;
    the sync (detached, to outlive the session) and the transaction's row id."""
    sync = repo.create_sync(session, company_id, connection_id, sync_kind)
    row = repo.add_transaction(
        session,
        sync,
        transaction_id=transaction_id,
        type=type,
        data_type=data_type.value,
        kind=kind.value,
        request=request,
    )
    session.expunge(sync)
    return sync, row.id


@dataclass(frozen=True)
class Item:
    """One client transaction of a batch, checked: the record it becomes, or why not."""

    transaction_id: str
    type: str
    data_type: DataType
    request: dict[str, Any]
    record: dict[str, Any] | None
    problems: list[str]


def sync_batch(
    services: Services,
    tasks: Tasks,
    companyId: str,
    kind: str,
    ids: list[str],
    build: Callable[[rules.References, ExpenseConfigRow | None], list[Item]],
) -> Response:
    """One sync of new transactions: duplicates refused (400) before anything is kept;
    each transaction checked against the accounting data as last pulled (one that fails
    is a ValidationError and is not written); the rest handed to the push engine, one
    push operation each. Answers at once with the sync id."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        connection = accounting_connection(services, session, company.id)
    platform = line_accounts(services, company.id, connection.id)
    planned: list[Planned] = []
    with transaction(services.sessions) as session:
        repo.lock_company(session, company.id)
        refuse_duplicates(ids, repo.already_synced(session, company.id, ids, CREATE))
        config = repo.config(session, company.id)
        refs = references(session, connection.id, platform)
        sync = repo.create_sync(session, company.id, connection.id, kind)
        for item in build(refs, config):
            refused = item.problems or item.record is None
            row = repo.add_transaction(
                session,
                sync,
                transaction_id=item.transaction_id,
                type=item.type,
                data_type=item.data_type.value,
                kind=CREATE,
                request=item.request,
                status=rules.TransactionStatus.VALIDATION_ERROR.value if refused else None,
                message="; ".join(item.problems) if refused else None,
            )
            if not refused and item.record is not None:
                planned.append((row.id, item.data_type, WriteKind.CREATE, item.record, None))
        if not planned:  # every transaction refused: the sync is over already
            webhook_events.expense_sync_progressed(session, sync.id, utcnow())
        session.expunge(sync)
    submit_all(services, tasks, sync, planned)
    return JSONBytes({"syncId": str(sync.id)})
