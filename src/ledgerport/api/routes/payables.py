"""Sync for Payables v2: Codat's synchronous "Bill pay" API, under
``/companies/{companyId}/connections/{connectionId}/payables``.

It is a view over the same two things the rest of ledgerport serves, never a copy:

- **Writes** go through the push engine (``sync.push.submit`` with ``run_now=True`` and
  ``origin="payables"``): the v2 body is mapped to the accounting standard model, checked
  against the connector's create model and written in the request. The answer is the
  record as the platform holds it (201 on create, 200 on update), or the operation's
  failure as a Codat error: its status code (400 with the field messages in
  ``validation``; 503 when the platform could not be reached).
- **Reads** come from the synced records store, mapped to the v2 shapes. Lists page with
  an opaque ``continuationToken`` (v2 has no page numbers): keyed on the record id, so a
  page boundary stays put while records change; a token is tied to its list and query,
  and anything else is a 400. ``query`` is the same query language as the data API,
  over the accounting fields the v2 ones are named after (``status``,
  ``sourceModifiedDate``, ...).

How v2 shapes map to the accounting model is ``api/payables_mapping.py``. Company info
and the mapping options need reference data: when a connection has never pulled it, it
is pulled right then (the API is synchronous), rather than answering 409, which those
operations do not document. Operation ids carry a ``payables-`` prefix: Codat's own
(``list-bills``, ``list-bill-attachments``...) are already the data API's here, and
ids must be unique in one OpenAPI document (the SDKs never send them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, File, Header, Query, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models import payables as v2
from ledgerport.api.models.attachments import BINARY_RESPONSE
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.payables_mapping import (
    account_option,
    attachment_out,
    bad_token,
    bank_account_out,
    bill_in,
    bill_out,
    decode_token,
    encode_token,
    for_bills,
    json_amount,
    json_number,
    pagination,
    supplier_in,
    supplier_out,
    tax_rate_option,
    to_decimal,
)
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.attachments import OCTET_STREAM, content_disposition
from ledgerport.api.routes.connections import load_connection
from ledgerport.api.routes.data import resolver
from ledgerport.api.routes.pulls import TasksDep
from ledgerport.connectors.writes import UploadedFile, WriteKind
from ledgerport.domain.dates import to_codat
from ledgerport.domain.enums import ConnectionStatus, DataType
from ledgerport.domain.pulls import PullStatus
from ledgerport.domain.push import PushStatus
from ledgerport.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    Validation,
    ValidationItem,
)
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.query import (
    DocumentEvaluator,
    FieldKind,
    compile_filter,
    fold_case,
    parse_query,
)
from ledgerport.storage.repositories import attachments, pulls, records
from ledgerport.storage.tables import (
    ConnectionRow,
    PullOperationRow,
    PushOperationRow,
    RecordRow,
)
from ledgerport.storage.types import utcnow
from ledgerport.sync import push
from ledgerport.sync.engine import Engine

router = APIRouter(tags=["Bill pay"], responses=ERROR_RESPONSES)

BASE = "/companies/{companyId}/connections/{connectionId}/payables"
PAGE_SIZE = 100
ORIGIN = "payables"
VALIDATOR = "Payables"
# How long a read waits for a pull of reference data someone else is already running.
PULL_WAIT_SECONDS = 4.0
# How many recent successful writes a lookup of a not-yet-pulled record reads through.
RECENT_WRITES = 200

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Replays the first answer to this key."),
]
ContinuationToken = Annotated[
    str | None,
    Query(alias="continuationToken", max_length=1024, description="From the previous page."),
]
ListQuery = Annotated[
    str | None, Query(max_length=2048, description="Codat query language filter.")
]
StatusQuery = Annotated[
    str | None,
    Query(alias="statusQuery", max_length=2048, description="e.g. status=Active||status=Archived"),
]

# -- continuation tokens -----------------------------------------------------------------


# -- scope, reads and pulls ----------------------------------------------------------------


def _connection(session: Session, company_id: str, connection_id: str) -> ConnectionRow:
    """The connection (404 if it or the company is unknown), which must be linked: every
    payables operation reads or writes the platform through it."""
    connection = load_connection(session, company_id, connection_id)
    if connection.status != ConnectionStatus.LINKED.value:
        raise BadRequestError(
            f"Data connection {connection_id} is not linked (its status is "
            f"{connection.status}); link it before using Bill pay."
        )
    return connection


def _not_pulled(data_type: DataType) -> ConflictError:
    return ConflictError(
        f"The data set has not been requested: {data_type.value} has not been pulled for "
        "this connection yet. Queue a refresh, then read it once the pull completes."
    )


def _ensure_pulled(services: Services, connection: ConnectionRow, data_type: DataType) -> None:
    """Reference data (company info, accounts, tax rates, bank accounts) a connection has
    never pulled is pulled now, in this request: v2 reads are synchronous and these
    operations document no 409. A pull of it already running elsewhere is waited for,
    briefly."""
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
            raise _not_pulled(data_type)
        time.sleep(0.1)
        with services.sessions() as session:
            row = session.get(PullOperationRow, pull_id)
            status = PullStatus(row.status) if row is not None else PullStatus.INTERNAL_ERROR
    err = ApiError(
        f"{data_type.value} could not be read from the platform (the pull ended "
        f"{status.value}); try again shortly.",
        headers={"Retry-After": "5"},
    )
    err.status_code = 503
    err.can_be_retried = "True"
    raise err


def _live(scope: Any, data_type: DataType, connection: ConnectionRow) -> Any:
    return scope.where(
        RecordRow.company_id == connection.company_id,
        RecordRow.connection_id == connection.id,
        RecordRow.data_type == data_type.value,
        RecordRow.is_deleted.is_(False),
    )


def _all_documents(
    session: Session, connection: ConnectionRow, data_type: DataType
) -> list[dict[str, Any]]:
    """Every live record of a (small) reference data type, by id."""
    stmt = _live(select(RecordRow.data), data_type, connection).order_by(RecordRow.record_id)
    return [dict(data) for data in session.scalars(stmt)]


def _page(
    session: Session,
    connection: ConnectionRow,
    data_type: DataType,
    kind: str,
    query: str | None,
    token: str | None,
    narrow: Callable[[Any], Any] = lambda stmt: stmt,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of records after the token's record id, in record id order (409 if the
    data type was never pulled on the connection)."""
    after = decode_token(token, kind, query)
    if not records.has_dataset(session, connection.company_id, data_type.value, connection.id):
        raise _not_pulled(data_type)
    stmt = narrow(_live(select(RecordRow.record_id, RecordRow.data), data_type, connection))
    if query is not None and query.strip():
        stmt = stmt.where(compile_filter(parse_query(query), resolver(data_type)))
    if after is not None:
        stmt = stmt.where(RecordRow.record_id > str(after))
    rows = session.execute(stmt.order_by(RecordRow.record_id).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_token = encode_token(kind, query, rows[-1][0]) if more else None
    return [dict(data) for _, data in rows], next_token


def _stored(
    session: Session, connection: ConnectionRow, data_type: DataType, record_id: str
) -> dict[str, Any] | None:
    """A record as we hold it: from the records store, else from a successful write of it
    not pulled yet (a bill created a moment ago is payable at once)."""
    text = records.one_text(
        session, connection.company_id, data_type.value, record_id, connection.id
    )
    if text is not None:
        document = orjson.loads(text)
        return document if isinstance(document, dict) else None
    recent = session.scalars(
        select(PushOperationRow)
        .where(
            PushOperationRow.connection_id == connection.id,
            PushOperationRow.data_type == data_type.value,
            PushOperationRow.status == PushStatus.SUCCESS.value,
            PushOperationRow.kind.in_((WriteKind.CREATE.value, WriteKind.UPDATE.value)),
        )
        .order_by(PushOperationRow.completed.desc())
        .limit(RECENT_WRITES)
    )
    for row in recent:
        data = row.data or {}
        if str(data.get("id")) == record_id:
            return dict(data)
    return None


# -- writes ----------------------------------------------------------------------------------


def _write(
    services: Services,
    tasks: Any,
    connection: ConnectionRow,
    data_type: DataType,
    kind: WriteKind,
    *,
    record: Mapping[str, Any] | None = None,
    record_id: str | None = None,
    file: UploadedFile | None = None,
    renames: Mapping[str, str] | None = None,
) -> PushOperationRow:
    """One write through the push engine, in this request. A failed operation raises
    the Codat error it carries; the successful operation is returned."""
    op = push.submit(
        services,
        None,
        company_id=connection.company_id,
        connection_id=connection.id,
        data_type=data_type,
        kind=kind,
        record=record,
        record_id=record_id,
        file=file,
        origin=ORIGIN,
        run_now=True,
        queue_pull=tasks.run_pull,
    )
    if op.status != PushStatus.SUCCESS.value:
        raise _failure(op, renames or {})
    return op


# The statuses the v2 write operations document; anything else is reported as the
# nearest one, so the SDKs raise their typed ErrorMessage rather than an untyped error.
_DOCUMENTED = frozenset({400, 401, 402, 403, 404, 429, 500, 503})


def _failure(op: PushOperationRow, renames: Mapping[str, str]) -> ApiError:
    def items(kind: str) -> tuple[ValidationItem, ...]:
        found = (op.validation or {}).get(kind) or []
        return tuple(
            ValidationItem(
                message=str(item.get("message") or ""),
                item_id=_renamed(item.get("itemId"), renames),
                validator_name=item.get("validatorName"),
            )
            for item in found
            if isinstance(item, Mapping)
        )

    errors, warnings = items("errors"), items("warnings")
    validation = Validation(errors=errors, warnings=warnings) if errors or warnings else None
    code = op.status_code
    if code not in _DOCUMENTED:
        code = 503 if code >= 500 or op.status == PushStatus.TIMED_OUT.value else 400
    headers = {"Retry-After": "5"} if code == 503 else None
    err = ApiError(
        op.error_message or f"The platform did not accept the {op.data_type} write.",
        validation=validation,
        headers=headers,
    )
    err.status_code = code
    if code in (429, 503):
        err.can_be_retried = "True"
    return err


def _renamed(item_id: Any, renames: Mapping[str, str]) -> str | None:
    """An accounting field path in a platform's message, as the v2 body names it."""
    if not isinstance(item_id, str):
        return None
    for old, new in renames.items():
        if item_id == old or item_id.startswith((old + ".", old + "[")):
            return new + item_id[len(old) :]
    return item_id


def _invalid(item_id: str, message: str) -> BadRequestError:
    return BadRequestError(
        f"The request is invalid - {item_id}: {message}",
        validation=Validation(
            errors=(ValidationItem(message=message, item_id=item_id, validator_name=VALIDATOR),)
        ),
    )


# -- money ---------------------------------------------------------------------------------------


# -- v2 <-> accounting mappings ----------------------------------------------------------------


_STATUS_ONLY = {"status": FieldKind.STRING}


def _option_page(
    kind: str,
    resource: str,
    status_query: str | None,
    token: str | None,
    lists: Sequence[list[dict[str, Any]]],
) -> tuple[list[list[dict[str, Any]]], str | None]:
    """Option lists filtered by ``statusQuery`` (on the v2 status, so ``status=Active``
    means exactly what the response says) and paged together by offset."""
    offset = decode_token(token, kind, status_query) or 0
    if not isinstance(offset, int) or offset < 0:
        raise bad_token()
    if status_query is not None and status_query.strip():
        evaluator = DocumentEvaluator(resource, _STATUS_ONLY)
        node = parse_query(status_query)
        lists = [evaluator.filter(items, node) for items in lists]
    pages = [items[offset : offset + PAGE_SIZE] for items in lists]
    more = any(len(items) > offset + PAGE_SIZE for items in lists)
    return pages, encode_token(kind, status_query, offset + PAGE_SIZE) if more else None


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
    stmt = _live(select(RecordRow.data), bills, connection).where(
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


# -- routes: company and mapping options -----------------------------------------------------


@router.get(
    f"{BASE}/info",
    response_model=v2.CompanyInformation,
    response_class=JSONBytes,
    operation_id="payables-get-company-information",
    summary="Get company information",
)
def get_company_information(companyId: str, connectionId: str, services: ServicesDep) -> Response:
    """The company's name and base currency as its accounting platform holds them."""
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
    _ensure_pulled(services, connection, DataType.COMPANY)
    with services.sessions() as session:
        documents = _all_documents(session, connection, DataType.COMPANY)
    info = documents[0] if documents else {}
    return JSONBytes(
        {"companyName": info.get("companyName"), "baseCurrency": info.get("baseCurrency")}
    )


@router.get(
    f"{BASE}/mappingOptions/bills",
    response_model=v2.BillMappingOptions,
    response_class=JSONBytes,
    operation_id="payables-get-mapping-options-bills",
    summary="Mapping options (bills)",
)
def get_mapping_options_bills(
    companyId: str,
    connectionId: str,
    services: ServicesDep,
    continuation_token: ContinuationToken = None,
    status_query: StatusQuery = None,
) -> Response:
    """The accounts a bill line may be coded to, and the tax rates, with their status in
    payables' terms (Active or Archived)."""
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
    decode_token(continuation_token, "mappingOptions/bills", status_query)
    for data_type in (DataType.CHART_OF_ACCOUNTS, DataType.TAX_RATES):
        _ensure_pulled(services, connection, data_type)
    with services.sessions() as session:
        accounts = [
            account_option(doc)
            for doc in _all_documents(session, connection, DataType.CHART_OF_ACCOUNTS)
            if for_bills(doc)
        ]
        tax_rates = [
            tax_rate_option(doc)
            for doc in _all_documents(session, connection, DataType.TAX_RATES)
            if doc.get("status") != "Pending"
        ]
    (accounts, tax_rates), token = _option_page(
        "mappingOptions/bills", "Account", status_query, continuation_token, [accounts, tax_rates]
    )
    return JSONBytes({"accounts": accounts, "taxRates": tax_rates, "pagination": pagination(token)})


@router.get(
    f"{BASE}/mappingOptions/payments",
    response_model=v2.PaymentMappingOptions,
    response_class=JSONBytes,
    operation_id="payables-get-mapping-options-payments",
    summary="Mapping options (payments)",
)
def get_mapping_options_payments(
    companyId: str,
    connectionId: str,
    services: ServicesDep,
    continuation_token: ContinuationToken = None,
    status_query: StatusQuery = None,
) -> Response:
    """The bank accounts a bill may be paid from (a ``Pending`` one is left out)."""
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
    decode_token(continuation_token, "mappingOptions/payments", status_query)
    _ensure_pulled(services, connection, DataType.BANK_ACCOUNTS)
    with services.sessions() as session:
        accounts = [
            bank_account_out(doc)
            for doc in _all_documents(session, connection, DataType.BANK_ACCOUNTS)
            if doc.get("status") != "Pending"
        ]
    (accounts,), token = _option_page(
        "mappingOptions/payments", "BankAccount", status_query, continuation_token, [accounts]
    )
    return JSONBytes({"bankAccounts": accounts, "pagination": pagination(token)})


# -- routes: suppliers -----------------------------------------------------------------------


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
        connection = _connection(session, companyId, connectionId)
        documents, token = _page(
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
        connection = _connection(session, companyId, connectionId)
    op = _write(
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
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
        _known(session, connection, DataType.SUPPLIERS, supplierId, "Supplier")
    op = _write(
        services,
        tasks,
        connection,
        DataType.SUPPLIERS,
        WriteKind.UPDATE,
        record={**supplier_in(body), "id": supplierId},
        record_id=supplierId,
    )
    return JSONBytes(supplier_out({"id": supplierId, **(op.data or {})}))


def _known(
    session: Session, connection: ConnectionRow, data_type: DataType, record_id: str, label: str
) -> dict[str, Any] | None:
    """The record, or a 404 when it cannot exist: the data type was pulled on this
    connection and neither the pull nor a write of ours has it. Never pulled: None,
    and the platform decides."""
    found = _stored(session, connection, data_type, record_id)
    if found is not None:
        return found
    if records.has_dataset(session, connection.company_id, data_type.value, connection.id):
        raise NotFoundError(f"{label} {record_id} not found.")
    return None


# -- routes: bills ----------------------------------------------------------------------------


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
        connection = _connection(session, companyId, connectionId)
        documents, token = _page(
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
        raise _invalid("status", f"A bill must be created with status Open (got {body.status}).")
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
    op = _write(services, tasks, connection, DataType.BILLS, WriteKind.CREATE, record=bill_in(body))
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
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
        _known(session, connection, DataType.BILLS, billId, "Bill")
    op = _write(
        services,
        tasks,
        connection,
        DataType.BILLS,
        WriteKind.UPDATE,
        record={**bill_in(body), "id": billId},
        record_id=billId,
    )
    return JSONBytes(bill_out({"id": billId, **(op.data or {})}))


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
        connection = _connection(session, companyId, connectionId)
        bill = _stored(session, connection, DataType.BILLS, billId)
    if bill is None:
        raise NotFoundError(f"Bill {billId} not found.")
    supplier = bill.get("supplierRef")
    if not isinstance(supplier, Mapping) or not supplier.get("id"):
        raise _invalid("billId", f"Bill {billId} has no supplier to pay.")
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
    op = _write(
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


# -- routes: bill attachments ------------------------------------------------------------------


@router.post(
    f"{BASE}/bills/{{billId}}/attachments",
    status_code=201,
    response_model=v2.Attachment,
    response_class=JSONBytes,
    operation_id="payables-upload-bill-attachment",
    summary="Upload bill attachment",
)
def upload_bill_attachment(
    companyId: str,
    connectionId: str,
    billId: str,
    file: Annotated[UploadFile, File(description="The file to attach to the bill.")],
    services: ServicesDep,
    tasks: TasksDep,
) -> Response:
    with services.sessions() as session:
        connection = _connection(session, companyId, connectionId)
        if _stored(session, connection, DataType.BILLS, billId) is None:
            raise NotFoundError(f"Bill {billId} not found.")
    content = file.file.read()
    name = file.filename or "attachment"
    content_type = file.content_type or OCTET_STREAM
    op = _write(
        services,
        tasks,
        connection,
        DataType.BILLS,
        WriteKind.UPLOAD_ATTACHMENT,
        record_id=billId,
        file=UploadedFile(name=name, content_type=content_type, content=content),
    )
    held = op.data or {}
    attachment_id = held.get("id") if held.get("id") and held.get("id") != billId else None
    if attachment_id is None:
        attachment_id = next(
            (c.get("attachmentId") for c in op.changes or [] if c.get("attachmentId")), None
        )
    if attachment_id is None:
        raise ApiError("The platform took the file but did not say which attachment it made.")
    uploaded = {
        "id": attachment_id,
        "name": name,
        "contentType": content_type,
        "fileSize": len(content),
        "dateCreated": to_codat(op.completed),
        **{
            k: v
            for k, v in held.items()
            if k in _ATTACHMENT_KEYS and held.get("id") == attachment_id
        },
    }
    return JSONBytes(attachment_out(uploaded), status_code=201)


_ATTACHMENT_KEYS = frozenset(
    {"name", "contentType", "dateCreated", "fileSize", "includeWhenSent", "sourceModifiedDate"}
)


def _bill_for_files(
    session: Session, company_id: str, connection_id: str, bill_id: str
) -> ConnectionRow:
    connection = load_connection(session, company_id, connection_id)
    if _stored(session, connection, DataType.BILLS, bill_id) is None:
        if not records.has_dataset(
            session, connection.company_id, DataType.BILLS.value, connection.id
        ):
            raise _not_pulled(DataType.BILLS)
        raise NotFoundError(f"Bill {bill_id} not found.")
    return connection


@router.get(
    f"{BASE}/bills/{{billId}}/attachments",
    response_model=list[v2.Attachment],
    response_class=JSONBytes,
    operation_id="payables-list-bill-attachments",
    summary="List bill attachments",
)
def list_bill_attachments(
    companyId: str, connectionId: str, billId: str, services: ServicesDep
) -> Response:
    """The bill's files, as a plain array (v2 has no envelope here)."""
    with services.sessions() as session:
        connection = _bill_for_files(session, companyId, connectionId, billId)
        texts = attachments.list_text(session, connection.id, DataType.BILLS.value, billId)
    return JSONBytes([attachment_out(orjson.loads(text)) for text in texts])


@router.get(
    f"{BASE}/bills/{{billId}}/attachments/{{attachmentId}}/download",
    response_class=Response,
    responses=BINARY_RESPONSE,
    operation_id="payables-download-bill-attachment",
    summary="Download bill attachment",
)
def download_bill_attachment(
    companyId: str, connectionId: str, billId: str, attachmentId: str, services: ServicesDep
) -> Response:
    with services.sessions() as session:
        connection = load_connection(session, companyId, connectionId)
        stored = attachments.download(
            session, connection.id, DataType.BILLS.value, billId, attachmentId
        )
    if stored is None:
        raise NotFoundError(f"No attachment with id {attachmentId} on bill {billId}.")
    return Response(
        content=stored.content,
        media_type=OCTET_STREAM,
        headers={"Content-Disposition": content_disposition(stored.name or attachmentId)},
    )


# -- routes: bank accounts ---------------------------------------------------------------------


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
        connection = _connection(session, companyId, connectionId)
    record = {
        "accountName": body.name,
        "accountType": body.accountType.value,
        "accountNumber": body.accountNumber,
        "sortCode": body.sortCode,
        "currency": body.currency,
        "nominalCode": body.nominalCode,
    }
    op = _write(
        services,
        tasks,
        connection,
        DataType.BANK_ACCOUNTS,
        WriteKind.CREATE,
        record=record,
        renames={"accountName": "name"},
    )
    created = bank_account_out(op.data or {})
    created.setdefault("currency", body.currency)
    if created.get("currency") is None:
        created["currency"] = body.currency
    return JSONBytes(created, status_code=201)
