"""QuickBooks Online mappings against golden files (``tests/golden/qbo/*.json``).

Each file holds one case: QBO input (Intuit's documented examples, and constructed
cases for deleted, inactive, multi-currency...), what the mapping must produce, and a
note saying what it shows. ``read_*`` cases run a stream's ``to_standard`` and must be
Codat's schema; ``push_*`` cases build the QBO body of a write.

To regenerate the expected outputs after a deliberate mapping change, run
``LEDGERPORT_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/connectors/test_qbo_mapping.py``
and review the diff of ``tests/golden/qbo/`` before committing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from ledgerport.connectors.quickbooks_online.mapping import (
    push_documents,
    push_lists,
    push_payments,
)
from ledgerport.connectors.quickbooks_online.streams import MAPPERS, READS
from ledgerport.connectors.quickbooks_online.writer import WRITTEN
from ledgerport.domain.enums import DataType
from tests.conformance.codat_schema import errors

GOLDEN = Path(__file__).parent.parent / "golden" / "qbo"
REGENERATE = os.environ.get("LEDGERPORT_REGENERATE_GOLDEN") == "1"
CASES = sorted(GOLDEN.glob("*.json"))

SCHEMAS = {
    DataType.COMPANY: "CompanyDataset",
    DataType.CHART_OF_ACCOUNTS: "Account",
    DataType.BANK_ACCOUNTS: "BankAccount",
    DataType.TAX_RATES: "TaxRate",
    DataType.TRACKING_CATEGORIES: "TrackingCategory",
    DataType.ITEMS: "Item",
    DataType.CUSTOMERS: "Customer",
    DataType.SUPPLIERS: "Supplier",
    DataType.INVOICES: "Invoice",
    DataType.CREDIT_NOTES: "CreditNote",
    DataType.PAYMENTS: "Payment",
    DataType.BILLS: "Bill",
    DataType.BILL_CREDIT_NOTES: "BillCreditNote",
    DataType.BILL_PAYMENTS: "BillPayment",
    DataType.JOURNAL_ENTRIES: "JournalEntry",
}

PUSH: dict[DataType, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    DataType.INVOICES: push_documents.invoice,
    DataType.CREDIT_NOTES: push_documents.credit_note,
    DataType.BILLS: push_documents.bill,
    DataType.BILL_CREDIT_NOTES: push_documents.bill_credit_note,
    DataType.PAYMENTS: push_payments.payment,
    DataType.CUSTOMERS: push_lists.customer,
    DataType.SUPPLIERS: push_lists.supplier,
    DataType.CHART_OF_ACCOUNTS: push_lists.account,
}


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text())
    return case


def _run(case: Mapping[str, Any]) -> Any:
    data_type = DataType(case["dataType"])
    if case["kind"] == "read":
        output: Any = MAPPERS[data_type](case["input"])
    elif data_type is DataType.BILL_PAYMENTS:
        output = push_payments.bill_payment(case["input"], credit_card=case["creditCard"])
    else:
        output = PUSH[data_type](case["input"])
    return json.loads(json.dumps(output, default=str))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_mapping_matches_its_golden_file(path: Path) -> None:
    case = _load(path)
    got = _run(case)
    if REGENERATE:
        case["expected"] = got
        path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")
    assert case["expected"] is not None, f"{path.name}: run with LEDGERPORT_REGENERATE_GOLDEN=1"
    assert got == case["expected"]


READ_CASES = [p for p in CASES if _load(p)["kind"] == "read"]


@pytest.mark.parametrize("path", READ_CASES, ids=[p.stem for p in READ_CASES])
def test_read_output_is_codats(path: Path) -> None:
    case = _load(path)
    output = case["expected"]
    if output.get("metadata", {}).get("isDeleted"):
        # QBO's CDC says only that it is gone: the marker carries nothing else.
        assert set(output) <= {"id", "metadata", "sourceModifiedDate"}
        return
    assert errors(output, SCHEMAS[DataType(case["dataType"])], spec="accounting") == []


def test_every_data_type_read_and_written_has_golden_cases() -> None:
    cases = [_load(path) for path in CASES]
    read = {DataType(c["dataType"]) for c in cases if c["kind"] == "read"}
    pushed = {DataType(c["dataType"]) for c in cases if c["kind"] == "push"}
    assert read == {stream.data_type for stream in READS}
    assert pushed == set(WRITTEN)
    assert all(c["note"] for c in cases)
