"""Create, update and delete, as QBO takes them: ``POST /{entity}`` creates when the
body has no Id and updates when it has one (the current SyncToken required, else 5010;
``"sparse": true`` changes only the fields sent, a full update clears the writable fields
left out), ``POST /{entity}?operation=delete`` deletes the documents that allow it.
Every check runs before the first change, under one lock, so a refused write changes
nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable

from ledgerport.simulators.qbo import faults
from ledgerport.simulators.qbo.entities import Entity
from ledgerport.simulators.qbo.entities import entity as find_entity
from ledgerport.simulators.qbo.generated import File
from ledgerport.simulators.qbo.mapping.common import Json
from ledgerport.simulators.qbo.writes import documents, names, payments
from ledgerport.simulators.qbo.writes.common import (
    WriteContext,
    check_sync_token,
    clean,
    fresh,
    touch,
)

Builder = Callable[[WriteContext, str, Json, Json | None, Json], Json]
_BUILDERS: dict[str, Builder] = {
    "Customer": names.party,
    "Vendor": names.party,
    "Account": lambda ctx, _, body, current, base: names.account(ctx, body, current, base),
    "Invoice": documents.document,
    "CreditMemo": documents.document,
    "Bill": documents.document,
    "VendorCredit": documents.document,
}


def unsupported(operation: str, entity: Entity) -> faults.QboFault:
    return faults.QboFault(
        faults.UNSUPPORTED_OPERATION,
        "Unsupported Operation",
        f"Operation {operation} is not supported for {entity.name}.",
    )


def save(ctx: WriteContext, entity: Entity, raw: Json) -> Json:
    """Create or update; the stored record."""
    if not entity.creatable:
        raise unsupported("Create" if not raw.get("Id") else "Update", entity)
    body = clean(raw)
    object_id = body.get("Id")
    with ctx.overlay.writing():
        if object_id in (None, "", 0, "0"):
            return _create(ctx, entity, body)
        return _update(ctx, entity, str(object_id), body)


def _build(
    ctx: WriteContext, entity: Entity, body: Json, current: Json | None, base: Json
) -> tuple[Json, list[payments.Application]]:
    if entity.name in ("Payment", "BillPayment"):
        return payments.payment(ctx, entity.name, body, current, base)
    return _BUILDERS[entity.name](ctx, entity.name, body, current, base), []


def _create(ctx: WriteContext, entity: Entity, body: Json) -> Json:
    base = fresh(ctx.overlay.new_id(entity.name), ctx.now)
    record, applied = _build(ctx, entity, body, None, base)
    if applied:
        payments.apply(ctx, entity.name, record, [], applied)
    ctx.overlay.put(entity.name, record, created=True)
    return record


def _update(ctx: WriteContext, entity: Entity, object_id: str, body: Json) -> Json:
    current = ctx.ledger.get(entity.name, object_id)
    if current is None:
        raise faults.not_found(entity.name, object_id)
    check_sync_token(current, body, entity.name)
    merged = copy.deepcopy(current) | body if body.get("sparse") is True else body
    base = {key: current[key] for key in ("Id", "SyncToken", "domain", "sparse", "MetaData")}
    record, applied = _build(ctx, entity, merged, current, base)
    touch(record, ctx.now)
    if entity.name in ("Payment", "BillPayment"):
        before = payments.applications(current, entity.name)
        payments.apply(ctx, entity.name, record, before, applied)
    ctx.overlay.put(entity.name, record)
    return record


def delete(ctx: WriteContext, entity: Entity, raw: Json) -> Json:
    """``?operation=delete``: the ``{"status": "Deleted", ...}`` answer's body."""
    if not entity.deletable:
        raise unsupported("Delete", entity)
    body = clean(raw)
    object_id = str(body.get("Id") or "")
    if not object_id:
        raise faults.required("Id")
    with ctx.overlay.writing():
        current = ctx.ledger.get(entity.name, object_id)
        if current is None:
            raise faults.not_found(entity.name, object_id)
        check_sync_token(current, body, entity.name)
        if entity.name in ("Payment", "BillPayment"):
            before = payments.applications(current, entity.name)
            payments.apply(ctx, entity.name, current, before, [])
        elif current.get("LinkedTxn"):
            raise faults.business(
                f"This {entity.name} has linked transactions (payments applied to it). "
                "Unlink them before deleting it.",
                "LinkedTxn",
            )
        ctx.overlay.delete(entity.name, object_id, ctx.now)
    return {"status": "Deleted", "domain": "QBO", "Id": object_id}


def attach(ctx: WriteContext, meta: Json, file: File) -> Json:
    """An uploaded file and its Attachable, linked to the records ``AttachableRef``
    names (each must exist)."""
    meta = clean(meta)
    refs = []
    for item in meta.get("AttachableRef") or []:
        target = item.get("EntityRef") or {}
        kind = find_entity(str(target.get("type", "")))
        value = str(target.get("value", ""))
        if kind is None or ctx.ledger.get(kind.name, value) is None:
            raise faults.invalid_reference(
                "AttachableRef.EntityRef", str(target.get("type")), value
            )
        refs.append(
            {
                "EntityRef": {"type": kind.name, "value": value},
                "IncludeOnSend": bool(item.get("IncludeOnSend", False)),
            }
        )
    with ctx.overlay.writing():
        record = fresh(ctx.overlay.new_id("Attachable"), ctx.now) | {
            "FileName": file.name,
            "ContentType": file.content_type,
            "Size": len(file.content),
            "AttachableRef": refs,
        }
        if meta.get("Note"):
            record["Note"] = meta["Note"]
        ctx.overlay.files[record["Id"]] = file
        ctx.overlay.put("Attachable", record, created=True)
    return record
