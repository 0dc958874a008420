from __future__ import annotations

from pydantic import BaseModel, Field


class CreateApiKey(BaseModel):
    name: str | None = Field(default=None, max_length=50)


class ApiKeyDetails(BaseModel):
    id: str
    name: str | None = None
    apiKey: str = Field(
        description="The key itself on creation; afterwards only a masked hint, because "
        "keys are stored hashed."
    )
    createdDate: str


class ApiKeys(BaseModel):
    results: list[ApiKeyDetails]
