"""Drafts as Codat suppliers and bills, checked by the standard models.

Ids come from content, never from the upload: a bill's from its supplier's name key and
its number (or, without a number, its date, total and description, counted in file
order), a supplier's from its group's name key. Uploading the same file twice, or the
same bill in two files, gives the same ids, so storing them is an upsert.
Where each record came from goes in ``supplementalData.content.fileUpload``.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledgerport.connectors.file_upload.understanding.drafts import BillDraft
from ledgerport.connectors.file_upload.understanding.names import supplier_key
from ledgerport.connectors.file_upload.understanding.suppliers import NAMESPACE, SupplierGroup
from ledgerport.domain.accounting.payables import Bill, Supplier

SOURCE_KEY = "fileUpload"
NOT_DELETED = {"isDeleted": False}


def _day(value: date | None) -> datetime | None:
    return None if value is None else datetime(value.year, value.month, value.day)


def supplier_record(group: SupplierGroup) -> dict[str, Any]:
    files = sorted({(s.file_name, s.sha256) for s in group.sources})
    doc = {
        "id": group.id,
        "supplierName": group.name,
        "emailAddress": group.email,
        "phone": group.phone,
        "taxNumber": group.tax_number,
        "status": "Active",
        "defaultCurrency": group.currency,
        "metadata": NOT_DELETED,
        "supplementalData": {
            "content": {
                SOURCE_KEY: {
                    "files": [{"fileName": name, "sha256": sha} for name, sha in files],
                    "names": list(group.names),
                }
            }
        },
    }
    return Supplier.model_validate(doc).model_dump(mode="json", by_alias=True)


def _bill_id(draft: BillDraft, seen: Counter[str]) -> str:
    who = supplier_key(draft.supplier.name) if draft.supplier else ""
    if draft.reference:
        basis = f"bill|{who}|{draft.reference.casefold()}"
    else:
        description = draft.lines[0].description if draft.lines else ""
        basis = f"bill|{who}|{draft.issue_date}|{draft.total_amount}|{description}"
        seen[basis] += 1
        basis += f"|{seen[basis]}"
    return str(uuid.uuid5(NAMESPACE, basis))


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def bill_records(drafts: Sequence[BillDraft], supplier_ids: dict[str, str]) -> list[dict[str, Any]]:
    """Bills in draft order; a later draft with an id already made replaces nothing and is
    dropped (the same bill met twice across files)."""
    seen: Counter[str] = Counter()
    made: dict[str, dict[str, Any]] = {}
    for draft in drafts:
        bill_id = _bill_id(draft, seen)
        if bill_id in made:
            continue
        doc: dict[str, Any] = {
            "id": bill_id,
            "reference": draft.reference,
            "issueDate": _day(draft.issue_date),
            "dueDate": _day(draft.due_date),
            "currency": draft.currency,
            "lineItems": [
                {
                    "description": line.description,
                    "unitAmount": _money(line.unit_amount),
                    "quantity": line.quantity,
                    "subTotal": _money(line.sub_total),
                    "taxAmount": _money(line.tax_amount),
                    "totalAmount": _money(line.total_amount),
                    "accountRef": {"name": line.account} if line.account else None,
                }
                for line in draft.lines
            ],
            "status": draft.status,
            "subTotal": _money(draft.sub_total),
            "taxAmount": _money(draft.tax_amount),
            "totalAmount": _money(draft.total_amount),
            "amountDue": _money(draft.amount_due),
            "note": draft.note,
            "metadata": NOT_DELETED,
            "supplementalData": {"content": {SOURCE_KEY: draft.source.as_json()}},
        }
        if draft.supplier is not None:
            doc["supplierRef"] = {
                "id": supplier_ids[supplier_key(draft.supplier.name)],
                "supplierName": draft.supplier.name,
            }
        made[bill_id] = Bill.model_validate(doc).model_dump(mode="json", by_alias=True)
    return list(made.values())
