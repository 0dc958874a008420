"""QBO's read requests: query-language statements and Change Data Capture parameters.

Intuit's query language pages with ``STARTPOSITION`` (1-based) and ``MAXRESULTS`` (at
most 1,000); ``ORDERBY Id`` keeps pages stable while paging. Filters on
``MetaData.LastUpdatedTime`` take an ISO 8601 time with offset. CDC
(``GET cdc?entities=A,B&changedSince=...``) returns whole objects changed since a
moment, deleted ones included, but looks back 30 days at most and answers at most
1,000 objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

MINOR_VERSION = "75"
MAX_RESULTS = 1000
CDC_MAX_OBJECTS = 1000
# CDC refuses a changedSince older than 30 days; an hour's margin keeps a request made
# near the edge (clock skew, a slow queue) on the right side of it.
CDC_WINDOW = timedelta(days=30) - timedelta(hours=1)


def timestamp(moment: datetime) -> str:
    """An instant as QBO compares it: ISO 8601, seconds, with an explicit offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def quoted(value: str) -> str:
    """A string literal in the query language (a quote is escaped with a backslash)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def select(
    entity: str,
    *,
    start: int = 1,
    where: Iterable[str] = (),
    paged: bool = True,
) -> str:
    conditions = [c for c in where if c]
    # Not SQL: Intuit's query language, sent as a parameter. Values are quoted().
    statement = f"SELECT * FROM {entity}"  # noqa: S608
    if conditions:
        statement += " WHERE " + " AND ".join(conditions)
    if paged:
        statement += f" ORDERBY Id STARTPOSITION {start} MAXRESULTS {MAX_RESULTS}"
    return statement


def updated_since(moment: datetime) -> str:
    return f"MetaData.LastUpdatedTime > {quoted(timestamp(moment))}"


def cdc_params(entities: Iterable[str], since: datetime) -> dict[str, str]:
    return {"entities": ",".join(entities), "changedSince": timestamp(since)}


def within_cdc_window(since: datetime, now: datetime) -> bool:
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return now - since < CDC_WINDOW


def query_objects(body: Any, entity: str) -> list[Mapping[str, Any]]:
    """The objects of a query answer; an empty page is ``"QueryResponse": {}``."""
    response = body.get("QueryResponse") if isinstance(body, Mapping) else None
    found = response.get(entity) if isinstance(response, Mapping) else None
    return [o for o in found if isinstance(o, Mapping)] if isinstance(found, list) else []


def cdc_objects(body: Any) -> dict[str, list[Mapping[str, Any]]]:
    """A CDC answer's objects by entity: ``CDCResponse[].QueryResponse[]`` each hold one
    entity's list (its name is the key) beside paging counters."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    responses = body.get("CDCResponse") if isinstance(body, Mapping) else None
    for response in responses if isinstance(responses, list) else []:
        parts = response.get("QueryResponse") if isinstance(response, Mapping) else None
        for part in parts if isinstance(parts, list) else []:
            if not isinstance(part, Mapping):
                continue
            for key, value in part.items():
                if isinstance(value, list):
                    found.setdefault(key, []).extend(v for v in value if isinstance(v, Mapping))
    return found


def cdc_is_full(body: Any) -> bool:
    """Whether CDC may have left objects out: it answered as many as it ever does."""
    return sum(len(objects) for objects in cdc_objects(body).values()) >= CDC_MAX_OBJECTS
