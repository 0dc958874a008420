from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ValidationItemModel(BaseModel):
    itemId: str | None = None
    message: str | None = None
    validatorName: str | None = None


class ErrorValidation(BaseModel):
    errors: list[ValidationItemModel] | None = None
    warnings: list[ValidationItemModel] | None = None


class ErrorMessage(BaseModel):
    """Codat's error body, returned with every 4xx and 5xx."""

    statusCode: int
    service: str
    error: str
    correlationId: str
    validation: ErrorValidation | None = None
    canBeRetried: str
    detailedErrorCode: int


class HalRef(BaseModel):
    href: str


class Links(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    self_: HalRef = Field(alias="self")
    current: HalRef
    next: HalRef | None = None
    previous: HalRef | None = None


class PagingInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    pageNumber: int
    pageSize: int
    totalResults: int
    links: Links = Field(alias="_links")


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorMessage, "description": text}
    for code, text in {
        400: "Bad request: the body, parameters or query are invalid.",
        401: "The API key is missing or invalid.",
        404: "The resource does not exist.",
        409: "Conflict.",
        429: "Too many requests.",
        500: "Internal error.",
    }.items()
}
