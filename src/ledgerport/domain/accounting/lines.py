"""Line items of invoices, credit notes, bills, bill credit notes and direct costs/incomes.

They share Codat's core line (amounts, account, tax rate, item) and differ only in their
tracking and a flag or two, so each is the core plus its extras. ``unitAmount`` and
``quantity`` are the only required fields; totals are nullable because some platforms
only report them per document.
"""

from __future__ import annotations

from ledgerport.domain.accounting.fields import CodatModel, Money, Number, Omittable
from ledgerport.domain.accounting.refs import AccountRef, ItemRef, TaxRateRef, TrackingCategoryRef
from ledgerport.domain.accounting.tracking import (
    AccountsPayableTracking,
    AccountsReceivableTracking,
    DirectCostTracking,
)


class LineItem(CodatModel):
    """The fields every document line shares. ``trackingCategoryRefs`` is deprecated by
    Codat in favour of ``tracking.categoryRefs`` but still served."""

    description: str | None = None
    unitAmount: Money
    quantity: Number
    discountAmount: Money | None = None
    subTotal: Money | None = None
    taxAmount: Money | None = None
    totalAmount: Money | None = None
    discountPercentage: Number | None = None
    accountRef: Omittable[AccountRef] = None
    taxRateRef: Omittable[TaxRateRef] = None
    itemRef: Omittable[ItemRef] = None
    trackingCategoryRefs: list[TrackingCategoryRef] | None = None


class InvoiceLineItem(LineItem):
    tracking: Omittable[AccountsReceivableTracking] = None
    isDirectIncome: Omittable[bool] = None


class CreditNoteLineItem(LineItem):
    tracking: Omittable[AccountsReceivableTracking] = None
    isDirectIncome: Omittable[bool] = None


class BillLineItem(LineItem):
    tracking: Omittable[AccountsPayableTracking] = None
    isDirectCost: Omittable[bool] = None


class BillCreditNoteLineItem(LineItem):
    tracking: Omittable[AccountsPayableTracking] = None


class DirectCostLineItem(LineItem):
    tracking: Omittable[DirectCostTracking] = None


class DirectIncomeLineItem(LineItem):
    pass
