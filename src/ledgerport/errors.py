"""The exception tree. Domain, storage and sync code raise these; one handler in
``api/errors.py`` renders them as Codat's ``ErrorMessage`` body.

::

    LedgerportError
    └── ApiError                 status_code, message, validation, can_be_retried
        ├── BadRequestError      400  (QueryError: a malformed ``query``/``orderBy``)
        ├── UnauthorizedError    401
        ├── ForbiddenError       403
        ├── NotFoundError        404
        ├── ConflictError        409
        ├── UnprocessableError   422  (idempotency key reused with another body)
        └── RateLimitedError     429

No FastAPI import here: the API layer depends on this module, never the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ValidationItem:
    message: str
    item_id: str | None = None
    validator_name: str | None = None


@dataclass(frozen=True)
class Validation:
    errors: tuple[ValidationItem, ...] = ()
    warnings: tuple[ValidationItem, ...] = field(default=())


class LedgerportError(Exception):
    """Base of every error ledgerport raises on purpose."""


class ApiError(LedgerportError):
    status_code = 500
    can_be_retried = "Unknown"

    def __init__(
        self,
        message: str,
        *,
        validation: Validation | None = None,
        detailed_error_code: int = 0,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.validation = validation
        self.detailed_error_code = detailed_error_code
        self.headers = headers or {}


class BadRequestError(ApiError):
    status_code = 400


class QueryError(BadRequestError):
    """A ``query`` or ``orderBy`` that cannot be parsed or resolved."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        where = f" (at position {position})" if position is not None else ""
        super().__init__(f"Error parsing query - {message}{where}")
        self.position = position


class UnauthorizedError(ApiError):
    status_code = 401


class ForbiddenError(ApiError):
    status_code = 403


class NotFoundError(ApiError):
    status_code = 404


class ConflictError(ApiError):
    status_code = 409


class UnprocessableError(ApiError):
    status_code = 422


class RateLimitedError(ApiError):
    status_code = 429
    can_be_retried = "True"
