"""Payables, ledger and reference-data factories (the receivable side is in
``factories``); same rule: every field filled in."""

from __future__ import annotations

from datetime import datetime

from ledgerport.domain.accounting import (
    Attachment,
    Bill,
    BillCreditNote,
    BillPayment,
    CompanyInfo,
    DirectCost,
    DirectIncome,
    Item,
    Journal,
    JournalEntry,
    PaymentMethod,
    PurchaseOrder,
    SupplementalData,
    Supplier,
    TaxRate,
    TrackingCategory,
    Transfer,
)
from ledgerport.domain.accounting import enums as e
from ledgerport.domain.accounting.allocations import WithholdingTax
from ledgerport.domain.accounting.banking import TransferAccount
from ledgerport.domain.accounting.catalog import ItemDetails, TaxRateComponent
from ledgerport.domain.accounting.contacts import WebLink
from ledgerport.domain.accounting.ledger import JournalLine
from ledgerport.domain.accounting.lines import (
    BillCreditNoteLineItem,
    BillLineItem,
    DirectCostLineItem,
    DirectIncomeLineItem,
)
from ledgerport.domain.accounting.payables import (
    BillPaymentLine,
    BillPaymentLineLink,
    PurchaseOrderLineItem,
)
from ledgerport.domain.accounting.refs import (
    AccountRef,
    ContactRef,
    JournalRef,
    PaymentMethodRef,
    PurchaseOrderRef,
    RecordRef,
    ValidDataTypeLinks,
)
from ledgerport.domain.accounting.tracking import DirectCostTracking, RecordTracking
from tests.domain.accounting.factories import (
    BANK,
    DUE,
    GLOBEX,
    HQ,
    ISSUED,
    MODIFIED,
    PHONE,
    PURCHASES,
    REGION,
    SALES,
    SOURCE_MODIFIED,
    VAT20,
    WIDGET,
    D,
    allocation,
    ap_tracking,
    envelope,
    line_core,
    ship_to,
)

RENT = AccountRef(id="7100", name="Rent")
ACCRUALS = AccountRef(id="2109", name="Accruals")


def supplier() -> Supplier:
    return Supplier(
        **envelope("supp-1"),
        supplierName="Globex Supplies Ltd",
        contactName="Hank Scorpio",
        emailAddress="ar@globex.example",
        phone="+44 20 7946 0000",
        addresses=[HQ],
        registrationNumber="07654321",
        taxNumber="GB987654321",
        status=e.SupplierStatus.ACTIVE,
        defaultCurrency="GBP",
    )


def bill() -> Bill:
    return Bill(
        **envelope("bill-1"),
        reference="GLX-4411",
        supplierRef=GLOBEX,
        purchaseOrderRefs=[PurchaseOrderRef(id="po-1", purchaseOrderNumber="PO-001")],
        issueDate=ISSUED,
        dueDate=DUE,
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[
            BillLineItem(**line_core(PURCHASES), tracking=ap_tracking(), isDirectCost=False)
        ],
        withholdingTax=[WithholdingTax(name="CIS", amount=D("0"))],
        status=e.BillStatus.OPEN,
        subTotal=D("100.00"),
        taxAmount=D("20.00"),
        totalAmount=D("120.00"),
        amountDue=D("120.00"),
        note="Monthly stock",
        paymentAllocations=[allocation("bp-0", "0")],
    )


def bill_credit_note() -> BillCreditNote:
    return BillCreditNote(
        **envelope("bcn-1"),
        billCreditNoteNumber="GLX-CN-9",
        supplierRef=GLOBEX,
        withholdingTax=[WithholdingTax(name="CIS", amount=D("0"))],
        totalAmount=D("24.00"),
        totalDiscount=D("0"),
        subTotal=D("20.00"),
        totalTaxAmount=D("4.00"),
        discountPercentage=D("0"),
        remainingCredit=D("24.00"),
        status=e.BillCreditNoteStatus.SUBMITTED,
        issueDate=ISSUED,
        allocatedOnDate=None,
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[BillCreditNoteLineItem(**line_core(PURCHASES), tracking=ap_tracking())],
        paymentAllocations=[allocation("bp-0", "0")],
        note="Damaged in transit",
    )


def bill_payment() -> BillPayment:
    return BillPayment(
        **envelope("bp-1"),
        supplierRef=GLOBEX,
        accountRef=BANK,
        totalAmount=D("120.00"),
        currency="GBP",
        currencyRate=D("1"),
        date=datetime(2024, 6, 20),
        note="Paid in full",
        paymentMethodRef=PaymentMethodRef(id="pm-1", name="Bank transfer"),
        lines=[
            BillPaymentLine(
                amount=D("120.00"),
                links=[
                    BillPaymentLineLink(
                        type=e.BillPaymentLineLinkType.BILL,
                        id="bill-1",
                        amount=D("-120.00"),
                        currencyRate=D("1"),
                    )
                ],
                allocatedOnDate=datetime(2024, 6, 20),
            )
        ],
        reference="FP 0002",
    )


def purchase_order() -> PurchaseOrder:
    return PurchaseOrder(
        **envelope("po-1"),
        purchaseOrderNumber="PO-001",
        issueDate=datetime(2024, 5, 15),
        paymentDueDate=DUE,
        expectedDeliveryDate=datetime(2024, 5, 30),
        deliveryDate=datetime(2024, 5, 29),
        note="Urgent",
        shipTo=ship_to(),
        supplierRef=GLOBEX,
        status=e.PurchaseOrderStatus.CLOSED,
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[
            PurchaseOrderLineItem(
                description="Widgets, blue",
                accountRef=PURCHASES,
                itemRef=WIDGET,
                trackingCategoryRefs=[REGION],
                unitAmount=D("12.50"),
                quantity=D("8"),
                discountAmount=D("0"),
                discountPercentage=D("0"),
                subTotal=D("100.00"),
                taxAmount=D("20.00"),
                taxRateRef=VAT20,
                totalAmount=D("120.00"),
            )
        ],
        totalDiscount=D("0"),
        subTotal=D("100.00"),
        totalTaxAmount=D("20.00"),
        totalAmount=D("120.00"),
    )


def direct_cost() -> DirectCost:
    return DirectCost(
        **envelope("dc-1"),
        reference="CARD 4411",
        note="Stationery",
        contactRef=ContactRef(id="supp-1", dataType="suppliers"),
        issueDate=ISSUED,
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[
            DirectCostLineItem(
                **line_core(PURCHASES),
                tracking=DirectCostTracking(
                    recordRefs=[RecordRef(id="region-north", dataType="trackingCategories")],
                    invoiceTo=RecordRef(id="cust-1", dataType="customers"),
                ),
            )
        ],
        paymentAllocations=[allocation("dc-1", "120.00")],
        subTotal=D("100.00"),
        taxAmount=D("20.00"),
        totalAmount=D("120.00"),
    )


def direct_income() -> DirectIncome:
    return DirectIncome(
        **envelope("di-1"),
        reference="CASH 0042",
        note="Counter sale",
        contactRef=ContactRef(id="cust-1", dataType="customers"),
        issueDate=ISSUED,
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[DirectIncomeLineItem(**line_core(SALES))],
        paymentAllocations=[allocation("di-1", "120.00")],
        subTotal=D("100.00"),
        taxAmount=D("20.00"),
        totalAmount=D("120.00"),
    )


def item() -> Item:
    details = {"description": "Widget, blue", "accountRef": SALES, "taxRateRef": VAT20}
    return Item(
        **envelope("item-1"),
        name="Widget",
        code="WID-B",
        itemStatus=e.ItemStatus.ACTIVE,
        type=e.ItemType.INVENTORY,
        isBillItem=True,
        billItem=ItemDetails(**{**details, "accountRef": PURCHASES}, unitPrice=D("7.25")),
        isInvoiceItem=True,
        invoiceItem=ItemDetails(**details, unitPrice=D("12.50")),
    )


def journal() -> Journal:
    return Journal(
        **envelope("jnl-1"),
        journalCode="GJ",
        name="General journal",
        type="General",
        parentId=None,
        hasChildren=False,
        createdOn=datetime(2020, 1, 1),
        status=e.JournalStatus.ACTIVE,
    )


def journal_entry() -> JournalEntry:
    tracking = RecordTracking(
        recordRefs=[RecordRef(id="region-north", dataType="trackingCategories")]
    )
    return JournalEntry(
        **envelope("je-1"),
        description="Accrual for June rent",
        postedOn=datetime(2024, 6, 30),
        createdOn=datetime(2024, 6, 30, 16, 0),
        updatedOn=datetime(2024, 6, 30, 16, 5),
        journalRef=JournalRef(id="jnl-1", name="General journal"),
        journalLines=[
            JournalLine(
                description="Rent",
                netAmount=D("1500"),
                currency="GBP",
                accountRef=RENT,
                tracking=tracking,
            ),
            JournalLine(
                description="Accruals",
                netAmount=D("-1500"),
                currency="GBP",
                accountRef=ACCRUALS,
                tracking=tracking,
            ),
        ],
        recordRef=RecordRef(id="je-1", dataType="journalEntries"),
    )


def payment_method() -> PaymentMethod:
    return PaymentMethod(
        **envelope("pm-1"),
        name="Bank transfer",
        type=e.PaymentMethodType.BANK_TRANSFER,
        status=e.PaymentMethodStatus.ACTIVE,
    )


def tax_rate() -> TaxRate:
    return TaxRate(
        **envelope("20.0 (VAT on income)"),
        name="20% VAT",
        code="OUTPUT2",
        status=e.TaxRateStatus.ACTIVE,
        effectiveTaxRate=D("20"),
        totalTaxRate=D("20"),
        components=[TaxRateComponent(name="VAT", rate=D("20"), isCompound=False)],
        validDatatypeLinks=[
            ValidDataTypeLinks(property="Id", links=["invoices.lineItems.taxRateRef.id"])
        ],
    )


def tracking_category() -> TrackingCategory:
    return TrackingCategory(
        **envelope("region-north"),
        name="North",
        status=e.TrackingCategoryStatus.ACTIVE,
        parentId="region",
        hasChildren=False,
    )


def transfer() -> Transfer:
    return Transfer(
        **envelope("tr-1"),
        description="Move to savings",
        contactRef=ContactRef(id="cust-1", dataType="customers"),
        date=datetime(2024, 6, 15),
        from_=TransferAccount(accountRef=BANK, currency="GBP", amount=D("1000")),
        to=TransferAccount(
            accountRef=SALES.model_copy(update={"id": "1210", "name": "Savings"}),
            currency="GBP",
            amount=D("1000"),
        ),
        trackingCategoryRefs=[REGION],
        depositedRecordRefs=["pay-1"],
    )


def company_info() -> CompanyInfo:
    return CompanyInfo(
        companyName="Acme Holdings",
        accountingPlatformRef="a7b3c1d2",
        companyLegalName="Acme Holdings Limited",
        addresses=[HQ],
        phoneNumbers=[PHONE],
        webLinks=[WebLink(type=e.WebLinkType.WEBSITE, url="https://acme.example")],
        ledgerLockDate=datetime(2024, 3, 31),
        registrationNumber="01234567",
        taxNumber="GB123456789",
        financialYearStartDate=datetime(2024, 4, 1),
        baseCurrency="GBP",
        sourceUrls={"invoices": "https://go.xero.com/AccountsReceivable/", "bills": None},
        createdDate=datetime(2019, 1, 7, 10, 0, tzinfo=MODIFIED.tzinfo),
        supplementalData=SupplementalData(content=None),
    )


def attachment() -> Attachment:
    return Attachment(
        id="att-1",
        name="receipt.pdf",
        contentType="application/pdf",
        dateCreated=MODIFIED,
        fileSize=48213,
        includeWhenSent=True,
        modifiedDate=MODIFIED,
        sourceModifiedDate=SOURCE_MODIFIED,
    )
