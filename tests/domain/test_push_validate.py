"""``domain.push.validate``: a record against a hand-built create model. One message per
broken field, addressed by Codat's ``itemId`` path (dots, ``[n]`` for array elements)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ledgerport.domain.push import (
    VALIDATOR,
    PushOption,
    PushOptionChoice,
    PushOptionType,
    parse_date,
    validate,
)

T = PushOptionType


def node(kind: PushOptionType, required: bool = False, **extra: Any) -> PushOption:
    return PushOption(type=kind, displayName=kind.value, required=required, **extra)


def obj(properties: dict[str, PushOption], required: bool = False) -> PushOption:
    return node(T.OBJECT, required, properties=properties)


def arr(item: PushOption, required: bool = False, **extra: Any) -> PushOption:
    # As Codat publishes models: an Array's properties are its elements' fields.
    return node(T.ARRAY, required, properties=item.properties, **extra)


def paths(record: Any, model: PushOption) -> list[str | None]:
    return [problem.item_id for problem in validate(record, model)]


def messages(record: Any, model: PushOption) -> list[str]:
    return [problem.message for problem in validate(record, model)]


# -- objects --------------------------------------------------------------------------


def test_a_conforming_record_has_no_problems() -> None:
    model = obj({"name": node(T.STRING, True), "amount": node(T.NUMBER)})
    assert validate({"name": "Acme", "amount": 12.5}, model) == []


def test_a_missing_required_field_is_reported_by_its_path() -> None:
    model = obj({"name": node(T.STRING, True), "note": node(T.STRING)})
    problems = validate({"note": "hi"}, model)
    assert [(p.item_id, p.message, p.validator_name) for p in problems] == [
        ("name", "name is required.", VALIDATOR)
    ]


def test_null_counts_as_missing() -> None:
    model = obj({"name": node(T.STRING, True), "note": node(T.STRING)})
    assert messages({"name": None, "note": None}, model) == ["name is required."]


def test_unknown_fields_are_ignored() -> None:
    """The SDKs send fields a create ignores (id, metadata, modifiedDate...)."""
    model = obj({"name": node(T.STRING, True)})
    record = {"name": "Acme", "id": "x", "metadata": {"isDeleted": False}, "extra": [1]}
    assert validate(record, model) == []


def test_an_object_field_that_is_not_an_object() -> None:
    model = obj({"supplierRef": obj({"id": node(T.STRING, True)}, required=True)})
    assert messages({"supplierRef": "sup-1"}, model) == ["supplierRef must be an object."]
    assert messages({"supplierRef": ["sup-1"]}, model) == ["supplierRef must be an object."]


def test_the_record_itself_must_be_an_object() -> None:
    model = PushOption(type=T.OBJECT, displayName="Bill", properties={})
    problems = validate(["not", "a", "bill"], model)
    assert [(p.item_id, p.message) for p in problems] == [(None, "Bill must be an object.")]


def test_an_optional_object_left_out_skips_its_required_children() -> None:
    model = obj({"taxRateRef": obj({"id": node(T.STRING, True)})})
    assert validate({}, model) == []
    assert paths({"taxRateRef": {}}, model) == ["taxRateRef.id"]


def test_a_required_object_given_empty_reports_its_children() -> None:
    model = obj({"supplierRef": obj({"id": node(T.STRING, True)}, required=True)})
    assert paths({}, model) == ["supplierRef"]
    assert paths({"supplierRef": {}}, model) == ["supplierRef.id"]


def test_every_problem_is_reported_not_just_the_first() -> None:
    model = obj(
        {
            "a": node(T.STRING, True),
            "b": node(T.NUMBER, True),
            "c": node(T.BOOLEAN),
            "d": node(T.DATE_TIME),
        }
    )
    record = {"c": "yes", "d": "soon"}
    assert paths(record, model) == ["a", "b", "c", "d"]


# -- arrays ---------------------------------------------------------------------------


def test_array_elements_are_checked_with_their_index() -> None:
    line = obj({"quantity": node(T.NUMBER, True), "description": node(T.STRING)})
    model = obj({"lineItems": arr(line, required=True)})
    record = {"lineItems": [{"quantity": 1}, {"description": "x"}, {"quantity": "two"}]}
    assert paths(record, model) == ["lineItems[1].quantity", "lineItems[2].quantity"]


def test_an_array_field_that_is_not_an_array() -> None:
    model = obj({"lineItems": arr(obj({}))})
    assert messages({"lineItems": {"quantity": 1}}, model) == ["lineItems must be an array."]
    assert messages({"lineItems": "[]"}, model) == ["lineItems must be an array."]


def test_a_required_array_must_not_be_empty() -> None:
    model = obj({"lineItems": arr(obj({}), required=True)})
    assert messages({"lineItems": []}, model) == ["lineItems needs at least one item."]
    assert messages({}, model) == ["lineItems is required."]
    assert validate({"lineItems": [{}]}, model) == []


def test_an_optional_array_may_be_empty() -> None:
    model = obj({"addresses": arr(obj({}))})
    assert validate({"addresses": []}, model) == []


def test_min_items() -> None:
    model = obj({"journalLines": arr(obj({}), required=True, minItems=2)})
    assert messages({"journalLines": [{}]}, model) == ["journalLines needs at least 2 item(s)."]
    assert messages({"journalLines": []}, model) == ["journalLines needs at least 2 item(s)."]
    assert validate({"journalLines": [{}, {}]}, model) == []


def test_max_items() -> None:
    model = obj({"refs": arr(node(T.STRING), maxItems=2)})
    assert messages({"refs": ["a", "b", "c"]}, model) == ["refs takes at most 2 items."]
    assert validate({"refs": ["a", "b"]}, model) == []


def test_an_array_without_an_item_model_accepts_any_elements() -> None:
    model = obj({"tags": node(T.ARRAY)})
    assert validate({"tags": [1, "x", None, {}]}, model) == []


def test_null_elements_of_an_array_of_required_objects() -> None:
    model = obj({"lines": arr(obj({"amount": node(T.NUMBER, True)}, required=True))})
    assert messages({"lines": [None]}, model) == ["lines[0] is required."]


def test_nested_paths_through_arrays_and_objects() -> None:
    link = obj({"type": node(T.STRING, True), "amount": node(T.NUMBER)})
    line = obj({"amount": node(T.NUMBER, True), "links": arr(link, required=True)})
    model = obj({"lines": arr(line, required=True)})
    record = {
        "lines": [
            {"amount": 60, "links": [{"type": "Bill", "amount": -60}]},
            {"amount": 5, "links": [{"type": "Bill"}, {"amount": "x"}]},
        ]
    }
    assert paths(record, model) == ["lines[1].links[1].type", "lines[1].links[1].amount"]


def test_deep_object_paths() -> None:
    model = obj({"from": obj({"accountRef": obj({"id": node(T.STRING, True)}, True)}, True)})
    assert paths({"from": {"accountRef": {"id": ""}}}, model) == ["from.accountRef.id"]
    assert paths({"from": {}}, model) == ["from.accountRef"]


# -- strings --------------------------------------------------------------------------


def test_a_string_must_be_a_string() -> None:
    model = obj({"name": node(T.STRING)})
    for value in (12, 1.5, True, ["a"], {"a": 1}):
        assert messages({"name": value}, model) == ["name must be a string."], value


def test_a_required_string_must_not_be_blank() -> None:
    model = obj({"name": node(T.STRING, True)})
    assert messages({"name": "   "}, model) == ["name is required and cannot be blank."]
    assert messages({"name": ""}, model) == ["name is required and cannot be blank."]


def test_an_optional_string_may_be_blank() -> None:
    model = obj({"note": node(T.STRING, maxLength=5)})
    assert validate({"note": ""}, model) == []


def test_max_length() -> None:
    model = obj({"reference": node(T.STRING, maxLength=5)})
    assert validate({"reference": "12345"}, model) == []
    assert messages({"reference": "123456"}, model) == ["reference is longer than 5 characters."]


def test_options() -> None:
    statuses = [PushOptionChoice(value=v) for v in ("Draft", "Open")]
    model = obj({"status": node(T.STRING, options=statuses)})
    assert validate({"status": "Open"}, model) == []
    assert messages({"status": "Paid"}, model) == [
        "status must be one of: Draft, Open (got 'Paid')."
    ]


def test_options_are_case_sensitive() -> None:
    model = obj({"status": node(T.STRING, options=[PushOptionChoice(value="Open")])})
    assert paths({"status": "open"}, model) == ["status"]


def test_a_long_option_list_is_shortened_in_the_message() -> None:
    ids = [PushOptionChoice(value=f"acc-{n}") for n in range(25)]
    model = obj({"id": node(T.STRING, options=ids)})
    (message,) = messages({"id": "acc-99"}, model)
    assert message.startswith("id must be one of: acc-0, acc-1,")
    assert "acc-9, ..." in message
    assert "acc-10" not in message
    assert message.endswith("(got 'acc-99').")


def test_a_blank_required_choice_gets_one_message() -> None:
    model = obj({"status": node(T.STRING, True, options=[PushOptionChoice(value="Open")])})
    assert messages({"status": " "}, model) == ["status is required and cannot be blank."]


def test_an_empty_option_list_allows_anything() -> None:
    model = obj({"id": node(T.STRING, options=[])})
    assert validate({"id": "whatever"}, model) == []


# -- numbers --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 12, -3, 12.5, 1e6, "12.50", "-0.01", " 7 ", "1E+2"])
def test_numbers_and_numeric_strings_are_numbers(value: Any) -> None:
    assert validate({"amount": value}, obj({"amount": node(T.NUMBER)})) == []


@pytest.mark.parametrize(
    "value", [True, False, "twelve", "", "12,50", "NaN", "Infinity", "-inf", float("nan"), [1], {}]
)
def test_what_is_not_a_number(value: Any) -> None:
    """Booleans are ints in Python and in some JSON libraries: not numbers here."""
    assert messages({"amount": value}, obj({"amount": node(T.NUMBER)})) == [
        "amount must be a number."
    ]


def test_infinity_as_a_float_is_not_a_number() -> None:
    assert paths({"amount": float("inf")}, obj({"amount": node(T.NUMBER)})) == ["amount"]


def test_minimum_is_inclusive() -> None:
    model = obj({"total": node(T.NUMBER, minimum=0)})
    assert validate({"total": 0}, model) == []
    assert validate({"total": "0.00"}, model) == []
    assert messages({"total": -0.01}, model) == ["total must be at least 0."]


def test_exclusive_minimum() -> None:
    model = obj({"quantity": node(T.NUMBER, True, exclusiveMinimum=0)})
    assert validate({"quantity": 0.001}, model) == []
    assert messages({"quantity": 0}, model) == ["quantity must be greater than 0."]
    assert messages({"quantity": "-1"}, model) == ["quantity must be greater than 0."]


def test_minimum_is_compared_exactly_not_as_a_float() -> None:
    """0.1 as a float is 0.1000000000000000055...: a limit of 0.1 must still admit 0.1."""
    model = obj({"rate": node(T.NUMBER, minimum=0.1)})
    assert validate({"rate": 0.1}, model) == []
    assert validate({"rate": "0.1"}, model) == []
    assert paths({"rate": "0.0999"}, model) == ["rate"]


def test_a_required_number_may_be_zero() -> None:
    assert validate({"amount": 0}, obj({"amount": node(T.NUMBER, True)})) == []


# -- booleans -------------------------------------------------------------------------


def test_booleans() -> None:
    model = obj({"isBankAccount": node(T.BOOLEAN)})
    assert validate({"isBankAccount": False}, model) == []
    for value in ("true", 1, 0, "false"):
        assert messages({"isBankAccount": value}, model) == [
            "isBankAccount must be true or false."
        ], value


# -- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2024-06-01T00:00:00",
        "2024-06-01",
        "2024-06-01T10:30",
        "2024-06-01T00:00:00Z",
        "2024-06-01T00:00:00.000Z",
        "2024-06-01T00:00:00.0000000Z",
        "2024-06-01T00:00:00+01:00",
        "2024-06-01T00:00:00-0500",
        "2024-06-01 09:15:00",
    ],
)
def test_dates_in_the_forms_codat_and_its_sdks_send(value: str) -> None:
    assert validate({"issueDate": value}, obj({"issueDate": node(T.DATE_TIME, True)})) == []
    assert parse_date(value) == date(2024, 6, 1)


@pytest.mark.parametrize(
    "value",
    ["2024-13-01", "2024-02-30", "01/06/2024", "20240601", "June 1st", "", "2024-06-01T25:00"],
)
def test_what_is_not_a_date(value: str) -> None:
    model = obj({"issueDate": node(T.DATE_TIME)})
    assert messages({"issueDate": value}, model) == [
        "issueDate must be a date such as 2024-06-01T00:00:00."
    ]
    assert parse_date(value) is None


def test_a_date_must_be_a_string() -> None:
    model = obj({"issueDate": node(T.DATE_TIME, True)})
    assert paths({"issueDate": 20240601}, model) == ["issueDate"]
    assert paths({"issueDate": None}, model) == ["issueDate"]


# -- other kinds ----------------------------------------------------------------------


def test_file_and_multipart_nodes_accept_anything() -> None:
    model = obj({"file": node(T.FILE), "parts": node(T.MULTI_PART)})
    assert validate({"file": b"%PDF", "parts": {"a": 1}}, model) == []


def test_a_bill_shaped_model_end_to_end() -> None:
    line = obj(
        {
            "unitAmount": node(T.NUMBER, True),
            "quantity": node(T.NUMBER, True, exclusiveMinimum=0),
            "accountRef": obj(
                {"id": node(T.STRING, True, options=[PushOptionChoice(value="acc-7100")])},
                required=True,
            ),
        }
    )
    model = obj(
        {
            "supplierRef": obj({"id": node(T.STRING, True)}, required=True),
            "issueDate": node(T.DATE_TIME, True),
            "lineItems": arr(line, required=True, minItems=1),
            "totalAmount": node(T.NUMBER, minimum=0),
        }
    )
    good = {
        "supplierRef": {"id": "sup-1"},
        "issueDate": "2024-06-01T00:00:00",
        "lineItems": [{"unitAmount": 100, "quantity": 1, "accountRef": {"id": "acc-7100"}}],
        "totalAmount": 120,
    }
    assert validate(good, model) == []
    bad = {
        "supplierRef": {"id": None},
        "issueDate": "yesterday",
        "lineItems": [{"unitAmount": "100", "quantity": 0, "accountRef": {"id": "acc-4000"}}],
        "totalAmount": -1,
    }
    assert paths(bad, model) == [
        "supplierRef.id",
        "issueDate",
        "lineItems[0].quantity",
        "lineItems[0].accountRef.id",
        "totalAmount",
    ]
