"""Each model, field by field, against its schema in Codat's accounting spec: the same
property names, the same required set, ``null`` written exactly where Codat allows it (and
the key left out where it does not), the same JSON types and the same enum values, all
the way down through nested objects and arrays."""

from __future__ import annotations

import types
import typing
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel

from ledgerport.domain.accounting import Attachment
from ledgerport.domain.accounting.registry import MODELS
from tests.domain.accounting.spec import ENVELOPE, EXTRA_PROPERTIES, SCHEMAS, Flat, flatten, resolve

CASES = [(SCHEMAS[dt], MODELS[dt]) for dt in MODELS] + [("Attachment", Attachment)]


def _strip(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without Annotated and ``| None``, whether None was allowed)."""
    allows_none = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            allows_none = allows_none or len(args) < len(typing.get_args(annotation))
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation, allows_none
        else:
            return annotation, allows_none


def _json_type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is list:
        return "array"
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return "object"
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "integer"
    if annotation is Decimal:
        return "number"
    if annotation is str or annotation is datetime or issubclass(annotation, Enum):
        return "string"
    raise AssertionError(f"unexpected annotation {annotation!r}")


def _compare(model: type[BaseModel], schema: Flat, path: str, extras: set[str]) -> list[str]:
    problems: list[str] = []
    fields = {(f.alias or name): f for name, f in model.model_fields.items()}
    if unknown := set(fields) - set(schema.properties) - extras:
        problems.append(f"{path}: not in Codat's schema: {sorted(unknown)}")
    if missing := set(schema.properties) - set(fields):
        problems.append(f"{path}: Codat property not modelled: {sorted(missing)}")
    required = {key for key, f in fields.items() if f.is_required()}
    if required != schema.required:
        problems.append(f"{path}: required {sorted(required)} != Codat {sorted(schema.required)}")
    for key, info in fields.items():
        if key not in schema.properties:
            continue
        prop = flatten(schema.properties[key])
        where = f"{path}.{key}"
        annotation, allows_none = _strip(info.annotation)
        omitted = info.exclude_if is not None
        if info.is_required() and allows_none != prop.nullable:
            problems.append(f"{where}: required, null allowed={allows_none}, Codat {prop.nullable}")
        if not info.is_required() and omitted == prop.nullable:
            how = "left out" if omitted else "written as null"
            problems.append(f"{where}: None is {how}, Codat nullable={prop.nullable}")
        if (ours := _json_type(annotation)) != prop.type:
            problems.append(f"{where}: JSON type {ours} != Codat {prop.type}")
            continue
        if prop.enum is not None:
            values = {m.value for m in annotation} if issubclass(annotation, Enum) else None
            if values != set(prop.enum):
                problems.append(f"{where}: enum {values} != Codat {sorted(prop.enum)}")
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            problems += _compare(annotation, prop, where, set())
        elif typing.get_origin(annotation) is list:
            item, _ = _strip(typing.get_args(annotation)[0])
            item_schema = flatten(prop.items)
            if isinstance(item, type) and issubclass(item, BaseModel):
                problems += _compare(item, item_schema, f"{where}[]", set())
            elif _json_type(item) != item_schema.type:
                problems.append(f"{where}[]: {_json_type(item)} != Codat {item_schema.type}")
    return problems


@pytest.mark.parametrize(("schema_name", "model"), CASES, ids=[c[0].split("/")[0] for c in CASES])
def test_model_matches_codat_schema(schema_name: str, model: type[BaseModel]) -> None:
    extras = ENVELOPE | EXTRA_PROPERTIES.get(schema_name, set())
    assert _compare(model, flatten(resolve(schema_name)), model.__name__, extras) == []
