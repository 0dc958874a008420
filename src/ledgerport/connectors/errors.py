"""What can go wrong talking to a platform, as the engine needs to know it.

::

    ConnectorError
    ├── TransientError          retried with backoff (5xx, timeouts, truncated bodies)
    │   └── RateLimitedError    retried after the platform's Retry-After; pauses the budget
    │   ├── OutcomeUnknownError a write was sent and no answer came: look it up first
    │   └── WriteConflictError  another write landed first: decide again, at once
    ├── AccessTokenRejectedError the access token was refused (401): refresh, try again
    ├── AuthorizationLostError  the grant is gone: the connection becomes Deauthorized
    ├── RejectedError           the platform refused a write: the push fails, as told
    └── FatalError              the pull fails; the data from the last good pull stays

Readers and writers raise these; the engine decides what to do, once for every connector.
"""

from __future__ import annotations

from ledgerport.errors import LedgerportError


class ConnectorError(LedgerportError):
    pass


class TransientError(ConnectorError):
    pass


class RateLimitedError(TransientError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthorizationLostError(ConnectorError):
    """The platform no longer accepts the connection's grant (a revoked consent, an
    ``invalid_grant`` refresh): the connection becomes ``Deauthorized``."""


class AccessTokenRejectedError(ConnectorError):
    """The platform answered 401 to the access token the reader was given (expired
    early, revoked, clock skew). The engine refreshes the grant once and repeats the call;
    a reader never refreshes by itself, so two workers cannot rotate one grant twice."""


class FatalError(ConnectorError):
    pass


class RejectedError(ConnectorError):
    """The platform refused a write (a rule it enforces, a reference it does not know):
    nothing was written. ``status_code`` is the platform's HTTP status (400 by default),
    ``fields`` pairs a field path with its message when the platform names the field."""

    def __init__(
        self,
        message: str,
        status_code: int = 400,
        fields: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.fields = fields


class OutcomeUnknownError(TransientError):
    """The write was sent and no answer came back (a timeout, a dropped connection): it
    may have happened. Never resend before asking the writer to ``find`` it."""


class WriteConflictError(TransientError):
    """Another write to the same books was accepted while this one was being decided:
    nothing was written; deciding again on the new state is safe (the engine does, at
    once)."""
