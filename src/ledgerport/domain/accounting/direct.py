"""Direct costs and direct incomes: money spent or received on the spot, with no bill or
invoice in between (a card purchase, a cash sale).

Unlike invoices and bills they require ``currency``, ``lineItems`` and
``paymentAllocations`` (the payment is part of the record), plus the three totals.
"""

from __future__ import annotations

from ledgerport.domain.accounting.allocations import PaymentAllocation
from ledgerport.domain.accounting.fields import DateTime, Money, Number, Omittable
from ledgerport.domain.accounting.lines import DirectCostLineItem, DirectIncomeLineItem
from ledgerport.domain.accounting.metadata import Record
from ledgerport.domain.accounting.refs import ContactRef


class DirectCost(Record):
    reference: str | None = None
    note: str | None = None
    contactRef: Omittable[ContactRef] = None
    issueDate: DateTime
    currency: str
    currencyRate: Number | None = None
    lineItems: list[DirectCostLineItem]
    paymentAllocations: list[PaymentAllocation]
    subTotal: Money
    taxAmount: Money
    totalAmount: Money


class DirectIncome(Record):
    reference: str | None = None
    note: str | None = None
    contactRef: Omittable[ContactRef] = None
    issueDate: DateTime
    currency: str
    currencyRate: Number | None = None
    lineItems: list[DirectIncomeLineItem]
    paymentAllocations: list[PaymentAllocation]
    subTotal: Money
    taxAmount: Money
    totalAmount: Money
