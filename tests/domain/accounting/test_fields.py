"""The wire types: numbers stay numbers, dates keep the form they came in, and optional
fields are ``null`` or absent exactly as declared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from ledgerport.domain.accounting.fields import CodatModel, DateTime, NonEmptyStr, Number, Omittable
from ledgerport.domain.accounting.refs import CustomerRef
from tests.domain.accounting.spec import flatten, resolve
from tests.domain.accounting.test_structure import _compare


class Sample(CodatModel):
    amount: Number
    when: DateTime
    note: str | None = None
    due: Omittable[DateTime] = None


def _json(**values: object) -> dict[str, object]:
    return Sample.model_validate({"amount": 1, "when": "2024-01-01", **values}).model_dump(
        mode="json"
    )


@pytest.mark.parametrize(
    ("raw", "wire"),
    [
        ("2022-10-23T00:00:00", "2022-10-23T00:00:00"),
        ("2022-10-23", "2022-10-23T00:00:00"),
        ("2022-10-23T00:00:00Z", "2022-10-23T00:00:00Z"),
        ("2022-10-23T00:00:00.000Z", "2022-10-23T00:00:00Z"),
        ("2018-03-28T21:28:58.249Z", "2018-03-28T21:28:58.249Z"),
        ("2018-03-28T21:28:58.249123", "2018-03-28T21:28:58.249123"),
        ("2021-11-15T01:00:00-05:00", "2021-11-15T01:00:00-05:00"),
        ("2021-11-15T23:30:00+10:00", "2021-11-15T23:30:00+10:00"),
        ("2021-11-15T06:00:00+00:00", "2021-11-15T06:00:00Z"),
    ],
)
def test_datetimes_keep_their_form(raw: str, wire: str) -> None:
    assert _json(when=raw)["when"] == wire


def test_datetimes_compare_as_instants() -> None:
    parsed = Sample(amount=Decimal(1), when=datetime(2021, 11, 15, 6, tzinfo=UTC))
    offset = Sample.model_validate({"amount": 1, "when": "2021-11-15T01:00:00-05:00"})
    assert parsed.when == offset.when
    assert offset.when.tzinfo is not None
    assert offset.when.utcoffset() == timezone(timedelta(hours=-5)).utcoffset(None)


@pytest.mark.parametrize(
    ("raw", "wire"),
    [
        ("12.50", 12.5),
        (12.5, 12.5),
        ("100.00", 100),
        (0, 0),
        ("-0.01", -0.01),
        ("0.1", 0.1),
        ("99999999999999999999", 99999999999999999999),
    ],
)
def test_numbers_are_json_numbers(raw: object, wire: float) -> None:
    value = _json(amount=raw)["amount"]
    assert value == wire
    assert isinstance(value, int | float)


def test_numbers_are_decimals_in_python() -> None:
    sample = Sample.model_validate({"amount": 0.1, "when": "2024-01-01"})
    assert sample.amount == Decimal("0.1")
    assert sample.model_dump()["amount"] == Decimal("0.1")
    assert Sample.model_validate_json('{"amount": 0.1, "when": "2024-01-01"}').amount == Decimal(
        "0.1"
    )


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-inf", "twelve"])
def test_non_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        Sample.model_validate({"amount": raw, "when": "2024-01-01"})


def test_nullable_is_null_and_omittable_is_absent() -> None:
    doc = _json()
    assert doc["note"] is None
    assert "due" not in doc
    assert _json(due="2024-02-01")["due"] == "2024-02-01T00:00:00"
    # exclude_none=False does not bring them back, and the python dump agrees
    sample = Sample.model_validate({"amount": 1, "when": "2024-01-01"})
    assert "due" not in sample.model_dump(exclude_none=False)


def test_required_refs_need_a_non_empty_id() -> None:
    with pytest.raises(ValidationError):
        CustomerRef(id="")
    with pytest.raises(ValidationError):
        CustomerRef.model_validate({"companyName": "Acme"})


def test_unknown_keys_are_ignored_like_codat_does() -> None:
    ref = CustomerRef.model_validate({"id": "c1", "customerName": "Acme"})
    assert ref.model_dump(mode="json") == {"id": "c1", "companyName": None}


def test_non_empty_str_type() -> None:
    class Ref(CodatModel):
        id: NonEmptyStr

    assert Ref(id="x").id == "x"


def test_structure_check_notices_mistakes() -> None:
    """The field-by-field comparison used by test_structure is not vacuous."""

    class WrongRef(CodatModel):
        id: str | None = None  # Codat: required, non-empty, not null
        companyname: str | None = None  # misspelt

    problems = _compare(WrongRef, flatten(resolve("Customer/definitions/customerRef")), "x", set())
    assert any("not in Codat's schema" in p for p in problems)
    assert any("not modelled" in p for p in problems)
    assert any("required" in p for p in problems)
