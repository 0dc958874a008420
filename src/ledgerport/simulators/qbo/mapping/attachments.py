"""Attachable: the PDF the sandbox draws for each invoice (as sent) and bill (as the
supplier sent it), linked to its document by ``AttachableRef``. ``TempDownloadUri``
depends on the host the client called, so the resource layer adds it."""

from __future__ import annotations

from ledgerport.connectors.sandbox.state import Company, Document
from ledgerport.simulators.qbo.entities import number, qbo_id
from ledgerport.simulators.qbo.mapping.common import Json, envelope
from ledgerport.simulators.qbo.mapping.transactions import kind_of


def attachable_id(doc: Document) -> str:
    """Invoices and bills number apart (``inv-00005``, ``bill-00005``): interleaved."""
    return qbo_id("Attachable", number(doc.id) * 2 + (0 if doc.data_type == "invoices" else 1))


def attachable(co: Company, doc: Document) -> Json:
    kind = kind_of(doc)
    touched = doc.posted if doc.posted is not None else doc.created
    return envelope(attachable_id(doc), 0, co.moment(doc.created), co.moment(touched)) | {
        "FileName": f"{doc.number}.pdf",
        "ContentType": "application/pdf",
        "Category": "Document",
        "AttachableRef": [
            {
                "EntityRef": {"type": kind, "value": qbo_id(kind, number(doc.id))},
                "IncludeOnSend": kind == "Invoice",
            }
        ],
    }
