from __future__ import annotations

from pydantic import BaseModel

from ledgerport.domain.accounting.attachments import Attachment


class Attachments(BaseModel):
    """Codat's ``AttachmentsDataset``: a record's files wrapped in an object, not a page
    (every attachment list in the Accounting spec answers this shape)."""

    attachments: list[Attachment] | None = None


BINARY_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Success",
        "content": {
            "application/octet-stream": {
                "schema": {"title": "Data", "type": "string", "format": "binary"}
            }
        },
    }
}
"""How the spec documents a download: bytes as ``application/octet-stream``."""
