from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ledgerport.api.models.common import PagingInfo
from ledgerport.domain.enums import ConnectionStatus, SourceType


class CreateConnection(BaseModel):
    platformKey: str = Field(
        min_length=1, max_length=16, description="The integration's key, e.g. gbol for Xero."
    )


class UpdateConnectionStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ConnectionStatus | None = None


class DataConnectionError(BaseModel):
    statusCode: str | None = None
    statusText: str | None = None
    errorMessage: str | None = None
    erroredOnUtc: str | None = None
    status: Literal["Active", "Resolved"] | None = None
    resolvedOnUtc: str | None = None


class Connection(BaseModel):
    id: str
    integrationId: str
    integrationKey: str
    sourceId: str
    sourceType: SourceType
    platformName: str
    linkUrl: str
    status: ConnectionStatus
    lastSync: str | None = None
    created: str
    dataConnectionErrors: list[DataConnectionError] | None = None
    connectionInfo: dict[str, Any] | None = None


class Connections(PagingInfo):
    results: list[Connection]


class CompanyAccessToken(BaseModel):
    accessToken: str
    expiresIn: int
    tokenType: str
