"""Accounts receivable: customers, sales orders, invoices, credit notes and the payments
customers make.

Required fields are the ones Codat's SDKs refuse to do without: an invoice must have
``amountDue`` (0 when settled, never ``null``), ``issueDate``, ``status``, ``totalAmount``
and ``totalTaxAmount``; a credit note its totals, ``remainingCredit`` and ``status``; a
payment its ``date``; a customer its ``status``.
"""

from __future__ import annotations

from ledgerport.domain.accounting.allocations import PaymentAllocation, WithholdingTax
from ledgerport.domain.accounting.contacts import Address, PhoneNumber, ShipTo
from ledgerport.domain.accounting.enums import (
    CreditNoteStatus,
    CustomerStatus,
    InvoiceStatus,
    PaymentLinkType,
    SalesOrderInvoiceStatus,
    SalesOrderStatus,
)
from ledgerport.domain.accounting.fields import CodatModel, DateTime, Money, Number, Omittable
from ledgerport.domain.accounting.lines import CreditNoteLineItem, InvoiceLineItem
from ledgerport.domain.accounting.metadata import Record
from ledgerport.domain.accounting.refs import (
    AccountRef,
    CustomerRef,
    ItemRef,
    PaymentMethodRef,
    TaxRateRef,
)
from ledgerport.domain.accounting.tracking import RecordTracking


class Contact(CodatModel):
    """A person at a customer."""

    name: str | None = None
    email: str | None = None
    phone: list[PhoneNumber] | None = None
    address: Omittable[Address] = None
    status: CustomerStatus
    modifiedDate: Omittable[DateTime] = None


class Customer(Record):
    customerName: str | None = None
    contactName: str | None = None
    emailAddress: str | None = None
    defaultCurrency: Omittable[str] = None
    phone: str | None = None
    addresses: list[Address] | None = None
    contacts: list[Contact] | None = None
    registrationNumber: str | None = None
    taxNumber: str | None = None
    status: CustomerStatus


class Invoice(Record):
    """``salesOrderRefs`` is a list of sales order ids, as in the 2023 accounting spec."""

    invoiceNumber: str | None = None
    customerRef: Omittable[CustomerRef] = None
    salesOrderRefs: list[str] | None = None
    issueDate: DateTime
    dueDate: Omittable[DateTime] = None
    paidOnDate: Omittable[DateTime] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    lineItems: list[InvoiceLineItem] | None = None
    paymentAllocations: list[PaymentAllocation] | None = None
    withholdingTax: list[WithholdingTax] | None = None
    totalDiscount: Money | None = None
    subTotal: Money | None = None
    additionalTaxAmount: Omittable[Money] = None
    additionalTaxPercentage: Omittable[Number] = None
    totalTaxAmount: Money
    totalAmount: Money
    amountDue: Money
    discountPercentage: Number | None = None
    status: InvoiceStatus
    note: str | None = None


class CreditNote(Record):
    creditNoteNumber: str | None = None
    customerRef: Omittable[CustomerRef] = None
    withholdingTax: list[WithholdingTax] | None = None
    totalAmount: Money
    totalDiscount: Money
    subTotal: Money
    additionalTaxAmount: Omittable[Money] = None
    additionalTaxPercentage: Omittable[Number] = None
    totalTaxAmount: Money
    discountPercentage: Number
    remainingCredit: Money
    status: CreditNoteStatus
    issueDate: Omittable[DateTime] = None
    allocatedOnDate: Omittable[DateTime] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    lineItems: list[CreditNoteLineItem] | None = None
    paymentAllocations: list[PaymentAllocation] | None = None
    note: str | None = None


class PaymentLineLink(CodatModel):
    """Paying one invoice: the line's ``amount`` plus this link's ``amount`` is zero
    (the link is negative)."""

    type: PaymentLinkType
    id: Omittable[str] = None
    amount: Money | None = None
    currencyRate: Number | None = None


class PaymentLine(CodatModel):
    amount: Money
    links: list[PaymentLineLink] | None = None
    allocatedOnDate: Omittable[DateTime] = None


class Payment(Record):
    """Money received from a customer (the receivable side of ``BillPayment``)."""

    customerRef: Omittable[CustomerRef] = None
    accountRef: Omittable[AccountRef] = None
    paymentMethodRef: Omittable[PaymentMethodRef] = None
    totalAmount: Omittable[Money] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    date: DateTime
    note: str | None = None
    lines: list[PaymentLine] | None = None
    reference: str | None = None


class SalesOrderLineItem(CodatModel):
    description: str | None = None
    accountRef: Omittable[AccountRef] = None
    itemRef: Omittable[ItemRef] = None
    tracking: Omittable[RecordTracking] = None
    unitAmount: Omittable[Money] = None
    quantity: Omittable[Number] = None
    discountAmount: Omittable[Money] = None
    discountPercentage: Omittable[Number] = None
    subTotal: Omittable[Money] = None
    taxAmount: Omittable[Money] = None
    taxRateRef: Omittable[TaxRateRef] = None
    totalAmount: Omittable[Money] = None


class SalesOrder(Record):
    salesOrderNumber: str | None = None
    customerPurchaseOrderNumber: str | None = None
    issueDate: Omittable[DateTime] = None
    expectedDeliveryDate: DateTime | None = None
    note: str | None = None
    shipTo: Omittable[ShipTo] = None
    customerRef: Omittable[CustomerRef] = None
    status: Omittable[SalesOrderStatus] = None
    invoicingStatus: Omittable[SalesOrderInvoiceStatus] = None
    currency: Omittable[str] = None
    currencyRate: Number | None = None
    lineItems: list[SalesOrderLineItem] | None = None
    totalDiscount: Omittable[Money] = None
    subTotal: Omittable[Money] = None
    totalTaxAmount: Omittable[Money] = None
    totalAmount: Omittable[Money] = None
