"""The official ``codat-sync-for-expenses`` 9.0.0 SDK, unchanged, against a live server:
partner expense connection, mapping options, configuration, three expense transactions
synced and followed to completion, their statuses, and the records written.

The accounting side is the scripted platform of ``tests/api/test_expenses.py`` (it
writes direct costs and direct incomes); the sandbox takes its place once its writer
is wired (see the report of the expenses work)."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from codat_sync_for_expenses import CodatSyncExpenses
from codat_sync_for_expenses.models import shared
from codat_sync_for_expenses.utils.retries import RetryConfig
from fastapi import FastAPI

from ledgerport.app import create_app
from ledgerport.connectors import partner_expense
from ledgerport.connectors.registry import ConnectorRegistry
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.sync.jobs import start_in_process
from tests.api.test_expenses import ACCOUNTING, BOOKS, REFERENCE
from tests.factories import platform
from tests.factories.records import pulled
from tests.live_server import serve


@pytest.fixture
def scripted(services: Services) -> Services:
    return dataclasses.replace(
        services, connectors=ConnectorRegistry([ACCOUNTING, partner_expense.CONNECTOR])
    )


@pytest.fixture
def live(scripted: Services) -> Iterator[tuple[str, FastAPI]]:
    app = create_app(services=scripted)
    consumer = start_in_process(app.state.queue, workers=1, periodic=False)
    try:
        with serve(app) as url:
            yield url, app
    finally:
        consumer.stop(graceful=True)


def _line(account: str) -> dict[str, Any]:
    return {
        "net_amount": 100.0,
        "tax_amount": 20.0,
        "account_ref": {"id": account},
        "tax_rate_ref": {"id": "tax-s"},
    }


def test_expenses_sdk_syncs_three_transactions(
    live: tuple[str, FastAPI], auth_header: str, scripted: Services
) -> None:
    base_url, _ = live
    company = platform.company(scripted, connections=(("tstx", ConnectionStatus.LINKED),))
    for data_type, documents in REFERENCE.items():
        pulled(scripted, company, data_type, documents)
    sdk = CodatSyncExpenses(
        security=shared.Security(auth_header=auth_header),
        server_url=base_url,
        retry_config=RetryConfig("none", None, False),
        timeout_ms=10_000,
    )
    cid = str(company.id)
    connection = sdk.connections.create_partner_expense_connection(request={"company_id": cid})
    assert connection.source_type == "Expense"
    assert connection.status == "Linked"

    options = sdk.mapping_options.get_mapping_options(request={"company_id": cid})
    assert options.accounts is not None
    valid = {
        a.id: [str(t.value) for t in a.valid_transaction_types or ()] for a in options.accounts
    }
    assert "Payment" in valid["acc-7500"]
    assert "Refund" in valid["acc-4900"]
    assert options.expense_provider == "Partner Expense"

    config = {"bank_account": {"id": "acc-1200"}, "supplier": {"id": "sup-0001"},
              "customer": {"id": "cus-0001"}}  # fmt: skip
    sdk.configuration.set(request={"company_id": cid, "company_configuration": config})
    assert sdk.configuration.get(request={"company_id": cid}).supplier.id == "sup-0001"

    ids = [str(uuid.uuid4()) for _ in range(3)]
    kinds = [("Payment", "acc-7500"), ("Refund", "acc-4900"), ("Reward", "acc-4900")]
    body = [
        {"id": i, "type": k, "issue_date": "2026-11-20T00:00:00", "currency": "GBP",
         "merchant_name": "Amazon UK", "lines": [_line(a)]}
        for i, (k, a) in zip(ids, kinds, strict=True)
    ]  # fmt: skip
    created = sdk.expenses.create(request={"company_id": cid, "request_body": body})
    sync_id = str(created.sync_id)

    for _ in range(200):
        status = sdk.sync.get(request={"company_id": cid, "sync_id": sync_id})
        if status.sync_status_code not in (1000, 1010):
            break
        time.sleep(0.05)
    assert (status.sync_status_code, status.data_pushed) == (2000, True)
    assert sdk.sync.get_latest_sync(request={"company_id": cid}).sync_id == sync_id
    assert sdk.sync.get_last_successful_sync(request={"company_id": cid}).sync_id == sync_id
    assert [s.sync_id for s in sdk.sync.list(request={"company_id": cid})] == [sync_id]

    page = sdk.transaction_status.list(request={"company_id": cid, "sync_id": sync_id})
    assert [(t.transaction_id, str(t.status.value)) for t in page.results or ()] == [
        (i, "Completed") for i in ids
    ]
    one = sdk.transaction_status.get(
        request={"company_id": cid, "sync_id": sync_id, "transaction_id": ids[0]}
    )
    assert one[0].message is not None
    assert "directCosts" in one[0].message
    totals = sorted(
        r["totalAmount"]
        for r in BOOKS.written.values()
        if r.get("issueDate") == "2026-11-20T00:00:00"
    )
    assert totals.count(120) >= 3
