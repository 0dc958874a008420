"""Builders for create-model nodes (``PushOption``), so a model reads as a list of
fields: ``text("Reference", "The supplier's invoice number.", max_length=255)``.

Shared by every connector that describes its platform's create models (the sandbox,
Xero, QuickBooks Online). Every node gets a description, as Codat's schema requires of
a property.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ledgerport.domain.push import (
    PushFieldValidationItem,
    PushOption,
    PushOptionChoice,
    PushOptionType,
    PushValidationInfo,
)

Notes = Sequence[tuple[str, str]]
"""``validation`` notes: (field, details)."""


def choice(value: str, name: str | None = None, description: str | None = None) -> PushOptionChoice:
    return PushOptionChoice(value=value, displayName=name or value, description=description)


def choices(values: Iterable[str]) -> list[PushOptionChoice]:
    return [choice(v) for v in values]


def explained(values: Sequence[tuple[str, str]]) -> list[PushOptionChoice]:
    """Choices of a closed set, each with what it means: ``[(value, meaning)]``."""
    return [choice(value, value, meaning) for value, meaning in values]


def validation(info: Notes = (), warnings: Notes = ()) -> PushValidationInfo | None:
    if not info and not warnings:
        return None
    return PushValidationInfo(
        information=[PushFieldValidationItem(field=f, details=d) for f, d in info],
        warnings=[PushFieldValidationItem(field=f, details=d) for f, d in warnings],
    )


def text(
    name: str,
    description: str,
    *,
    required: bool = False,
    max_length: int | None = None,
    options: list[PushOptionChoice] | None = None,
    info: Notes = (),
    warnings: Notes = (),
) -> PushOption:
    return PushOption(
        type=PushOptionType.STRING,
        displayName=name,
        description=description,
        required=required,
        maxLength=max_length,
        options=options,
        validation=validation(info, warnings),
    )


def number(
    name: str,
    description: str,
    *,
    required: bool = False,
    minimum: float | None = None,
    above: float | None = None,
    info: Notes = (),
) -> PushOption:
    """A number; ``above`` is an exclusive minimum."""
    return PushOption(
        type=PushOptionType.NUMBER,
        displayName=name,
        description=description,
        required=required,
        minimum=minimum,
        exclusiveMinimum=above,
        validation=validation(info),
    )


def flag(name: str, description: str, *, required: bool = False) -> PushOption:
    return PushOption(
        type=PushOptionType.BOOLEAN, displayName=name, description=description, required=required
    )


def date(name: str, description: str, *, required: bool = False, info: Notes = ()) -> PushOption:
    return PushOption(
        type=PushOptionType.DATE_TIME,
        displayName=name,
        description=description,
        required=required,
        validation=validation(info),
    )


def obj(
    name: str,
    description: str,
    properties: dict[str, PushOption],
    *,
    required: bool = False,
    info: Notes = (),
    warnings: Notes = (),
) -> PushOption:
    return PushOption(
        type=PushOptionType.OBJECT,
        displayName=name,
        description=description,
        required=required,
        properties=properties,
        validation=validation(info, warnings),
    )


def array(
    name: str,
    description: str,
    item: PushOption,
    *,
    required: bool = False,
    min_items: int | None = None,
    max_items: int | None = None,
    info: Notes = (),
) -> PushOption:
    """An array of ``item`` objects: as in Codat's published models, the array's
    ``properties`` are the fields of each element."""
    return PushOption(
        type=PushOptionType.ARRAY,
        displayName=name,
        description=description,
        required=required,
        properties=item.properties,
        minItems=min_items,
        maxItems=max_items,
        validation=_merged(validation(info), item.validation),
    )


def _merged(
    outer: PushValidationInfo | None, inner: PushValidationInfo | None
) -> PushValidationInfo | None:
    """The array's notes and its elements' (which have no node of their own)."""
    if inner is None:
        return outer
    if outer is None:
        return inner
    return PushValidationInfo(
        warnings=[*outer.warnings, *inner.warnings],
        information=[*outer.information, *inner.information],
    )


def ref(
    name: str,
    description: str,
    id_description: str,
    *,
    required: bool = False,
    options: list[PushOptionChoice] | None = None,
    name_field: str | None = "name",
    extra: dict[str, PushOption] | None = None,
    info: Notes = (),
) -> PushOption:
    """A reference to another record: an object whose ``id`` is required when the
    reference is given (one of ``options``, if any), with the record's name beside it
    (``name_field``: informational, as Codat's refs carry it)."""
    properties = {"id": text("Identifier", id_description, required=True, options=options)}
    if name_field is not None:
        properties[name_field] = text("Name", "The referenced record's name (informational).")
    return obj(name, description, properties | (extra or {}), required=required, info=info)
