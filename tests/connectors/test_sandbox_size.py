"""A sandbox connection can ask for another size (``connectionInfo.sandbox``): what
benchmarks use to link a 100,000-invoice company."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ledgerport.connectors.errors import FatalError
from ledgerport.connectors.paging import Page
from ledgerport.connectors.sandbox import CONNECTOR
from ledgerport.connectors.sandbox.books import AS_OF, books
from ledgerport.connectors.sandbox.reader import SandboxReader
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.spec import ReaderContext
from ledgerport.domain.enums import DataType
from tests.connectors.sandbox_checks import assert_books_balance, served

SMALL = {
    "customers": 12,
    "suppliers": 9,
    "invoices": 240,
    "bills": 130,
    "directCosts": 25,
    "historyDays": 400,
}


def _count(info: dict[str, Any], data_type: DataType) -> int:
    reader = SandboxReader(ReaderContext("company", "seed-s", info), clock=lambda: AS_OF)
    stream = CONNECTOR.stream(data_type)
    assert stream is not None
    total = 0
    params: dict[str, str] | None = stream.paginator.first()
    while params is not None:
        page = reader.fetch(stream, params, None)
        total += len(page.records)
        params = stream.paginator.next(params, Page(None, {}, len(page.records)))
    return total


def test_the_connection_chooses_the_size() -> None:
    info = {"sandbox": SMALL, "other": "ignored"}
    assert _count(info, DataType.CUSTOMERS) == 12
    assert _count(info, DataType.SUPPLIERS) == 9
    assert _count(info, DataType.INVOICES) == 240
    assert _count(info, DataType.BILLS) == 130
    assert _count(info, DataType.DIRECT_COSTS) == 25
    assert _count({}, DataType.INVOICES) == 1500
    assert _count({"sandbox": {"invoices": 150}}, DataType.INVOICES) == 150


def test_a_small_company_balances_and_keeps_trading() -> None:
    size = Size.from_connection_info({"sandbox": SMALL})
    first = books("seed-s", size)
    issued = sorted(i["issueDate"] for i in first.records(DataType.INVOICES))
    assert issued[0] >= "2025-09-26"  # 400 days of history
    assert_books_balance(served(first))
    later = books("seed-s", size, AS_OF + timedelta(days=90))
    assert len(later.rows(DataType.INVOICES)) > 240
    assert_books_balance(served(later))


@pytest.mark.parametrize(
    ("sandbox", "message"),
    [
        ({"invoice": 10}, "Unknown sandbox size key 'invoice'"),
        ({"invoices": -1}, "Sandbox invoices must be a whole number"),
        ({"customers": 0}, "Sandbox customers must be a whole number"),
        ({"customers": "50"}, "Sandbox customers must be a whole number"),
        ({"historyDays": True}, "Sandbox historyDays must be a whole number"),
        ([1, 2], "connectionInfo.sandbox must be an object"),
    ],
)
def test_a_bad_size_fails_the_pull_saying_why(sandbox: Any, message: str) -> None:
    reader = SandboxReader(ReaderContext("company", "seed-s", {"sandbox": sandbox}))
    stream = CONNECTOR.stream(DataType.INVOICES)
    assert stream is not None
    with pytest.raises(FatalError, match=message):
        reader.fetch(stream, stream.paginator.first(), None)
