"""What every Sync for Payables v2 route shares: where the routes live, the request
headers and query parameters they take, the linked connection each one works through,
and the Codat errors they answer with.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query
from sqlalchemy.orm import Session

from ledgerport.api.routes.connections import load_connection
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.errors import ApiError, BadRequestError, Validation, ValidationItem
from ledgerport.storage.tables import ConnectionRow

BASE = "/companies/{companyId}/connections/{connectionId}/payables"
# The push operations v2 writes make, told apart from the push API's own.
ORIGIN = "payables"
# How a v2 check of ours names itself in ``validation``.
VALIDATOR = "Payables"

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


def linked_connection(session: Session, company_id: str, connection_id: str) -> ConnectionRow:
    """The connection (404 if it or the company is unknown), which must be linked: every
    payables operation reads or writes the platform through it."""
    connection = load_connection(session, company_id, connection_id)
    if connection.status != ConnectionStatus.LINKED.value:
        raise BadRequestError(
            f"Data connection {connection_id} is not linked (its status is "
            f"{connection.status}); link it before using Bill pay."
        )
    return connection


def invalid(item_id: str, message: str) -> BadRequestError:
    """A 400 for one field of a v2 body that our own checks refuse."""
    return BadRequestError(
        f"The request is invalid - {item_id}: {message}",
        validation=Validation(
            errors=(ValidationItem(message=message, item_id=item_id, validator_name=VALIDATOR),)
        ),
    )


def status_error(message: str, status_code: int, validation: Validation | None = None) -> ApiError:
    """A Codat error with any status code: 429 and 503 say they can be retried, and a
    503 says when (``Retry-After``), as the SDKs' retry configuration reads it."""
    err = ApiError(
        message,
        validation=validation,
        headers={"Retry-After": "5"} if status_code == 503 else None,
    )
    err.status_code = status_code
    if status_code in (429, 503):
        err.can_be_retried = "True"
    return err
