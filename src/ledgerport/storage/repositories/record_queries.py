"""How Codat's query language reads a data type's stored records: one resolver per data
type, shared by the data API, Sync for Payables' lists and the portal's data browser,
so the same query means the same thing everywhere."""

from __future__ import annotations

import functools

from ledgerport.domain.accounting.registry import MODELS, queryable_paths
from ledgerport.domain.enums import DataType
from ledgerport.storage.query import FieldKind, JsonDocumentResolver
from ledgerport.storage.repositories import records
from ledgerport.storage.tables import RecordRow
from ledgerport.storage.tables.records import INDEXED_TEXT

_KINDS = {
    "string": FieldKind.STRING,
    "number": FieldKind.NUMBER,
    "datetime": FieldKind.DATETIME,
    "boolean": FieldKind.BOOLEAN,
}


@functools.cache
def resolver(data_type: DataType) -> JsonDocumentResolver:
    """The data type's queryable fields (from its model), read from the JSON document or,
    where identical, from the indexed columns."""
    model = MODELS[data_type]
    kinds = {path: _KINDS[kind] for path, kind in queryable_paths(model).items()}
    return JsonDocumentResolver(
        model.__name__,
        RecordRow.data.expression,
        kinds,
        indexed=records.indexed_columns(data_type.value),
        indexed_text=INDEXED_TEXT,
    )
