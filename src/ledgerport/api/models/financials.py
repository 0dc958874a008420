"""Codat's financial statement and validation-result shapes, for /openapi.json."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class ReportLine(BaseModel):
    accountId: str | None = None
    name: str | None = None
    value: float
    items: list[ReportLine] | None = None


class BalanceSheetReport(BaseModel):
    date: str | None = None
    assets: ReportLine | None = None
    liabilities: ReportLine | None = None
    equity: ReportLine | None = None
    netAssets: float


class BalanceSheet(BaseModel):
    currency: str
    reports: list[BalanceSheetReport]
    mostRecentAvailableMonth: str | None = None
    earliestAvailableMonth: str | None = None


ReportBasis = Literal["Unknown", "Accrual", "Cash"]


class ProfitAndLossPeriod(BaseModel):
    fromDate: str | None = None
    toDate: str | None = None
    income: ReportLine | None = None
    costOfSales: ReportLine | None = None
    grossProfit: float
    expenses: ReportLine | None = None
    netOperatingProfit: float
    otherExpenses: ReportLine | None = None
    otherIncome: ReportLine | None = None
    netOtherIncome: float
    netProfit: float


class ProfitAndLossReport(BaseModel):
    reports: list[ProfitAndLossPeriod]
    reportBasis: ReportBasis
    currency: str
    mostRecentAvailableMonth: str | None = None
    earliestAvailableMonth: str | None = None


class CashFlowStatementPeriod(BaseModel):
    fromDate: str | None = None
    toDate: str | None = None
    cashReceipts: ReportLine | None = None
    cashPayments: ReportLine | None = None


class CashFlowStatement(BaseModel):
    reports: list[CashFlowStatementPeriod]
    reportBasis: ReportBasis
    reportInput: Literal["Unknown", "Indirect", "Direct"]
    currency: str
    mostRecentAvailableMonth: str | None = None
    earliestAvailableMonth: str | None = None


class ValidationResultItem(BaseModel):
    ruleId: str | None = None
    itemId: str | None = None
    message: str | None = None
    validatorName: str | None = None


class ValidationResult(BaseModel):
    errors: list[ValidationResultItem] = []
    warnings: list[ValidationResultItem] = []
