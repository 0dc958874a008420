from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ledgerport.api.models.common import PagingInfo
from ledgerport.api.models.connections import Connection


class CompanyRequestBody(BaseModel):
    """Create or replace a company. Characters outside Codat's allowed set are stripped
    from the name."""

    name: str = Field(min_length=1, max_length=1000)
    description: str | None = None
    tags: dict[str, Any] | None = None
    products: list[str] | None = Field(
        default=None, description="Product identifiers to enable, e.g. spend-insights."
    )


class CompanyUpdateRequest(BaseModel):
    """Partial update: fields left out or null are not changed."""

    name: str | None = Field(default=None, min_length=1, max_length=1000)
    description: str | None = None
    tags: dict[str, Any] | None = None


class Company(BaseModel):
    id: str
    name: str
    description: str | None = None
    redirect: str
    lastSync: str | None = None
    created: str | None = None
    createdByUserName: str | None = None
    products: list[str] = []
    tags: dict[str, str] = {}
    referenceSubsidiaryCompanies: list[dict[str, Any]] = []
    dataConnections: list[Connection] = []


class Companies(PagingInfo):
    results: list[Company]
