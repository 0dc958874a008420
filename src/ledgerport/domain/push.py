"""Push (write) operations: Codat's statuses, and the create model a push is checked
against before anything is sent to the platform. No I/O.

A *create model* (Codat's ``PushOption``) is a tree describing what a platform accepts
for one data type: each field's type, whether it is required, and for some the values
allowed (an account id from the company's chart, a status from a closed set). The same
tree is served by ``GET .../options/{dataType}`` and used by :func:`validate`, so what we
tell a client is exactly what we enforce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from ledgerport.errors import ValidationItem


class PushStatus(StrEnum):
    """Codat's closed ``PushOperationStatus``."""

    PENDING = "Pending"
    FAILED = "Failed"
    SUCCESS = "Success"
    TIMED_OUT = "TimedOut"


FINAL = frozenset({PushStatus.FAILED, PushStatus.SUCCESS, PushStatus.TIMED_OUT})


class PushChangeType(StrEnum):
    UNKNOWN = "Unknown"
    CREATED = "Created"
    MODIFIED = "Modified"
    DELETED = "Deleted"
    ATTACHMENT_UPLOADED = "AttachmentUploaded"


class PushOptionType(StrEnum):
    ARRAY = "Array"
    OBJECT = "Object"
    STRING = "String"
    NUMBER = "Number"
    BOOLEAN = "Boolean"
    DATE_TIME = "DateTime"
    FILE = "File"
    MULTI_PART = "MultiPart"


class PushOptionChoice(BaseModel):
    value: str
    type: PushOptionType = PushOptionType.STRING
    displayName: str | None = None
    description: str | None = None
    required: bool = False


class PushFieldValidationItem(BaseModel):
    field: str
    details: str
    ref: str | None = None


class PushValidationInfo(BaseModel):
    warnings: list[PushFieldValidationItem] = Field(default_factory=list)
    information: list[PushFieldValidationItem] = Field(default_factory=list)


class PushOption(BaseModel):
    """One node of a create model. ``properties``: an Object's fields, or, as Codat
    publishes its models, an Array's: the fields of each of its elements."""

    type: PushOptionType
    displayName: str
    description: str | None = None
    required: bool = False
    properties: dict[str, PushOption] | None = None
    options: list[PushOptionChoice] | None = None
    validation: PushValidationInfo | None = None
    # Limits we enforce beyond Codat's schema (sent too; the SDKs ignore extra fields).
    maxLength: int | None = None
    minimum: float | None = None
    exclusiveMinimum: float | None = None
    maxItems: int | None = None
    minItems: int | None = None


VALIDATOR = "CreateModel"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def validate(record: Any, model: PushOption) -> list[ValidationItem]:
    """Every way ``record`` breaks ``model``, one message per field (dotted path with
    ``[n]`` for array elements, as Codat's ``itemId``). Empty: it conforms."""
    problems: list[ValidationItem] = []
    _check(record, model, "", problems)
    return problems


def _fail(problems: list[ValidationItem], path: str, message: str) -> None:
    problems.append(ValidationItem(message=message, item_id=path or None, validator_name=VALIDATOR))


def _check(value: Any, node: PushOption, path: str, problems: list[ValidationItem]) -> None:
    name = path or node.displayName
    if value is None:
        if node.required:
            _fail(problems, path, f"{name} is required.")
        return
    match node.type:
        case PushOptionType.OBJECT:
            if not isinstance(value, Mapping):
                _fail(problems, path, f"{name} must be an object.")
                return
            for key, child in (node.properties or {}).items():
                _check(value.get(key), child, f"{path}.{key}" if path else key, problems)
        case PushOptionType.ARRAY:
            if not isinstance(value, list):
                _fail(problems, path, f"{name} must be an array.")
                return
            if node.required and not value and node.minItems is None:
                _fail(problems, path, f"{name} needs at least one item.")
            if node.minItems is not None and len(value) < node.minItems:
                _fail(problems, path, f"{name} needs at least {node.minItems} item(s).")
            if node.maxItems is not None and len(value) > node.maxItems:
                _fail(problems, path, f"{name} takes at most {node.maxItems} items.")
            if node.properties:  # each element is an object with these fields
                element = PushOption(
                    type=PushOptionType.OBJECT,
                    displayName=f"{node.displayName} item",
                    required=True,  # an element may not be null
                    properties=node.properties,
                )
                for n, item in enumerate(value):
                    _check(item, element, f"{path}[{n}]", problems)
        case PushOptionType.STRING:
            if not isinstance(value, str):
                _fail(problems, path, f"{name} must be a string.")
                return
            if node.required and not value.strip():
                _fail(problems, path, f"{name} is required and cannot be blank.")
                return  # one message: "not one of the options" would say it again
            if node.maxLength is not None and len(value) > node.maxLength:
                _fail(problems, path, f"{name} is longer than {node.maxLength} characters.")
            _check_choice(value, node, path, problems)
        case PushOptionType.NUMBER:
            number = _number(value)
            if number is None:
                _fail(problems, path, f"{name} must be a number.")
                return
            if node.minimum is not None and number < Decimal(str(node.minimum)):
                _fail(problems, path, f"{name} must be at least {node.minimum:g}.")
            if node.exclusiveMinimum is not None and number <= Decimal(str(node.exclusiveMinimum)):
                _fail(problems, path, f"{name} must be greater than {node.exclusiveMinimum:g}.")
        case PushOptionType.BOOLEAN:
            if not isinstance(value, bool):
                _fail(problems, path, f"{name} must be true or false.")
        case PushOptionType.DATE_TIME:
            if not isinstance(value, str) or parse_date(value) is None:
                _fail(problems, path, f"{name} must be a date such as 2024-06-01T00:00:00.")
        case _:
            pass


def _check_choice(value: str, node: PushOption, path: str, problems: list[ValidationItem]) -> None:
    if not node.options:
        return
    allowed = [choice.value for choice in node.options]
    if value not in allowed:
        shown = ", ".join(allowed[:10]) + (", ..." if len(allowed) > 10 else "")
        name = path or node.displayName
        _fail(problems, path, f"{name} must be one of: {shown} (got {value!r}).")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def parse_date(value: str) -> date | None:
    """The date of a Codat date-time string (``2024-06-01T00:00:00``, with or without a
    zone, or a bare date); None if it is not one."""
    if not _DATE.match(value.strip()):
        return None
    try:
        text = value.strip().replace(" ", "T").replace("Z", "+00:00")
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None
