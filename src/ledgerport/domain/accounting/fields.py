"""Field types that make pydantic write exactly Codat's JSON.

Three wire rules drive everything here:

* **Numbers.** Codat's amounts, rates and quantities are ``type: number, format: decimal``.
  We hold them as :class:`~decimal.Decimal` (no binary rounding while we add up lines),
  but pydantic's JSON mode renders ``Decimal`` as a *string*, which the spec forbids. So
  :data:`Number` serializes integral values as JSON integers (exact at any size) and the
  rest as JSON floats; a float round-trips any value with up to 15 significant digits,
  far beyond what an accounting amount carries. ``NaN``/``Infinity`` are refused on input.
* **Dates.** Codat's ``DateTime`` is an ISO 8601 *string* that may be unqualified local
  time (``2022-10-23T00:00:00``, what platforms give for business dates such as
  ``issueDate``), UTC (``...Z``) or carry an offset (``...-05:00``). :data:`DateTime`
  holds a :class:`~datetime.datetime` (so queries and sorting compare instants, not text)
  and writes it back in the same form it came in: naive stays naive, UTC gets ``Z``,
  another offset is kept (converting it to UTC could move a business date to another day).
  Fractional seconds are written only when present, as milliseconds when that is exact.
* **Absent vs null.** The spec has optional properties that are ``nullable`` (we write
  ``null``) and optional properties that are *not* (``null`` there fails schema validation,
  so the key must be left out). :data:`Omittable` marks the second kind; such a field is
  dropped from the output when it is ``None`` even with ``exclude_none=False``.
  (Uses ``Field(exclude_if=...)``, which needs pydantic >= 2.11.)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

_T = TypeVar("_T")


def _decimal_to_json(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def datetime_to_json(value: datetime) -> str:
    """A datetime as Codat writes it (the rules above): what :data:`DateTime` dumps."""
    return _datetime_to_json(value)


def _datetime_to_json(value: datetime) -> str:
    if not value.microsecond:
        timespec = "seconds"
    elif value.microsecond % 1000:
        timespec = "microseconds"
    else:
        timespec = "milliseconds"  # Codat's own style: 2022-10-23T00:00:00.000Z
    if value.tzinfo is None:
        return value.isoformat(timespec=timespec)
    offset = value.utcoffset()
    if not offset:
        return value.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
    return value.isoformat(timespec=timespec)


def _is_none(value: object) -> bool:
    return value is None


Number = Annotated[
    Decimal,
    Field(allow_inf_nan=False),
    PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json"),
]
"""A Codat ``number`` (``format: decimal``): Decimal in Python, a JSON number on the wire."""

Money = Number
"""An amount of money; the same wire type as any other :data:`Number`."""

DateTime = Annotated[
    datetime, PlainSerializer(_datetime_to_json, return_type=str, when_used="json")
]
"""A Codat ``DateTime`` string, held as a datetime (see the module docstring)."""

NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]
"""Codat's ``minLength: 1`` strings: the ids of required references."""

Omittable = Annotated[_T | None, Field(exclude_if=_is_none)]
"""An optional property Codat does not allow to be ``null``: left out when ``None``.

Give it ``= None`` at the field so the type checker knows the argument is optional."""


class CodatModel(BaseModel):
    """Base of every accounting model.

    Unknown keys are ignored rather than refused, as Codat and its SDKs do: connectors and
    push bodies from newer SDK versions may carry fields this model does not know yet.
    Dumps use the wire names by default, so a forgotten ``by_alias=True`` cannot leak
    ``from_`` instead of ``from``."""

    model_config = ConfigDict(
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


__all__ = [
    "CodatModel",
    "DateTime",
    "Money",
    "NonEmptyStr",
    "Number",
    "Omittable",
]
