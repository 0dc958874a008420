"""Ids in paths. A malformed id names nothing, so it is a 404 like an unknown one; a 400
here would reach the SDKs as an untyped error on operations that document no 400."""

from __future__ import annotations

import uuid

from ledgerport.errors import NotFoundError


def parse_id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFoundError(f"{what} {value} not found.") from None
