"""Accounts payable: suppliers, purchase orders, bills, bill credit notes and the
payments made to suppliers.

A bill requires ``issueDate``, ``status``, ``subTotal``, ``taxAmount`` and
``totalAmount``; unlike an invoice its ``amountDue`` may be ``null``, and unlike
``InvoiceStatus`` its status set has ``Open``. A bill credit note requires its totals,
``remainingCredit`` and ``status``; a bill payment its ``date``; a supplier its ``status``.
"""

from __future__ import annotations

from ledgerport.domain.accounting.allocations import PaymentAllocation, WithholdingTax
from ledgerport.domain.accounting.contacts import Address, ShipTo
from ledgerport.domain.accounting.enums import (
    BillCreditNoteStatus,
    BillPaymentLineLinkType,
    BillStatus,
    PurchaseOrderStatus,
    SupplierStatus,
)
from ledgerport.domain.accounting.fields import CodatModel, DateTime, Money, Number, Omittable
from ledgerport.domain.accounting.lines import BillCreditNoteLineItem, BillLineItem
from ledgerport.domain.accounting.metadata import Record
from ledgerport.domain.accounting.refs import (
    AccountRef,
    ItemRef,
    PaymentMethodRef,
    PurchaseOrderRef,
    SupplierRef,
    TaxRateRef,
    TrackingCategoryRef,
)


class Supplier(Record):
    supplierName: str | None = None
    contactName: str | None = None
    emailAddress: str | None = None
    phone: str | None = None
    addresses: list[Address] | None = None
    registrationNumber: str | None = None
    taxNumber: str | None = None
    status: SupplierStatus
    defaultCurrency: str | None = None


class Bill(Record):
    reference: str | None = None
    supplierRef: Omittable[SupplierRef] = None
    purchaseOrderRefs: list[PurchaseOrderRef] | None = None
    issueDate: DateTime
    dueDate: Omittable[DateTime] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    lineItems: list[BillLineItem] | None = None
    withholdingTax: list[WithholdingTax] | None = None
    status: BillStatus
    subTotal: Money
    taxAmount: Money
    totalAmount: Money
    amountDue: Money | None = None
    note: str | None = None
    paymentAllocations: list[PaymentAllocation] | None = None


class BillCreditNote(Record):
    billCreditNoteNumber: str | None = None
    supplierRef: Omittable[SupplierRef] = None
    withholdingTax: list[WithholdingTax] | None = None
    totalAmount: Money
    totalDiscount: Money
    subTotal: Money
    totalTaxAmount: Money
    discountPercentage: Number
    remainingCredit: Money
    status: BillCreditNoteStatus
    issueDate: Omittable[DateTime] = None
    allocatedOnDate: DateTime | None = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    lineItems: list[BillCreditNoteLineItem] | None = None
    paymentAllocations: list[PaymentAllocation] | None = None
    note: str | None = None


class BillPaymentLineLink(CodatModel):
    """Paying one bill: ``totalAmount`` and the line's ``amount`` are positive and this
    link's ``amount`` is their negative."""

    type: BillPaymentLineLinkType
    id: str | None = None
    amount: Money | None = None
    currencyRate: Number | None = None


class BillPaymentLine(CodatModel):
    amount: Money
    links: list[BillPaymentLineLink] | None = None
    allocatedOnDate: Omittable[DateTime] = None


class BillPayment(Record):
    supplierRef: Omittable[SupplierRef] = None
    accountRef: Omittable[AccountRef] = None
    totalAmount: Omittable[Money] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    date: DateTime
    note: str | None = None
    paymentMethodRef: Omittable[PaymentMethodRef] = None
    lines: list[BillPaymentLine] | None = None
    reference: str | None = None


class PurchaseOrderLineItem(CodatModel):
    description: str | None = None
    accountRef: Omittable[AccountRef] = None
    itemRef: Omittable[ItemRef] = None
    trackingCategoryRefs: list[TrackingCategoryRef] | None = None
    unitAmount: Omittable[Money] = None
    quantity: Omittable[Number] = None
    discountAmount: Omittable[Money] = None
    discountPercentage: Omittable[Number] = None
    subTotal: Omittable[Money] = None
    taxAmount: Omittable[Money] = None
    taxRateRef: Omittable[TaxRateRef] = None
    totalAmount: Omittable[Money] = None


class PurchaseOrder(Record):
    purchaseOrderNumber: str | None = None
    issueDate: Omittable[DateTime] = None
    paymentDueDate: DateTime | None = None
    expectedDeliveryDate: DateTime | None = None
    deliveryDate: DateTime | None = None
    note: str | None = None
    shipTo: Omittable[ShipTo] = None
    supplierRef: Omittable[SupplierRef] = None
    status: Omittable[PurchaseOrderStatus] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    lineItems: list[PurchaseOrderLineItem] | None = None
    totalDiscount: Omittable[Money] = None
    subTotal: Omittable[Money] = None
    totalTaxAmount: Omittable[Money] = None
    totalAmount: Omittable[Money] = None
