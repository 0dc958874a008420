"""The financial statements over HTTP, on both backends: drawn from the stored ledger,
409 until the ledger was pulled, 400 with Codat's body for bad parameters."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import errors
from tests.factories import ledger as f
from tests.factories import platform
from tests.factories.records import pulled

STATEMENTS = ("balanceSheet", "profitAndLoss", "cashFlowStatement")
SCHEMAS = {
    "balanceSheet": "BalanceSheet",
    "profitAndLoss": "ProfitAndLossReport",
    "cashFlowStatement": "CashFlowStatement",
}


def store(services: Services, company: Any, data_type: str, docs: list[dict[str, Any]]) -> None:
    """What a completed pull leaves: the documents saved and the data set marked."""
    pulled(services, company, data_type, docs)


def company_with_ledger(services: Services, **info: Any) -> Any:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    store(services, company, "chartOfAccounts", f.chart())
    store(services, company, "journalEntries", f.trading_year())
    if info:
        store(services, company, "company", [{"id": "info", "companyName": "Acme", **info}])
    return company


def _get(client: TestClient, company: Any, statement: str, **params: Any) -> Any:
    return client.get(f"/companies/{company.id}/data/financials/{statement}", params=params)


def test_statements_from_the_stored_ledger(client: TestClient, services: Services) -> None:
    company = company_with_ledger(
        services, baseCurrency="GBP", financialYearStartDate="2023-01-01T00:00:00"
    )
    params = {"periodLength": 1, "periodsToCompare": 2, "startMonth": "2024-01-01T00:00:00"}
    bodies = {}
    for statement in STATEMENTS:
        response = _get(client, company, statement, **params)
        assert response.status_code == 200, response.text
        bodies[statement] = response.json()
        assert errors(bodies[statement], SCHEMAS[statement], spec="accounting") == []
        assert bodies[statement]["currency"] == "GBP"
        assert len(bodies[statement]["reports"]) == 2
    january = bodies["balanceSheet"]["reports"][0]
    assert january["date"] == "2024-01-31T00:00:00"
    assert (january["assets"]["value"], january["liabilities"]["value"]) == (12605, 2500)
    assert january["netAssets"] == january["equity"]["value"] == 10105
    assert bodies["profitAndLoss"]["reports"][0]["netProfit"] == -395
    assert bodies["profitAndLoss"]["reportBasis"] == "Accrual"
    cash = bodies["cashFlowStatement"]["reports"][0]
    assert (cash["cashReceipts"]["value"], cash["cashPayments"]["value"]) == (1210, 105)


def test_company_info_sets_the_financial_year(client: TestClient, services: Services) -> None:
    company = company_with_ledger(
        services, baseCurrency="EUR", financialYearStartDate="2023-04-01T00:00:00"
    )
    body = _get(client, company, "balanceSheet", periodLength=1, periodsToCompare=1).json()
    assert body["currency"] == "EUR"
    february = body["reports"][0]  # the default start: the latest month with entries
    assert february["date"] == "2024-02-29T00:00:00"
    earnings = {i["name"]: i["value"] for i in february["equity"]["items"]}
    # April 2023 to February 2024: 500 + (-395) + 500 (February's sale).
    assert earnings["Current Year Earnings"] == 605


def test_without_company_info_the_accounts_give_the_currency(
    client: TestClient, services: Services
) -> None:
    company = company_with_ledger(services)
    body = _get(client, company, "profitAndLoss", periodLength=3, periodsToCompare=1).json()
    assert body["currency"] == "GBP"
    assert body["reports"][0]["fromDate"] == "2023-12-01T00:00:00"


@pytest.mark.parametrize("statement", STATEMENTS)
def test_409_until_the_ledger_was_pulled(
    client: TestClient, services: Services, statement: str
) -> None:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    params = {"periodLength": 1, "periodsToCompare": 1}
    body = assert_codat_error(_get(client, company, statement, **params), 409)
    assert "chartOfAccounts" in body["error"]
    store(services, company, "chartOfAccounts", f.chart())
    body = assert_codat_error(_get(client, company, statement, **params), 409)
    assert "journalEntries" in body["error"]
    store(services, company, "journalEntries", [])
    assert _get(client, company, statement, **params).status_code == 200
    missing = type("Missing", (), {"id": uuid.uuid4()})()
    assert_codat_error(_get(client, missing, statement, **params), 404)


@pytest.mark.parametrize(
    "params",
    [
        {"periodsToCompare": 1},
        {"periodLength": 1},
        {"periodLength": 0, "periodsToCompare": 1},
        {"periodLength": 13, "periodsToCompare": 1},
        {"periodLength": "one", "periodsToCompare": 1},
        {"periodLength": 1, "periodsToCompare": 0},
        {"periodLength": 1, "periodsToCompare": 1, "startMonth": "last month"},
    ],
)
def test_bad_parameters_are_400(
    client: TestClient, services: Services, params: dict[str, Any]
) -> None:
    company = company_with_ledger(services)
    for statement in STATEMENTS:
        assert_codat_error(_get(client, company, statement, **params), 400)


def test_statements_need_an_api_key(app_client: TestClient, services: Services) -> None:
    company = company_with_ledger(services)
    response = _get(app_client, company, "balanceSheet", periodLength=1, periodsToCompare=1)
    assert_codat_error(response, 401)
