"""The Accounting API's writes: ``PUT`` (create) and ``POST`` (create, or update when
the element carries its id) on Invoices, CreditNotes, Contacts, Payments,
BankTransactions and Accounts, ``POST /{Endpoint}/{Guid}`` for one record, and
``PUT /CreditNotes/{Guid}/Allocations``.

A body is a batch (``{"Invoices": [...]}``) or one object. By default a batch is
all or nothing: one refused element and nothing is saved, and the answer is Xero's
400 ``ValidationException`` listing the refused elements with their
``ValidationErrors``. With ``summarizeErrors=false`` every element that can be saved
is, and the answer is a 200 listing each element, the refused ones flagged
(``HasErrors``/``HasValidationErrors``, ``StatusAttributeString: ERROR``).

:func:`idempotent` gives every write Xero's ``Idempotency-Key``: the same key with
the same request answers what the first did without writing again (how a client
settles a write whose answer was lost); the same key with another request is a 400."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.simulators.xero import banking, postings, translate
from ledgerport.simulators.xero.records import Record, Row, View
from ledgerport.simulators.xero.responses import (
    envelope,
    json_response,
    problem,
    validation_exception,
)
from ledgerport.simulators.xero.simulator import Replay

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator

IDEMPOTENCY_KEY_MAX = 128  # characters, per the spec's idempotencyKey parameter

Apply = Callable[["XeroSimulator", translate.Element, "str | None"], str]
Handler = Callable[[Request], Any]


@dataclass(frozen=True)
class Resource:
    key: str  # the body's and the answer's list key
    apply: Apply
    rows: Callable[[View], list[Row]]
    error_flag: str | None  # the element's "has errors" field in the spec, if any


def _credit_note(sim: XeroSimulator, element: translate.Element, guid: str | None) -> str:
    return postings.apply_document(sim, element, guid, credit=True)


def _invoice(sim: XeroSimulator, element: translate.Element, guid: str | None) -> str:
    return postings.apply_document(sim, element, guid, credit=False)


RESOURCES = {
    "Invoices": Resource("Invoices", _invoice, View.invoices, "HasErrors"),
    "CreditNotes": Resource("CreditNotes", _credit_note, View.credit_notes, "HasErrors"),
    "Contacts": Resource("Contacts", translate.apply_contact, View.contacts, "HasValidationErrors"),
    "Payments": Resource("Payments", postings.apply_payment, View.payments, "HasValidationErrors"),
    "BankTransactions": Resource(
        "BankTransactions", postings.apply_bank_transaction, banking.rows, None
    ),
    "Accounts": Resource("Accounts", postings.apply_account, View.accounts, None),
}


async def _elements(request: Request, key: str) -> list[Any] | Response:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return problem(400, "Bad Request", "The body is not JSON.")
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    if isinstance(body, dict):
        return [body]
    return problem(400, "Bad Request", f"The body must be an object or {{{key!r}: [...]}}.")


def _refused(element: Any, messages: list[str], flag: str | None) -> Record:
    out: Record = dict(element) if isinstance(element, dict) else {}
    out["ValidationErrors"] = [{"Message": m} for m in messages]
    out["StatusAttributeString"] = "ERROR"
    if flag is not None:
        out[flag] = True
    return out


def _render(sim: XeroSimulator, resource: Resource, guids: list[str]) -> dict[str, Record]:
    rows = {row.guid: row for row in resource.rows(View(sim, sim.books()))}
    return {guid: rows[guid].render() for guid in guids if guid in rows}


async def write(request: Request) -> Response:
    """``PUT``/``POST /{Endpoint}`` and ``POST /{Endpoint}/{Guid}``."""
    sim: XeroSimulator = request.app.state.xero
    resource = RESOURCES[request.path_params["endpoint"]]
    path_guid = request.path_params.get("guid")
    elements = await _elements(request, resource.key)
    if isinstance(elements, Response):
        return elements
    summarize = request.query_params.get("summarizeErrors", "true").lower() != "false"
    checkpoint = sim.checkpoint()
    outcomes: list[str | list[str]] = []
    for element in elements:
        try:
            if not isinstance(element, dict):
                raise translate.RefusedError("Each element must be an object.")
            outcomes.append(resource.apply(sim, element, path_guid))
        except translate.RefusedError as refused:
            outcomes.append(refused.messages)
    failed = [(e, o) for e, o in zip(elements, outcomes, strict=True) if isinstance(o, list)]
    if failed and summarize:
        sim.rollback(checkpoint)
        return validation_exception([_refused(e, o, resource.error_flag) for e, o in failed])
    rendered = _render(sim, resource, [o for o in outcomes if isinstance(o, str)])
    items = []
    for element, outcome in zip(elements, outcomes, strict=True):
        if isinstance(outcome, list):
            items.append(_refused(element, outcome, resource.error_flag))
        else:
            record = rendered[outcome]
            if not summarize:
                record["StatusAttributeString"] = "OK"
            items.append(record)
    return json_response(envelope(sim.clock(), resource.key, items))


async def allocate(request: Request) -> Response:
    """``PUT /CreditNotes/{CreditNoteID}/Allocations``."""
    sim: XeroSimulator = request.app.state.xero
    elements = await _elements(request, "Allocations")
    if isinstance(elements, Response):
        return elements
    checkpoint = sim.checkpoint()
    made, failed = [], []
    for element in elements:
        try:
            if not isinstance(element, dict):
                raise translate.RefusedError("Each allocation must be an object.")
            made.append(postings.apply_allocation(sim, element, request.path_params["guid"]))
        except translate.RefusedError as refused:
            failed.append(_refused(element, refused.messages, None))
    if failed:
        sim.rollback(checkpoint)
        return validation_exception(failed)
    return json_response(envelope(sim.clock(), "Allocations", made))


def _fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def idempotent(handler: Handler) -> Handler:
    """Answer a repeated ``Idempotency-Key`` with the first answer, writing nothing."""

    async def once(request: Request) -> Response:
        sim: XeroSimulator = request.app.state.xero
        key = request.headers.get("idempotency-key")
        if key is None:
            response: Response = await handler(request)
            return response
        if len(key) > IDEMPOTENCY_KEY_MAX:
            return problem(400, "Bad Request", "Idempotency-Key must be at most 128 characters.")
        fingerprint = _fingerprint(request, await request.body())
        earlier = sim.overlay.replays.get(key)
        if earlier is not None:
            if earlier.fingerprint != fingerprint:
                return problem(
                    400, "Bad Request", "Idempotency-Key was used for a different request."
                )
            return Response(earlier.body, earlier.status, earlier.headers)
        response = await handler(request)
        body = bytes(response.body)
        headers = {"content-type": response.headers.get("content-type", "application/json")}
        sim.overlay.replays[key] = Replay(fingerprint, response.status_code, body, headers)
        return response

    return once
