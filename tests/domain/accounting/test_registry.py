"""The data type registry and the query paths derived from the models."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from ledgerport.domain.accounting import (
    Account,
    Bill,
    CompanyInfo,
    Invoice,
    JournalEntry,
    Transfer,
)
from ledgerport.domain.accounting.registry import MODELS, URL_SEGMENTS, queryable_paths
from ledgerport.domain.enums import DataType

RECORD_TYPES = set(DataType) - {
    DataType.ACCOUNT_TRANSACTIONS,
    DataType.BALANCE_SHEET,
    DataType.CASH_FLOW_STATEMENT,
    DataType.ITEM_RECEIPTS,
    DataType.PROFIT_AND_LOSS,
}


def test_every_record_data_type_has_a_model_and_url() -> None:
    assert set(MODELS) == RECORD_TYPES
    assert set(URL_SEGMENTS) == RECORD_TYPES
    assert MODELS[DataType.CHART_OF_ACCOUNTS] is Account
    assert MODELS[DataType.COMPANY] is CompanyInfo


def test_url_segments_follow_codat_paths() -> None:
    assert URL_SEGMENTS[DataType.CHART_OF_ACCOUNTS] == "accounts"
    assert URL_SEGMENTS[DataType.COMPANY] == "info"
    others = {dt: seg for dt, seg in URL_SEGMENTS.items() if dt not in _RENAMED}
    assert all(seg == dt.value for dt, seg in others.items())


_RENAMED = {DataType.CHART_OF_ACCOUNTS, DataType.COMPANY}


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        MODELS[DataType.INVOICES] = Bill  # type: ignore[index]


def test_invoice_query_paths() -> None:
    paths = queryable_paths(Invoice)
    assert paths["customerRef.companyName"] == "string"
    assert paths["customerRef.id"] == "string"
    assert paths["totalAmount"] == "number"
    assert paths["amountDue"] == "number"
    assert paths["currencyRate"] == "number"
    assert paths["issueDate"] == "datetime"
    assert paths["modifiedDate"] == "datetime"
    assert paths["metadata.isDeleted"] == "boolean"
    assert paths["status"] == "string"
    assert paths["id"] == "string"


def test_paths_never_enter_lists_or_free_form_objects() -> None:
    for model in MODELS.values():
        for path in queryable_paths(model):
            assert not path.startswith(("lineItems", "paymentAllocations", "salesOrderRefs"))
            assert not path.startswith(("withholdingTax", "lines", "addresses", "journalLines"))
            assert not path.startswith("supplementalData"), path
    assert "lineItems.unitAmount" not in queryable_paths(Invoice)


def test_nested_refs_and_aliases() -> None:
    transfer = queryable_paths(Transfer)
    assert transfer["from.amount"] == "number"
    assert transfer["from.accountRef.id"] == "string"
    assert transfer["to.currency"] == "string"
    assert not any(path.startswith("from_") for path in transfer)
    assert queryable_paths(JournalEntry)["journalRef.name"] == "string"
    assert queryable_paths(Account)["isBankAccount"] == "boolean"
    assert queryable_paths(Bill)["supplierRef.supplierName"] == "string"


def test_company_info_paths() -> None:
    paths = queryable_paths(CompanyInfo)
    assert paths["companyName"] == "string"
    assert paths["ledgerLockDate"] == "datetime"
    assert "sourceUrls" not in paths
    assert "addresses" not in paths


@pytest.mark.parametrize("model", list(MODELS.values()), ids=lambda m: m.__name__)
def test_every_top_level_scalar_is_queryable(model: type[BaseModel]) -> None:
    paths = queryable_paths(model)
    doc = model.model_json_schema(by_alias=True, mode="serialization")
    scalars = {
        name
        for name, prop in doc["properties"].items()
        if not any(k in str(prop) for k in ("'array'", "'object'", "$ref"))
    }
    assert scalars <= set(paths)


def test_result_is_a_fresh_dict() -> None:
    queryable_paths(Invoice)["bogus"] = "string"
    assert "bogus" not in queryable_paths(Invoice)
