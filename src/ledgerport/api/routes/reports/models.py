"""Response models of the Spend Insights API, as Codat's spec names them (for the
OpenAPI document; routes return JSON built from the stored report)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ledgerport.api.models.common import PagingInfo

ReportStatus = Literal["InProgress", "Complete", "Error"]
ReportType = Literal["categorizedBankStatement", "creditModel", "spendAnalysis"]
MethodType = Literal["Unknown", "Cash", "Check", "CreditCard", "DebitCard", "BankTransfer", "Other"]


class ReportOperation(BaseModel):
    id: str
    status: ReportStatus
    type: ReportType
    requestedDate: str
    updatedDate: str
    errorMessage: str | None = None


class Reports(PagingInfo):
    results: list[ReportOperation]


class Address(BaseModel):
    type: Literal["Unknown", "Billing", "Delivery"]
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postalCode: str | None = None


class _Figures(BaseModel):
    billsCount: int
    billsOutstandingCount: int
    billsAmount: float
    billsOutstandingAmount: float
    billsOutstandingPercentageByAmount: float
    paymentsCount: int
    billsPaidLateCount: int
    paymentsAmount: float
    averagePaymentAmount: float
    billsPaidLateAmount: float
    billsPaidLatePercentageByAmount: float
    averageBillPaymentTermsWeighted: float
    averageBillSettlementPeriodWeighted: float
    directCostsCount: int
    directCostsAmount: float


class Supplier(_Figures):
    supplierId: str
    supplierName: str
    phoneNumber: str | None = None
    contactName: str | None = None
    emailAddress: str | None = None
    taxNumber: str | None = None
    addresses: list[Address] = []
    importedDate: str | None = None
    latestBilled: str | None = None
    biggestCountPaymentMethod: str
    biggestSpendPaymentMethod: str
    commonPaymentTermsDays: int | None = None
    latestDirectCostBilled: str | None = None


class PaymentMethodSummary(_Figures):
    biggestCountPaymentMethod: MethodType
    suppliersCount: int
    percentageSuppliersByCount: float
    percentageBillsByCount: float
    percentageBillsByAmount: float
    directCostsPercentageByCount: float
    directCostsPercentageByAmount: float


class SupplierAnalysis(PagingInfo):
    results: list[Supplier]


class PaymentMethodAnalysis(PagingInfo):
    results: list[PaymentMethodSummary]
