"""What can go wrong talking to a platform, as the engine needs to know it.

::

    ConnectorError
    ├── TransientError          retried with backoff (5xx, timeouts, truncated bodies)
    │   └── RateLimitedError    retried after the platform's Retry-After; pauses the budget
    ├── AuthorizationLostError  the grant is gone: the connection becomes Deauthorized
    └── FatalError              the pull fails; the data from the last good pull stays

Readers raise these; the engine decides what to do, once for every connector.
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
    pass


class FatalError(ConnectorError):
    pass
