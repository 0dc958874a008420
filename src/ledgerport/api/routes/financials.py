"""Financial statements drawn from the company's ledger: balance sheet, profit and
loss, and cash flow statement, in Codat's shapes, computed on request from the chart of
accounts and journal entries in the records store (so they are as fresh as the last
pull of those two types, and need nothing pulled besides them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.financials import BalanceSheet, CashFlowStatement, ProfitAndLossReport
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.domain.enums import DataType
from ledgerport.domain.reports import (
    Ledger,
    ReportRequest,
    ReportRequestError,
    StatementOptions,
    balance_sheet,
    cash_flow_statement,
    parse_start_month,
    profit_and_loss,
)
from ledgerport.domain.reports.periods import MAX_PERIOD_LENGTH, MAX_PERIODS_TO_COMPARE
from ledgerport.errors import BadRequestError, ConflictError
from ledgerport.services import Services
from ledgerport.storage.repositories import ledger as ledger_repo
from ledgerport.storage.repositories import records
from ledgerport.storage.types import utcnow

router = APIRouter(tags=["Financials"], responses=ERROR_RESPONSES)

Statement = Callable[[Ledger, ReportRequest, StatementOptions], dict[str, Any]]

PeriodLength = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_PERIOD_LENGTH,
        description="Number of months in each period.",
    ),
]
PeriodsToCompare = Annotated[
    int,
    Query(ge=1, le=MAX_PERIODS_TO_COMPARE, description="Number of periods to report."),
]
StartMonth = Annotated[
    str | None,
    Query(
        description=(
            "The month the first (most recent) period ends with; earlier periods follow. "
            "Defaults to the most recent month with journal entries."
        ),
    ),
]


def _report_request(
    periodLength: PeriodLength,
    periodsToCompare: PeriodsToCompare,
    startMonth: StartMonth = None,
) -> ReportRequest:
    """The three statements' shared parameters, checked before anything is read (a bad
    ``startMonth`` is a 400 even for an unknown company)."""
    try:
        return ReportRequest(
            periodLength,
            periodsToCompare,
            parse_start_month(startMonth) if startMonth else None,
        )
    except ReportRequestError as invalid:
        raise BadRequestError(str(invalid)) from None


ReportRequestDep = Annotated[ReportRequest, Depends(_report_request)]


def _report(
    statement: Statement, services: Services, company_id: str, request: ReportRequest
) -> Response:
    with services.sessions() as session:
        company = load_company(session, company_id)
        for data_type in (DataType.CHART_OF_ACCOUNTS, DataType.JOURNAL_ENTRIES):
            if not records.has_dataset(session, company.id, data_type.value):
                raise ConflictError(
                    f"The data set has not been requested: financial statements are drawn "
                    f"from the ledger, and {data_type.value} has not been pulled for this "
                    "company yet. Queue a refresh of chartOfAccounts and journalEntries."
                )
        ledger = ledger_repo.load_ledger(session, company.id)
        options = ledger_repo.statement_options(session, company.id, utcnow().date())
    return JSONBytes(statement(ledger, request, options))


@router.get(
    "/companies/{companyId}/data/financials/balanceSheet",
    response_model=BalanceSheet,
    response_class=JSONBytes,
    operation_id="get-balance-sheet",
    summary="Get balance sheet",
)
def get_balance_sheet(companyId: str, services: ServicesDep, request: ReportRequestDep) -> Response:
    """Assets, liabilities and equity at the end of each period; equity includes the
    profit not yet closed to it, so net assets equal equity."""
    return _report(balance_sheet, services, companyId, request)


@router.get(
    "/companies/{companyId}/data/financials/profitAndLoss",
    response_model=ProfitAndLossReport,
    response_class=JSONBytes,
    operation_id="get-profit-and-loss",
    summary="Get profit and loss",
)
def get_profit_and_loss(
    companyId: str, services: ServicesDep, request: ReportRequestDep
) -> Response:
    """Income and expenses within each period, on the accrual basis."""
    return _report(profit_and_loss, services, companyId, request)


@router.get(
    "/companies/{companyId}/data/financials/cashFlowStatement",
    response_model=CashFlowStatement,
    response_class=JSONBytes,
    operation_id="get-cash-flow-statement",
    summary="Get cash flow statement",
)
def get_cash_flow_statement(
    companyId: str, services: ServicesDep, request: ReportRequestDep
) -> Response:
    """Cash received and paid in each period (direct method): every bank-account
    movement, attributed to the accounts on the other side of its journal entry."""
    return _report(cash_flow_statement, services, companyId, request)
