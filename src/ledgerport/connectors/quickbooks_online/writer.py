"""Writes to a QBO company (push): create, update and delete, as QBO supports them.

- **Create**: ``POST /{entity}`` with the mapped body.
- **Update**: QBO locks optimistically, so the writer reads the object first for its
  ``SyncToken`` (and, unless the push forces it, refuses with 409 when QBO's
  ``MetaData.LastUpdatedTime`` is later than what we last pulled), then sends a
  *sparse* update: the fields we map replace QBO's, the rest (custom fields, terms...)
  are kept. A stale token (5010: someone wrote in between) is a ``WriteConflictError``
  and the engine decides again at once on the new version (see ``faults.py``).
- **Delete**: transactions only (``POST /{entity}?operation=delete`` with ``Id`` and
  ``SyncToken``); QBO never deletes customers, suppliers or accounts, it makes them
  inactive, which is an update to ``status: Archived``.

**Idempotency.** Every write carries ``requestid=<the push operation's key>``; QBO
answers a repeated ``requestid`` with its first answer instead of writing again. So
``find`` settles a write whose answer was lost by sending the same request again with
the same ``requestid``: if QBO had it, its first answer comes back; if it never arrived,
it is written now. (That is also why ``find`` of an update skips the "changed since
pulled" check: our own lost write may be what changed it.) A deleted object QBO no
longer knows (610) counts as deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from ledgerport.connectors.errors import RejectedError
from ledgerport.connectors.quickbooks_online.api import CompanyApi
from ledgerport.connectors.quickbooks_online.mapping import (
    push_documents,
    push_lists,
    push_payments,
)
from ledgerport.connectors.quickbooks_online.mapping.common import updated_at
from ledgerport.connectors.quickbooks_online.options import create_model
from ledgerport.connectors.quickbooks_online.streams import MAPPERS
from ledgerport.connectors.spec import WriterContext
from ledgerport.connectors.writes import (
    RecordChange,
    WriteKind,
    WriteRequest,
    WriteResult,
    WriteStream,
)
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, PushOption

Body = dict[str, Any]
Record = Mapping[str, Any]

_CREATE_UPDATE = frozenset({WriteKind.CREATE, WriteKind.UPDATE})
_ALL = frozenset({WriteKind.CREATE, WriteKind.UPDATE, WriteKind.DELETE})

# Data type → (QBO entity, kinds of write).
WRITTEN: dict[DataType, tuple[str, frozenset[WriteKind]]] = {
    DataType.BILLS: ("Bill", _ALL),
    DataType.BILL_PAYMENTS: ("BillPayment", _ALL),
    DataType.BILL_CREDIT_NOTES: ("VendorCredit", _ALL),
    DataType.INVOICES: ("Invoice", _ALL),
    DataType.PAYMENTS: ("Payment", _ALL),
    DataType.CREDIT_NOTES: ("CreditMemo", _ALL),
    DataType.SUPPLIERS: ("Vendor", _CREATE_UPDATE),
    DataType.CUSTOMERS: ("Customer", _CREATE_UPDATE),
    DataType.CHART_OF_ACCOUNTS: ("Account", _CREATE_UPDATE),
}

WRITES: tuple[WriteStream, ...] = tuple(
    WriteStream(data_type, kinds) for data_type, (_, kinds) in sorted(WRITTEN.items())
)

_BODIES: dict[DataType, Callable[[Record], Body]] = {
    DataType.BILLS: push_documents.bill,
    DataType.BILL_CREDIT_NOTES: push_documents.bill_credit_note,
    DataType.INVOICES: push_documents.invoice,
    DataType.CREDIT_NOTES: push_documents.credit_note,
    DataType.PAYMENTS: push_payments.payment,
    DataType.SUPPLIERS: push_lists.supplier,
    DataType.CUSTOMERS: push_lists.customer,
    DataType.CHART_OF_ACCOUNTS: push_lists.account,
}

# What a write of each type changes besides itself: the documents it settles.
_SETTLES: dict[DataType, dict[str, DataType]] = {
    DataType.PAYMENTS: {"Invoice": DataType.INVOICES, "CreditMemo": DataType.CREDIT_NOTES},
    DataType.BILL_PAYMENTS: {
        "Bill": DataType.BILLS,
        "VendorCredit": DataType.BILL_CREDIT_NOTES,
    },
}


class QboWriter:
    def __init__(
        self, context: WriterContext, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.api = CompanyApi(context, transport)

    def options(self, data_type: DataType, kind: WriteKind) -> PushOption:
        return create_model(data_type, kind)

    def write(self, request: WriteRequest) -> WriteResult:
        return self._send(request, check_unchanged=True)

    def find(self, request: WriteRequest) -> WriteResult | None:
        return self._send(request, check_unchanged=False)

    def _send(self, request: WriteRequest, *, check_unchanged: bool) -> WriteResult:
        entity, kinds = self._entity(request)
        if request.kind not in kinds:
            raise RejectedError(
                f"QuickBooks Online cannot {request.kind.value.lower()} {request.data_type.value}.",
                status_code=405,
            )
        params = {"requestid": request.key}
        if request.kind is WriteKind.CREATE:
            body = self._body(request.data_type, request.record)
            return self._result(request, entity, self.api.post(entity.lower(), body, params))
        current = self._current(entity, request)
        if current is None:  # gone already: a delete found done
            return self._deleted(request)
        if request.kind is WriteKind.DELETE:
            body = {"Id": current["Id"], "SyncToken": current["SyncToken"]}
            answer = self.api.post(entity.lower(), body, {**params, "operation": "delete"})
            self._check_deleted(entity, answer)
            return self._deleted(request)
        if check_unchanged:
            self._check_unchanged(request, current)
        body = {
            **self._body(request.data_type, request.record),
            "Id": current["Id"],
            "SyncToken": current["SyncToken"],
            "sparse": True,
        }
        return self._result(request, entity, self.api.post(entity.lower(), body, params))

    @staticmethod
    def _entity(request: WriteRequest) -> tuple[str, frozenset[WriteKind]]:
        found = WRITTEN.get(request.data_type)
        if found is None:
            raise RejectedError(
                f"QuickBooks Online cannot write {request.data_type.value}.", status_code=405
            )
        return found

    def _body(self, data_type: DataType, record: Record) -> Body:
        if data_type is DataType.BILL_PAYMENTS:
            return push_payments.bill_payment(record, credit_card=self._is_card(record))
        return _BODIES[data_type](record)

    def _is_card(self, record: Record) -> bool:
        """Whether a bill payment's account is a credit card (QBO's ``PayType``)."""
        ref = record.get("accountRef")
        account_id = ref.get("id") if isinstance(ref, Mapping) else None
        if not account_id:
            return False
        answer = self.api.get(f"account/{account_id}")
        account = answer.get("Account") if isinstance(answer, Mapping) else None
        return isinstance(account, Mapping) and account.get("AccountType") == "Credit Card"

    def _current(self, entity: str, request: WriteRequest) -> Mapping[str, Any] | None:
        """The object as QBO holds it now (for its SyncToken); None when a delete finds
        it gone already."""
        if not request.record_id:
            raise RejectedError("Which record? The write names no record id.")
        current = self.api.get_object(entity, request.record_id)
        gone = current is None or str(current.get("status", "")).lower() == "deleted"
        if gone and request.kind is WriteKind.DELETE:
            return None
        if current is None or gone or "SyncToken" not in current:
            raise RejectedError(
                f"QuickBooks Online has no {entity} {request.record_id}.", status_code=404
            )
        return current

    @staticmethod
    def _check_unchanged(request: WriteRequest, current: Mapping[str, Any]) -> None:
        if request.expected_modified is None:
            return
        stamp = updated_at(current)
        if stamp is None:
            return
        modified = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        expected = request.expected_modified
        if modified.tzinfo is not None and expected.tzinfo is None:
            return  # cannot compare an instant with a local time: do not guess
        if modified > expected:
            raise RejectedError(
                f"The record {request.record_id} changed in QuickBooks Online since it was"
                f" last pulled (modified {stamp}): pull again, or set forceUpdate=true to"
                " overwrite it.",
                status_code=409,
            )

    def _result(self, request: WriteRequest, entity: str, answer: Any) -> WriteResult:
        saved = answer.get(entity) if isinstance(answer, Mapping) else None
        if not isinstance(saved, Mapping):
            raise RejectedError(f"QuickBooks Online answered the write without the {entity}.")
        record = MAPPERS[request.data_type](saved)
        kind = (
            PushChangeType.CREATED if request.kind is WriteKind.CREATE else PushChangeType.MODIFIED
        )
        changes = [RecordChange(kind, request.data_type, record["id"])]
        changes.extend(_settled(request.data_type, saved))
        return WriteResult(record, tuple(changes))

    @staticmethod
    def _check_deleted(entity: str, answer: Any) -> None:
        deleted = answer.get(entity) if isinstance(answer, Mapping) else None
        if not isinstance(deleted, Mapping) or str(deleted.get("status")).lower() != "deleted":
            raise RejectedError(f"QuickBooks Online did not confirm deleting the {entity}.")

    @staticmethod
    def _deleted(request: WriteRequest) -> WriteResult:
        record_id = str(request.record_id)
        change = RecordChange(PushChangeType.DELETED, request.data_type, record_id)
        return WriteResult({"id": record_id, "metadata": {"isDeleted": True}}, (change,))


def _settled(data_type: DataType, saved: Mapping[str, Any]) -> list[RecordChange]:
    """The documents a payment or bill payment settles: their balances moved."""
    kinds = _SETTLES.get(data_type, {})
    changes: dict[tuple[DataType, str], RecordChange] = {}
    for line in saved.get("Line") or []:
        for link in line.get("LinkedTxn") or [] if isinstance(line, Mapping) else []:
            target = kinds.get(str(link.get("TxnType")))
            if target is not None and link.get("TxnId"):
                key = (target, str(link["TxnId"]))
                changes[key] = RecordChange(PushChangeType.MODIFIED, target, key[1])
    return list(changes.values())
