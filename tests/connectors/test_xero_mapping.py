"""The Xero mappings against golden files: Xero records (the spec's examples and cases
built from the spec: statuses, deleted, archived, multi-currency) and what they read
as; standard records and what Xero is sent. Every record read must also be Codat's,
by Codat's published schemas.

To regenerate after a deliberate mapping change, run with LEDGERPORT_REGENERATE_GOLDEN=1
and review the diff of tests/golden/xero/ before committing it.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ledgerport.connectors.xero import CONNECTOR
from ledgerport.connectors.xero.mapping.lines import Lookups, UnwritableError
from ledgerport.connectors.xero.writer import TARGETS
from ledgerport.domain.enums import DataType
from tests.conformance.codat_schema import errors
from tests.connectors.test_sandbox_books import SCHEMAS as SANDBOX_SCHEMAS

GOLDEN = Path(__file__).parents[1] / "golden" / "xero"
REGENERATE = os.environ.get("LEDGERPORT_REGENERATE_GOLDEN") == "1"
SCHEMAS = {**SANDBOX_SCHEMAS, DataType.DIRECT_INCOMES: "DirectIncome"}
READ_TYPES = sorted(s.data_type for s in CONNECTOR.reads)
WRITE_TYPES = sorted(TARGETS)


def _json(value: Any) -> Any:
    """What a mapping returns, as the JSON it becomes on the wire."""

    def number(item: Any) -> Any:
        if isinstance(item, Decimal):
            return int(item) if item == item.to_integral_value() else float(item)
        raise TypeError(type(item).__name__)

    return json.loads(json.dumps(value, default=number))


def _load(kind: str, data_type: DataType) -> tuple[Path, dict[str, Any]]:
    path = GOLDEN / kind / f"{data_type.value}.json"
    return path, json.loads(path.read_text())


def _save(path: Path, golden: dict[str, Any]) -> None:
    path.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n")


def test_every_read_and_written_type_has_a_golden_file() -> None:
    assert {p.stem for p in (GOLDEN / "read").glob("*.json")} == {t.value for t in READ_TYPES}
    assert {p.stem for p in (GOLDEN / "write").glob("*.json")} == {t.value for t in WRITE_TYPES}


@pytest.mark.parametrize("data_type", READ_TYPES, ids=lambda t: t.value)
def test_xero_records_read_as_the_golden_standard_records(data_type: DataType) -> None:
    stream = CONNECTOR.stream(data_type)
    assert stream is not None
    path, golden = _load("read", data_type)
    assert golden["cases"], "a golden file with no case tests nothing"
    for case in golden["cases"]:
        got = _json(stream.to_standard(case["xero"]))
        if REGENERATE:
            case["expected"] = got
        else:
            assert got == case["expected"], case["name"]
        schema_errors = errors(
            {k: v for k, v in got.items() if k != "id"} if data_type is DataType.COMPANY else got,
            SCHEMAS[data_type],
            spec="accounting",
        )
        assert schema_errors == [], (case["name"], schema_errors)
    if REGENERATE:
        _save(path, golden)


@pytest.mark.parametrize("data_type", WRITE_TYPES, ids=lambda t: t.value)
def test_standard_records_are_sent_to_xero_as_the_golden_elements(data_type: DataType) -> None:
    path, golden = _load("write", data_type)
    raw = golden["lookups"]
    lookups = Lookups(
        raw["account_codes"],
        raw["item_codes"],
        {k: (v[0], v[1]) for k, v in raw["tracking_options"].items()},
    )
    for case in golden["cases"]:
        try:
            got: Any = _json(TARGETS[data_type].to_xero(case["record"], lookups))
        except UnwritableError as refused:
            got = {"refused": [refused.path, refused.message]}
        if REGENERATE:
            case["expected"] = got
        else:
            assert got == case["expected"], case["name"]
    if REGENERATE:
        _save(path, golden)


@pytest.mark.parametrize("data_type", WRITE_TYPES, ids=lambda t: t.value)
def test_what_is_written_reads_back_as_written(data_type: DataType) -> None:
    """A written element, as Xero would answer it (ids and totals aside), reads back
    with the fields the client sent."""
    _, golden = _load("write", data_type)
    target = TARGETS[data_type]
    for case in golden["cases"]:
        sent = case["expected"]
        if "refused" in sent:
            continue
        answered = {**sent, target.id_key: "new-id", "Status": sent.get("Status", "ACTIVE")}
        back = _json(target.to_standard(answered))
        assert back["id"] == "new-id"
        for key in ("invoiceNumber", "reference", "customerName", "supplierName", "accountName"):
            if key in case["record"]:
                assert back[key] == case["record"][key], (case["name"], key)
        # A rate of 1 is not sent (the base currency's); Xero's day rate reads back.
        if case["record"].get("currencyRate", 1) != 1 and data_type is not DataType.PAYMENTS:
            assert back["currencyRate"] == case["record"]["currencyRate"], case["name"]
