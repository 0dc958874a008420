"""Our enums are Codat's, value for value: the SDKs reject any value outside Codat's set,
and a value Codat has that we lack would be one we could never report."""

from __future__ import annotations

from enum import StrEnum

import pytest

from ledgerport.domain.accounting import enums as e
from tests.domain.accounting.spec import enum_values

DEFS = "#/components/schemas/{}/definitions/{}"
CASES: list[tuple[type[StrEnum], str]] = [
    (e.InvoiceStatus, DEFS.format("Invoice", "invoiceStatus")),
    (e.BillStatus, DEFS.format("Bill", "billStatus")),
    (e.CreditNoteStatus, DEFS.format("CreditNote", "creditNoteStatus")),
    (e.BillCreditNoteStatus, DEFS.format("BillCreditNote", "billCreditNoteStatus")),
    (e.AccountType, DEFS.format("Account", "accountType")),
    (e.AccountStatus, DEFS.format("Account", "accountStatus")),
    (e.BankAccountType, "#/components/schemas/BankAccount/allOf/0/properties/accountType"),
    (e.SupplierStatus, DEFS.format("Supplier", "supplierStatus")),
    (e.CustomerStatus, DEFS.format("Customer", "customerStatus")),
    (e.PaymentMethodType, DEFS.format("PaymentMethod", "paymentMethodType")),
    (e.PaymentMethodStatus, DEFS.format("PaymentMethod", "paymentMethodStatus")),
    (e.TaxRateStatus, DEFS.format("TaxRate", "taxRateStatus")),
    (e.BankTransactionType, DEFS.format("BankTransactions", "bankTransactionType")),
    (e.PaymentLinkType, DEFS.format("Payment", "paymentLinkType")),
    (e.BillPaymentLineLinkType, DEFS.format("BillPayment", "billPaymentLineLinkType")),
    (e.ItemStatus, DEFS.format("Item", "itemStatus")),
    (e.ItemType, DEFS.format("Item", "itemType")),
    (e.JournalStatus, DEFS.format("Journal", "journalStatus")),
    (e.PurchaseOrderStatus, DEFS.format("PurchaseOrder", "purchaseOrderStatus")),
    (e.SalesOrderStatus, DEFS.format("SalesOrder", "salesOrderStatus")),
    (e.SalesOrderInvoiceStatus, DEFS.format("SalesOrder", "salesOrderInvoiceStatus")),
    (e.TrackingCategoryStatus, DEFS.format("TrackingCategory", "status")),
    (
        e.AddressType,
        "#/components/schemas/CompanyDataset/properties/addresses/items/definitions/addressType",
    ),
    (
        e.PhoneNumberType,
        "#/components/schemas/CompanyDataset/properties/phoneNumbers/items/definitions/phoneNumberType",
    ),
    (
        e.WebLinkType,
        "#/components/schemas/CompanyDataset/properties/webLinks/items/properties/type",
    ),
    (
        e.PayablesBilledToType,
        "#/components/schemas/BillCreditNote/definitions/billCreditNoteLineItem/properties/tracking/definitions/billedToType",
    ),
    (
        e.ReceivablesBilledToType,
        "#/components/schemas/CreditNote/definitions/creditNoteLineItem/properties/tracking/definitions/billedToType",
    ),
]


@pytest.mark.parametrize(("enum", "pointer"), CASES, ids=[c[0].__name__ for c in CASES])
def test_enum_is_exactly_codats(enum: type[StrEnum], pointer: str) -> None:
    assert {member.value for member in enum} == enum_values(pointer)


def test_every_enum_is_checked() -> None:
    # BankAccountStatus is newer than the 2023 spec; it equals AccountStatus there.
    defined = {
        obj
        for obj in vars(e).values()
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
    }
    assert defined - {enum for enum, _ in CASES} == {e.BankAccountStatus}
    assert {m.value for m in e.BankAccountStatus} == {m.value for m in e.AccountStatus}


def test_invoice_status_has_no_open_but_bill_status_does() -> None:
    assert "Open" not in {m.value for m in e.InvoiceStatus}
    assert e.BillStatus.OPEN.value == "Open"
