"""Keeps credentials that travel in URLs out of the access log.

uvicorn logs every request line, query string included, and some of ours carry a
secret there: a Link URL's one-time ``otp``, a company Link ``token``, and the OAuth
``code`` and ``state`` a platform sends back to ``/link/oauth/callback``. Anyone who
can read the log could otherwise link a company's books to their own platform account
or finish its OAuth trip. The filter replaces those parameters' values with
``[redacted]`` in every ``uvicorn.access`` record; the rest of the line is kept.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

ACCESS_LOGGER = "uvicorn.access"
SECRET_PARAMETERS = frozenset(
    {"otp", "token", "code", "state", "access_token", "refresh_token", "client_secret"}
)
REDACTED = "[redacted]"


def redact_query(path: str) -> str:
    """``path`` with the values of secret query parameters replaced; every other byte of
    it, the other parameters' own encoding included, is left as it was."""
    base, separator, query = path.partition("?")
    if not separator:
        return path
    parts = query.split("&")
    redacted = [_redact_parameter(part) for part in parts]
    return path if redacted == parts else f"{base}?{'&'.join(redacted)}"


def _redact_parameter(part: str) -> str:
    # The name is compared decoded, so "%6Ftp" or "OTP" is caught as "otp" is.
    name, _, _ = part.partition("=")
    if unquote_plus(name).lower() not in SECRET_PARAMETERS:
        return part
    return f"{name}={REDACTED}"


class RedactSecretsFilter(logging.Filter):
    """uvicorn's access record has args ``(client, method, path, http_version, status)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger, once per process (apps are built
    once per worker process, and many times in tests)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
        logger.addFilter(RedactSecretsFilter())
