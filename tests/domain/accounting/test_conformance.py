"""Our JSON is Codat's JSON: every data type, fully populated and with every optional
field left empty, validates against its schema in Codat's accounting spec."""

from __future__ import annotations

import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from ledgerport.domain.accounting.registry import MODELS
from ledgerport.domain.enums import DataType
from tests.conformance.codat_schema import errors
from tests.domain.accounting import factories as ar
from tests.domain.accounting import factories_payables as ap
from tests.domain.accounting.spec import SCHEMAS, flatten, resolve

FACTORIES: dict[DataType, Callable[[], BaseModel]] = {
    DataType.CHART_OF_ACCOUNTS: ar.account,
    DataType.BANK_ACCOUNTS: ar.bank_account,
    DataType.BANK_TRANSACTIONS: ar.bank_transaction,
    DataType.BILLS: ap.bill,
    DataType.BILL_CREDIT_NOTES: ap.bill_credit_note,
    DataType.BILL_PAYMENTS: ap.bill_payment,
    DataType.COMPANY: ap.company_info,
    DataType.CREDIT_NOTES: ar.credit_note,
    DataType.CUSTOMERS: ar.customer,
    DataType.DIRECT_COSTS: ap.direct_cost,
    DataType.DIRECT_INCOMES: ap.direct_income,
    DataType.INVOICES: ar.invoice,
    DataType.ITEMS: ap.item,
    DataType.JOURNAL_ENTRIES: ap.journal_entry,
    DataType.JOURNALS: ap.journal,
    DataType.PAYMENT_METHODS: ap.payment_method,
    DataType.PAYMENTS: ar.payment,
    DataType.PURCHASE_ORDERS: ap.purchase_order,
    DataType.SALES_ORDERS: ar.sales_order,
    DataType.SUPPLIERS: ap.supplier,
    DataType.TAX_RATES: ap.tax_rate,
    DataType.TRACKING_CATEGORIES: ap.tracking_category,
    DataType.TRANSFERS: ap.transfer,
}
CASES = [(SCHEMAS[dt], FACTORIES[dt]) for dt in MODELS] + [("Attachment", ap.attachment)]
IDS = [schema.split("/")[0] for schema, _ in CASES]


def _dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=False)


def _unset(model: BaseModel, path: str = "") -> list[str]:
    """Fields left at their default anywhere in the tree (so not exercised)."""
    missing = [
        f"{path}{name}" for name in type(model).model_fields if name not in model.model_fields_set
    ]
    for name in model.model_fields_set:
        value = getattr(model, name)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, BaseModel):
                missing += _unset(child, f"{path}{name}.")
    return missing


def _emptied(model: BaseModel) -> BaseModel:
    """A copy with every optional field None, recursively: the sparsest valid record."""
    values: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        if not info.is_required():
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            value = _emptied(value)
        elif isinstance(value, list):
            value = [_emptied(v) if isinstance(v, BaseModel) else v for v in value]
        values[name] = value
    return type(model).model_validate(values)


def test_every_data_type_has_a_factory() -> None:
    assert set(FACTORIES) == set(MODELS)


@pytest.mark.parametrize(("schema", "factory"), CASES, ids=IDS)
def test_factories_fill_every_field(schema: str, factory: Callable[[], BaseModel]) -> None:
    # Explicit Nones count as set; the point is that no field is forgotten (or misspelt,
    # which extra="ignore" would otherwise swallow).
    assert _unset(factory()) == []


@pytest.mark.parametrize(("schema", "factory"), CASES, ids=IDS)
def test_full_record_validates_against_codat_schema(
    schema: str, factory: Callable[[], BaseModel]
) -> None:
    assert errors(_dump(factory()), schema, spec="accounting") == []


@pytest.mark.parametrize(("schema", "factory"), CASES, ids=IDS)
def test_sparsest_record_validates_against_codat_schema(
    schema: str, factory: Callable[[], BaseModel]
) -> None:
    doc = _dump(_emptied(factory()))
    assert errors(doc, schema, spec="accounting") == []
    assert flatten(resolve(schema)).required <= set(doc)


@pytest.mark.parametrize(("schema", "factory"), CASES, ids=IDS)
def test_round_trip(schema: str, factory: Callable[[], BaseModel]) -> None:
    record = factory()
    assert type(record).model_validate(_dump(record)) == record
    assert type(record).model_validate_json(record.model_dump_json()) == record


def _leaves(doc: Any, path: str = "") -> typing.Iterator[tuple[str, Any]]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(doc, list):
        for value in doc:
            yield from _leaves(value, f"{path}[]")
    else:
        yield path, doc


def test_invoice_wire_format() -> None:
    doc = _dump(ar.invoice())
    assert doc["status"] == "PartiallyPaid"
    assert doc["customerRef"] == {"id": "cust-1", "companyName": "Acme Trading Ltd"}
    assert doc["issueDate"] == "2024-06-01T00:00:00"  # business date: local, no zone
    assert doc["modifiedDate"] == "2024-06-03T09:30:00Z"  # our timestamp: UTC
    assert doc["sourceModifiedDate"] == "2024-06-02T17:05:12"
    assert doc["totalAmount"] == 120
    assert isinstance(doc["totalAmount"], int)
    assert doc["lineItems"][0]["unitAmount"] == 12.5
    assert doc["lineItems"][0]["tracking"]["isBilledTo"] == "Project"
    assert doc["metadata"] == {"isDeleted": False}
    assert doc["paymentAllocations"][0]["payment"]["paidOnDate"] == "2024-06-10T00:00:00"


@pytest.mark.parametrize(("schema", "factory"), CASES, ids=IDS)
def test_no_strings_for_numbers_or_enum_members(
    schema: str, factory: Callable[[], BaseModel]
) -> None:
    """Every leaf of the JSON is a plain JSON scalar: no Decimal strings, no enum reprs."""
    for path, value in _leaves(_dump(factory())):
        assert value is None or type(value) in (str, int, float, bool), path
        assert not (isinstance(value, str) and value.startswith(("Decimal", "<"))), path
        if isinstance(value, str) and path.rsplit(".", 1)[-1] in {"totalAmount", "amount"}:
            pytest.fail(f"{path} is a string")


def test_nullable_and_omitted_optionals() -> None:
    doc = _dump(_emptied(ar.invoice()))
    assert doc["amountDue"] == 50  # required: always present
    assert doc["note"] is None  # nullable: null
    assert doc["invoiceNumber"] is None
    for absent in ("dueDate", "currency", "customerRef", "metadata", "id", "modifiedDate"):
        assert absent not in doc  # optional but not nullable: left out


def test_transfer_from_is_written_as_from() -> None:
    doc = _dump(ap.transfer())
    assert "from" in doc
    assert "from_" not in doc
    assert ap.transfer().model_dump(mode="json")["from"]["amount"] == 1000
    assert type(ap.transfer()).model_validate(doc).from_ == ap.transfer().from_


def test_money_keeps_precision_through_json() -> None:
    record = ar.invoice().model_copy(update={"totalAmount": Decimal("1234567.89")})
    assert record.model_dump_json().count("1234567.89") == 1
    assert _dump(record)["totalAmount"] == 1234567.89
    big = ar.invoice().model_copy(update={"totalAmount": Decimal("123456789012345678")})
    assert _dump(big)["totalAmount"] == 123456789012345678
