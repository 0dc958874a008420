"""Writing to a Xero organisation.

Creates are ``PUT /{Resource}``, updates ``POST /{Resource}/{id}`` (Xero has no update
for payments), files ``PUT /{Resource}/{id}/Attachments/{FileName}``. Every write
carries ``Idempotency-Key: <the push operation's key>``.

A write whose answer was lost is settled by :meth:`XeroWriter.find` sending the very
same request again, with the same key. Xero keeps the answer to a keyed request and
gives it again for a repeated key instead of doing the work twice, so: if the first
request reached Xero, the repeat returns what it did (the record created, or the same
refusal); if it never arrived, the repeat is the write, done once. Either way the
platform ends with exactly one write, which is what ``find`` must guarantee. An
update's "changed since last pulled" check is not repeated by ``find``: the change it
would see may be this write's own.

Lines name accounts, items and tracking by our ids (Xero's AccountID, ItemID,
TrackingOptionID); Xero's lines take account and item codes and tracking names, so the
writer reads the chart, items or tracking categories a record refers to, and only those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import quote

import httpx

from ledgerport.connectors.errors import RejectedError
from ledgerport.connectors.spec import WriterContext
from ledgerport.connectors.writes import (
    RecordChange,
    WriteKind,
    WriteRequest,
    WriteResult,
    WriteStream,
)
from ledgerport.connectors.xero.api import XeroApi, encode
from ledgerport.connectors.xero.dates import parse_xero_moment
from ledgerport.connectors.xero.errors import body, refusal, rejected, validation_messages
from ledgerport.connectors.xero.mapping import accounts, contacts, documents, payments
from ledgerport.connectors.xero.mapping.common import as_list
from ledgerport.connectors.xero.mapping.lines import Lookups, UnwritableError, referenced_ids
from ledgerport.connectors.xero.options import create_model
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, PushOption

MAX_KEY = 128  # Xero's limit on Idempotency-Key
C, U, A = WriteKind.CREATE, WriteKind.UPDATE, WriteKind.UPLOAD_ATTACHMENT


@dataclass(frozen=True)
class Target:
    path: str
    collection: str
    id_key: str
    to_xero: Callable[[Mapping[str, Any], Lookups], dict[str, Any]]
    to_standard: Callable[[Mapping[str, Any]], dict[str, Any]]
    kinds: frozenset[WriteKind]


def _without_lookups(
    convert: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> Callable[[Mapping[str, Any], Lookups], dict[str, Any]]:
    return lambda record, _lookups: convert(record)


TARGETS: Mapping[DataType, Target] = {
    DataType.INVOICES: Target("/Invoices", "Invoices", "InvoiceID", documents.invoice_to_xero,
                              documents.to_invoice, frozenset({C, U, A})),
    DataType.BILLS: Target("/Invoices", "Invoices", "InvoiceID", documents.bill_to_xero,
                           documents.to_bill, frozenset({C, U, A})),
    DataType.CREDIT_NOTES: Target("/CreditNotes", "CreditNotes", "CreditNoteID",
                                  documents.credit_note_to_xero, documents.to_credit_note,
                                  frozenset({C, U})),
    DataType.BILL_CREDIT_NOTES: Target("/CreditNotes", "CreditNotes", "CreditNoteID",
                                       documents.bill_credit_note_to_xero,
                                       documents.to_bill_credit_note, frozenset({C, U})),
    DataType.CUSTOMERS: Target("/Contacts", "Contacts", "ContactID",
                               _without_lookups(contacts.customer_to_xero),
                               contacts.to_customer, frozenset({C, U})),
    DataType.SUPPLIERS: Target("/Contacts", "Contacts", "ContactID",
                               _without_lookups(contacts.supplier_to_xero),
                               contacts.to_supplier, frozenset({C, U})),
    DataType.PAYMENTS: Target("/Payments", "Payments", "PaymentID",
                              _without_lookups(lambda r: payments.payment_to_xero(r, "Invoice")),
                              payments.to_payment, frozenset({C})),
    DataType.BILL_PAYMENTS: Target("/Payments", "Payments", "PaymentID",
                                   _without_lookups(lambda r: payments.payment_to_xero(r, "Bill")),
                                   payments.to_bill_payment, frozenset({C})),
    DataType.BANK_ACCOUNTS: Target("/Accounts", "Accounts", "AccountID",
                                   _without_lookups(accounts.bank_account_to_xero),
                                   accounts.to_bank_account, frozenset({C, U})),
}  # fmt: skip

WRITES: tuple[WriteStream, ...] = tuple(
    WriteStream(data_type, target.kinds) for data_type, target in sorted(TARGETS.items())
)


def idempotency_key(key: str) -> str:
    """The operation's key as Xero takes it (at most 128 characters): itself, or a
    digest of it when longer, the same on every attempt."""
    return key if len(key) <= MAX_KEY else hashlib.sha256(key.encode()).hexdigest()


class XeroWriter:
    def __init__(
        self, context: WriterContext, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.context = context
        self.transport = transport
        self._api: XeroApi | None = None

    @property
    def api(self) -> XeroApi:
        if self._api is None:
            self._api = XeroApi(self.context, transport=self.transport)
        return self._api

    def options(self, data_type: DataType, kind: WriteKind) -> PushOption:
        return create_model(self.api, data_type, kind)

    def write(self, request: WriteRequest) -> WriteResult:
        return self._send(request, check_unchanged=True)

    def find(self, request: WriteRequest) -> WriteResult | None:
        """The same request, with the same Idempotency-Key (see the module docstring):
        Xero answers a repeat with the first answer, or does the write now, once."""
        return self._send(request, check_unchanged=False)

    def _send(self, request: WriteRequest, *, check_unchanged: bool) -> WriteResult:
        target = TARGETS.get(request.data_type)
        if target is None or request.kind not in target.kinds:
            raise RejectedError(
                f"Xero cannot {request.kind.value} {request.data_type.value} here.", 405
            )
        headers = {"Idempotency-Key": idempotency_key(request.key)}
        if request.kind is WriteKind.UPLOAD_ATTACHMENT:
            return self._upload(target, request, headers)
        try:
            element = target.to_xero(request.record, self._lookups(request.record))
        except UnwritableError as problem:
            raise RejectedError(problem.message, 400, ((problem.path, problem.message),)) from None
        path = target.path
        if request.kind is WriteKind.UPDATE:
            record_id = self._record_id(request)
            if check_unchanged:
                self._check_unchanged(target, request, record_id)
            element[target.id_key] = record_id
            path = f"{target.path}/{quote(record_id, safe='')}"
        method = "PUT" if request.kind is WriteKind.CREATE else "POST"
        response = self.api.request(
            method,
            path,
            headers={**headers, "Content-Type": "application/json"},
            content=encode({target.collection: [element]}),
        )
        written = self._element(response, target)
        record = target.to_standard(written)
        change = (
            PushChangeType.CREATED if request.kind is WriteKind.CREATE else PushChangeType.MODIFIED
        )
        changes = [RecordChange(change, request.data_type, str(record["id"]))]
        changes += _settled(written, request.data_type)
        return WriteResult(record, tuple(changes))

    @staticmethod
    def _record_id(request: WriteRequest) -> str:
        if not request.record_id:
            raise RejectedError("Which record? The write names no record id.")
        return request.record_id

    def _element(self, response: httpx.Response, target: Target) -> Mapping[str, Any]:
        if response.status_code == 403:
            raise refusal(response, "the write")
        if response.status_code != 200:
            raise rejected(response)
        payload = body(response)
        elements = as_list(payload.get(target.collection)) if isinstance(payload, Mapping) else []
        if not elements:
            raise RejectedError(
                f"Xero answered the write without the {target.collection} written.", 502
            )
        element = elements[0]
        # With summarizeErrors=false Xero answers 200 and marks each refused element.
        if element.get("HasErrors") or element.get("HasValidationErrors"):
            messages, fields = validation_messages({"Elements": [element]})
            detail = "; ".join([*messages, *(f"{p}: {m}" for p, m in fields)]) or "refused"
            raise RejectedError(f"Xero refused the write: {detail}", 400, tuple(fields))
        return element

    def _check_unchanged(self, target: Target, request: WriteRequest, record_id: str) -> None:
        """Refuse an update of a record someone changed in Xero since we last pulled it
        (the engine's ``expected_modified``)."""
        expected = request.expected_modified
        if expected is None:
            return
        payload, _ = self.api.get_json(f"{target.path}/{quote(record_id, safe='')}")
        current = as_list(payload.get(target.collection))
        modified = parse_xero_moment(current[0].get("UpdatedDateUTC")) if current else None
        expected = expected.replace(tzinfo=UTC) if expected.tzinfo is None else expected
        if modified is not None and modified > expected:
            raise RejectedError(
                f"The record {record_id} changed in Xero since it was last pulled (modified"
                f" {modified.isoformat()}): pull again, or set forceUpdate=true to overwrite it.",
                409,
            )

    def _lookups(self, record: Mapping[str, Any]) -> Lookups:
        account_ids, item_ids, option_ids = referenced_ids(record)
        codes: dict[str, str] = {}
        items: dict[str, str] = {}
        options: dict[str, tuple[str, str]] = {}
        if account_ids:
            payload, _ = self.api.get_json("/Accounts")
            codes = {str(a["AccountID"]): str(a["Code"]) for a in as_list(payload.get("Accounts"))
                     if a.get("AccountID") and a.get("Code")}  # fmt: skip
        if item_ids:
            payload, _ = self.api.get_json("/Items")
            items = {str(i["ItemID"]): str(i["Code"]) for i in as_list(payload.get("Items"))
                     if i.get("ItemID") and i.get("Code")}  # fmt: skip
        if option_ids:
            payload, _ = self.api.get_json("/TrackingCategories")
            for category in as_list(payload.get("TrackingCategories")):
                for option in as_list(category.get("Options")):
                    if option.get("TrackingOptionID"):
                        options[str(option["TrackingOptionID"])] = (
                            str(category.get("Name") or ""),
                            str(option.get("Name") or ""),
                        )
        return Lookups(codes, items, options)

    def _upload(
        self, target: Target, request: WriteRequest, headers: dict[str, str]
    ) -> WriteResult:
        record_id = self._record_id(request)
        file = request.file
        if file is None:
            raise RejectedError("No file was uploaded.")
        path = f"{target.path}/{quote(record_id, safe='')}/Attachments/{quote(file.name, safe='')}"
        response = self.api.request(
            "PUT", path, headers={**headers, "Content-Type": file.content_type},
            content=file.content,
        )  # fmt: skip
        if response.status_code == 403:
            raise refusal(response, "the upload")
        if response.status_code != 200:
            raise rejected(response)
        payload = body(response)
        listed = as_list(payload.get("Attachments")) if isinstance(payload, Mapping) else []
        attachment_id = str(listed[0].get("AttachmentID")) if listed else None
        change = RecordChange(
            PushChangeType.ATTACHMENT_UPLOADED, request.data_type, record_id, attachment_id
        )
        return WriteResult({"id": record_id}, (change,))


def _settled(written: Mapping[str, Any], data_type: DataType) -> list[RecordChange]:
    """A payment changes the document it settles (its amount due, its status)."""
    if data_type not in (DataType.PAYMENTS, DataType.BILL_PAYMENTS):
        return []
    invoice = written.get("Invoice")
    if isinstance(invoice, Mapping) and invoice.get("InvoiceID"):
        paid = DataType.INVOICES if data_type is DataType.PAYMENTS else DataType.BILLS
        return [RecordChange(PushChangeType.MODIFIED, paid, str(invoice["InvoiceID"]))]
    note = written.get("CreditNote")
    if isinstance(note, Mapping) and note.get("CreditNoteID"):
        refunded = (
            DataType.CREDIT_NOTES if data_type is DataType.PAYMENTS else DataType.BILL_CREDIT_NOTES
        )
        return [RecordChange(PushChangeType.MODIFIED, refunded, str(note["CreditNoteID"]))]
    return []
