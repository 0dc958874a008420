"""Validate our JSON against the schemas in Codat's published OpenAPI spec.

Two adjustments, both to the spec's own mistakes rather than to our output: the spec
mixes OpenAPI 3.0's ``nullable: true`` into 3.1 schemas, which JSON Schema ignores, so it
is rewritten to ``anyOf [schema, null]``; and one ``required`` list misspells a property.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:codat:platform"
_SPEC = Path(__file__).parent / "Codat-Platform.json"


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


@functools.cache
def _registry() -> Registry:
    spec = _nullable(_fix_known_typos(json.loads(_SPEC.read_text())))
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def errors(instance: Any, schema_name: str) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"}, registry=_registry()
    )
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(instance)
    ]
