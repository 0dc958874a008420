"""How Sync for Payables v2 lists page: an opaque ``continuationToken`` (v2 has no page
numbers). Record lists are keyed on the record id, so a page boundary stays put while
records change; option lists, built in memory, by offset. A token is tied to its list
and query, and anything else is a 400. ``query`` is the data API's query language, over
the accounting fields the v2 ones are named after (``status``, ``sourceModifiedDate``...).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy.orm import Session

from ledgerport.api.routes.data import resolver
from ledgerport.api.routes.payables.reads import live, not_pulled
from ledgerport.domain.enums import DataType
from ledgerport.errors import BadRequestError
from ledgerport.storage.query import DocumentEvaluator, FieldKind, compile_filter, parse_query
from ledgerport.storage.repositories import records
from ledgerport.storage.tables import ConnectionRow, RecordRow

PAGE_SIZE = 100

_STATUS_ONLY = {"status": FieldKind.STRING}


def _fingerprint(kind: str, query: str | None) -> str:
    return hashlib.sha256(f"{kind}\n{query or ''}".encode()).hexdigest()[:16]


def encode_token(kind: str, query: str | None, position: str | int) -> str:
    """An opaque token for the page after ``position`` (the last record id, or an
    offset for the in-memory option lists), bound to the list and its query."""
    payload = orjson.dumps({"v": 1, "f": _fingerprint(kind, query), "p": position})
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_token(token: str | None, kind: str, query: str | None) -> Any:
    """The position a token carries, or None for the first page. A token that is not
    ours, or was issued for another list or query, is a 400."""
    if token is None or token == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise bad_token() from None
    if not isinstance(payload, dict) or payload.get("v") != 1 or "p" not in payload:
        raise bad_token()
    if payload.get("f") != _fingerprint(kind, query):
        raise BadRequestError(
            "The continuation token was issued for another list or query; send the same "
            "query with it, or start again without a token."
        )
    position = payload["p"]
    if not isinstance(position, str | int) or isinstance(position, bool):
        raise bad_token()
    return position


def bad_token() -> BadRequestError:
    return BadRequestError(
        "The continuation token is not valid. Use the continuationToken of the previous "
        "page as it was returned, or start again without one."
    )


def pagination(token: str | None) -> dict[str, Any]:
    """The ``pagination`` object of a v2 list: no ``continuationToken`` on the last page."""
    return {"continuationToken": token} if token is not None else {}


def record_page(
    session: Session,
    connection: ConnectionRow,
    data_type: DataType,
    kind: str,
    query: str | None,
    token: str | None,
    narrow: Callable[[Any], Any] = lambda stmt: stmt,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of records after the token's record id, in record id order (409 if the
    data type was never pulled on the connection)."""
    after = decode_token(token, kind, query)
    if not records.has_dataset(session, connection.company_id, data_type.value, connection.id):
        raise not_pulled(data_type)
    stmt = narrow(live(connection, data_type, RecordRow.record_id, RecordRow.data))
    if query is not None and query.strip():
        stmt = stmt.where(compile_filter(parse_query(query), resolver(data_type)))
    if after is not None:
        stmt = stmt.where(RecordRow.record_id > str(after))
    rows = session.execute(stmt.order_by(RecordRow.record_id).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_token = encode_token(kind, query, rows[-1][0]) if more else None
    return [dict(data) for _, data in rows], next_token


def option_page(
    kind: str,
    resource: str,
    status_query: str | None,
    token: str | None,
    lists: Sequence[list[dict[str, Any]]],
) -> tuple[list[list[dict[str, Any]]], str | None]:
    """Option lists filtered by ``statusQuery`` (on the v2 status, so ``status=Active``
    means exactly what the response says) and paged together by offset."""
    offset = decode_token(token, kind, status_query) or 0
    if not isinstance(offset, int) or offset < 0:
        raise bad_token()
    if status_query is not None and status_query.strip():
        evaluator = DocumentEvaluator(resource, _STATUS_ONLY)
        node = parse_query(status_query)
        lists = [evaluator.filter(items, node) for items in lists]
    pages = [items[offset : offset + PAGE_SIZE] for items in lists]
    more = any(len(items) > offset + PAGE_SIZE for items in lists)
    return pages, encode_token(kind, status_query, offset + PAGE_SIZE) if more else None
