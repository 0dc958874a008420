"""Validate our JSON against the schemas in Codat's published OpenAPI specs.

``spec="platform"`` (the default) is the Platform API; ``spec="accounting"`` is the 2023
Accounting API spec, whose components hold the standard data model (``Invoice``,
``Bill``, ...). A schema name may be a JSON pointer tail into the components, e.g.
``"BankTransactions/definitions/bankTransactionLine"``.

Two adjustments, both to the specs' own mistakes rather than to our output: the specs
mix OpenAPI 3.0's ``nullable: true`` into 3.1 schemas, which JSON Schema ignores, so it
is rewritten to allow ``null``; and a few typos are fixed: a ``required`` list names a
property that does not exist (platform: ``datatype`` for ``dataType``; accounting: a bank
transaction line's ``date``, which the spec renamed ``clearedOnDate``), and the
accounting spec's ``Item`` ``itemType`` is nested one level too deep in ``type``.
The platform spec is rewritten to ``anyOf [schema, null]``. The accounting spec's
``$ref``s point *through* nullable schemas (``.../paymentAllocations/items``), so there
the rewrite must keep every path: a typed schema gets ``"null"`` added to its ``type``,
and an untyped one (a bare ``$ref``) moves into ``anyOf [{$ref}, null]`` in place.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:codat:platform"
ACCOUNTING_SPEC_URI = "urn:codat:accounting"
_SPEC = Path(__file__).parent / "Codat-Platform.json"
_ACCOUNTING_SPEC = Path(__file__).parent / "Codat-Accounting-2.1.0-2023.json"

Spec = Literal["platform", "accounting"]


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _fix_known_typos(spec: dict[str, Any]) -> dict[str, Any]:
    # Integration.dataTypeFeature lists "datatype" as required, but the property (and
    # every SDK) is "dataType".
    feature = spec["components"]["schemas"]["Integration"]["definitions"]["dataTypeFeature"]
    feature["required"] = ["dataType" if r == "datatype" else r for r in feature["required"]]
    return spec


def _nullable_in_place(node: Any) -> Any:
    """Like ``_nullable`` but never moves a subschema, so JSON pointers still resolve."""
    if isinstance(node, list):
        return [_nullable_in_place(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_in_place(value) for key, value in node.items()}
    if converted.pop("nullable", False) is not True:
        return converted
    if "type" in converted:
        kinds = converted["type"] if isinstance(converted["type"], list) else [converted["type"]]
        converted["type"] = [*kinds, "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
        return converted
    alternatives = {key: converted.pop(key) for key in ("$ref", "allOf") if key in converted}
    converted["anyOf"] = [alternatives, {"type": "null"}]
    return converted


def _fix_accounting_typos(spec: dict[str, Any]) -> dict[str, Any]:
    line = spec["components"]["schemas"]["BankTransactions"]["definitions"]["bankTransactionLine"]
    line["required"] = [r for r in line["required"] if r != "date"]
    # Item's itemType is wrapped in a stray {"type": <the schema>}.
    definitions = spec["components"]["schemas"]["Item"]["definitions"]
    definitions["itemType"] = definitions["itemType"]["type"]
    return spec


@functools.cache
def accounting_spec() -> dict[str, Any]:
    """The accounting spec with its typo fixed but ``nullable`` left as published, for
    tests that read its schemas, enums and examples. Do not modify the result."""
    return _fix_accounting_typos(json.loads(_ACCOUNTING_SPEC.read_text()))


@functools.cache
def _registry(spec: Spec = "platform") -> Registry:
    if spec == "accounting":
        contents = _nullable_in_place(accounting_spec())
        uri = ACCOUNTING_SPEC_URI
    else:
        contents = _nullable(_fix_known_typos(json.loads(_SPEC.read_text())))
        uri = SPEC_URI
    resource = Resource.from_contents(contents, default_specification=DRAFT202012)
    return Registry().with_resource(uri, resource)


def errors(instance: Any, schema_name: str, *, spec: Spec = "platform") -> list[str]:
    uri = ACCOUNTING_SPEC_URI if spec == "accounting" else SPEC_URI
    validator = Draft202012Validator(
        {"$ref": f"{uri}#/components/schemas/{schema_name}"}, registry=_registry(spec)
    )
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(instance)
    ]
