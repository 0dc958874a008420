"""Codat's push operation models (``PushOperation``, ``PushOperations``, ``PushOption``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ledgerport.api.models.common import PagingInfo, ValidationItemModel
from ledgerport.domain.push import PushChangeType, PushStatus


class PushValidation(BaseModel):
    errors: list[ValidationItemModel] | None = None
    warnings: list[ValidationItemModel] | None = None


class PushRecordRef(BaseModel):
    id: str | None = None
    dataType: str | None = None


class PushChange(BaseModel):
    type: PushChangeType
    recordRef: PushRecordRef | None = None
    attachmentId: str | None = None


class PushOperation(BaseModel):
    """A write and how it went; ``data`` is the record as sent, and once the write has
    succeeded, the record as the platform holds it (with the id it assigned)."""

    pushOperationKey: str
    companyId: str
    dataConnectionKey: str
    dataType: str | None = None
    requestedOnUtc: str
    completedOnUtc: str | None = None
    timeoutInMinutes: int | None = None
    status: PushStatus
    statusCode: int
    errorMessage: str | None = None
    validation: PushValidation | None = None
    changes: list[PushChange] | None = None
    data: dict[str, Any] | None = None


class PushOperations(PagingInfo):
    results: list[PushOperation]
