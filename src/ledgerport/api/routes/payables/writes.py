"""How Sync for Payables v2 writes: one push operation run in the request
(``sync.push.submit`` with ``run_now=True``), checked against the connector's create
model first. A failed operation is answered as the Codat error it carries: its status
code (400 with the field messages in ``validation``; 503 when the platform could not be
reached), with accounting field names put back as the v2 body names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerport.api.routes.payables.common import ORIGIN, linked_connection, status_error
from ledgerport.api.routes.payables.reads import known
from ledgerport.connectors.writes import UploadedFile, WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushStatus
from ledgerport.errors import ApiError, Validation, ValidationItem
from ledgerport.services import Services
from ledgerport.storage.tables import ConnectionRow, PushOperationRow
from ledgerport.sync import push
from ledgerport.sync.jobs import Tasks

# The statuses the v2 write operations document; anything else is reported as the
# nearest one, so the SDKs raise their typed ErrorMessage rather than an untyped error.
_DOCUMENTED = frozenset({400, 401, 402, 403, 404, 429, 500, 503})


def write(
    services: Services,
    tasks: Tasks,
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
    the Codat error it carries; the successful operation is returned. ``renames`` maps
    accounting field names to the v2 ones for its ``validation`` item ids."""
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


def update_known(
    services: Services,
    tasks: Tasks,
    company_id: str,
    connection_id: str,
    data_type: DataType,
    record_id: str,
    label: str,
    record: Mapping[str, Any],
) -> dict[str, Any]:
    """Replace a record the connection knows (404 otherwise) and return it as the
    platform now holds it: what every v2 ``PUT`` does, whatever the resource."""
    with services.sessions() as session:
        connection = linked_connection(session, company_id, connection_id)
        known(session, connection, data_type, record_id, label)
    op = write(
        services,
        tasks,
        connection,
        data_type,
        WriteKind.UPDATE,
        record={**record, "id": record_id},
        record_id=record_id,
    )
    return {"id": record_id, **(op.data or {})}


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
    return status_error(
        op.error_message or f"The platform did not accept the {op.data_type} write.",
        code,
        validation,
    )


def _renamed(item_id: Any, renames: Mapping[str, str]) -> str | None:
    """An accounting field path in a platform's message, as the v2 body names it."""
    if not isinstance(item_id, str):
        return None
    for old, new in renames.items():
        if item_id == old or item_id.startswith((old + ".", old + "[")):
            return new + item_id[len(old) :]
    return item_id
