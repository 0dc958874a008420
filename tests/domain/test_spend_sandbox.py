"""The spend analysis of the generated sandbox company (about 1,200 bills), pulled for
real, checked against the plain reference computation, and timed."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ledgerport.domain.enums import DataType
from ledgerport.domain.spend import SpendOptions, analyse_spend
from ledgerport.services import Services
from ledgerport.storage.types import utcnow
from ledgerport.sync.reports import READS, load_inputs
from tests.domain.test_spend import compare_with_reference
from tests.factories.sandbox import linked_sandbox, pull

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_sandbox_company_agrees_with_the_reference(services: Services) -> None:
    company = linked_sandbox(services)
    pull(services, company, *READS)
    with services.sessions() as session:
        spend_inputs, missing = load_inputs(session, company.id)
    assert missing == []
    today = utcnow().date()
    started = time.perf_counter()
    report = analyse_spend(spend_inputs, SpendOptions(today=today))
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"analysis took {elapsed:.2f}s"
    assert report["spend"]["billsCount"] > 300  # a year of the sandbox's bills
    assert report["supplierAnalysis"]
    data: dict[str, Any] = {
        "bills": list(spend_inputs.bills),
        "billPayments": list(spend_inputs.bill_payments),
        "accounts": list(spend_inputs.accounts),
    }
    compare_with_reference(data, report, today)
    # Every bill line is on an expense account of the chart: nothing is uncategorised.
    assert None not in {a["accountId"] for a in report["categories"]["byAccount"]}
    assert sum(a["amount"] for a in report["categories"]["byAccount"]) == pytest.approx(
        report["spend"]["billedAmount"], abs=0.05
    )
    assert DataType.BILLS.value not in missing
