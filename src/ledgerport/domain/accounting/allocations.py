"""Payment allocations and withholding tax, shared by invoices, bills, credit notes and
direct costs/incomes.

An allocation records that (part of) a payment settled this document: ``payment`` is the
payment as a whole, ``allocation`` the part of it applied here, possibly in another
currency. Both halves are required by Codat, their fields are not.
"""

from __future__ import annotations

from ledgerport.domain.accounting.fields import (
    CodatModel,
    DateTime,
    Money,
    NonEmptyStr,
    Number,
    Omittable,
)
from ledgerport.domain.accounting.refs import AccountRef


class PaymentAllocationPayment(CodatModel):
    id: Omittable[str] = None
    note: str | None = None
    reference: str | None = None
    accountRef: Omittable[AccountRef] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    paidOnDate: Omittable[DateTime] = None
    totalAmount: Omittable[Money] = None


class Allocation(CodatModel):
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    allocatedOnDate: Omittable[DateTime] = None
    totalAmount: Omittable[Money] = None


class PaymentAllocation(CodatModel):
    payment: PaymentAllocationPayment
    allocation: Allocation


class WithholdingTax(CodatModel):
    """One withholding tax deducted from a document's total (Codat's ``withholdingTax[]``)."""

    name: NonEmptyStr
    amount: Money
