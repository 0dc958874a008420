"""One realistic record per accounting data type, every field filled in (a UK company
trading in GBP), so conformance tests exercise each field against Codat's schema.

``test_factories_fill_every_field`` keeps them complete: a field added to a model must be
added here too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ledgerport.domain.accounting import (
    Account,
    BankAccount,
    BankTransaction,
    CreditNote,
    Customer,
    Invoice,
    Metadata,
    Payment,
    SalesOrder,
    SupplementalData,
)
from ledgerport.domain.accounting import enums as e
from ledgerport.domain.accounting.allocations import (
    Allocation,
    PaymentAllocation,
    PaymentAllocationPayment,
    WithholdingTax,
)
from ledgerport.domain.accounting.contacts import (
    Address,
    PhoneNumber,
    ShipTo,
    ShipToContact,
)
from ledgerport.domain.accounting.lines import (
    CreditNoteLineItem,
    InvoiceLineItem,
)
from ledgerport.domain.accounting.receivables import (
    Contact,
    PaymentLine,
    PaymentLineLink,
    SalesOrderLineItem,
)
from ledgerport.domain.accounting.refs import (
    AccountRef,
    CustomerRef,
    ItemRef,
    PaymentMethodRef,
    ProjectRef,
    RecordRef,
    SupplierRef,
    TaxRateRef,
    TrackingCategoryRef,
    ValidDataTypeLinks,
)
from ledgerport.domain.accounting.tracking import (
    AccountsPayableTracking,
    AccountsReceivableTracking,
    RecordTracking,
)

D = Decimal
MODIFIED = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)
SOURCE_MODIFIED = datetime(2024, 6, 2, 17, 5, 12)
ISSUED = datetime(2024, 6, 1)
DUE = datetime(2024, 7, 1)

SALES = AccountRef(id="4000", name="Sales")
PURCHASES = AccountRef(id="5000", name="Cost of sales")
BANK = AccountRef(id="1200", name="Business current account")
VAT20 = TaxRateRef(id="20.0 (VAT on income)", name="20% VAT", effectiveTaxRate=D("20"))
WIDGET = ItemRef(id="item-1", name="Widget")
REGION = TrackingCategoryRef(id="region-north", name="North")
ACME = CustomerRef(id="cust-1", companyName="Acme Trading Ltd")
GLOBEX = SupplierRef(id="supp-1", supplierName="Globex Supplies Ltd")
HQ = Address(
    type=e.AddressType.BILLING,
    line1="1 High Street",
    line2="Suite 4",
    city="Leeds",
    region="West Yorkshire",
    country="GB",
    postalCode="LS1 1AA",
)
PHONE = PhoneNumber(number="+44 113 496 0000", type=e.PhoneNumberType.PRIMARY)


def envelope(record_id: str) -> dict[str, object]:
    return {
        "id": record_id,
        "metadata": Metadata(isDeleted=False),
        "supplementalData": SupplementalData(content={"xero": {"brandingThemeId": "t-1"}}),
        "modifiedDate": MODIFIED,
        "sourceModifiedDate": SOURCE_MODIFIED,
    }


def allocation(payment_id: str, amount: str) -> PaymentAllocation:
    return PaymentAllocation(
        payment=PaymentAllocationPayment(
            id=payment_id,
            note="Paid by BACS",
            reference="BACS 0001",
            accountRef=BANK,
            currency="GBP",
            currencyRate=D("1"),
            paidOnDate=datetime(2024, 6, 10),
            totalAmount=D(amount),
        ),
        allocation=Allocation(
            currency="GBP",
            currencyRate=D("1"),
            allocatedOnDate=datetime(2024, 6, 10),
            totalAmount=D(amount),
        ),
    )


def line_core(account: AccountRef) -> dict[str, object]:
    return {
        "description": "Widgets, blue",
        "unitAmount": D("12.50"),
        "quantity": D("8"),
        "discountAmount": D("0"),
        "subTotal": D("100.00"),
        "taxAmount": D("20.00"),
        "totalAmount": D("120.00"),
        "discountPercentage": D("0"),
        "accountRef": account,
        "taxRateRef": VAT20,
        "itemRef": WIDGET,
        "trackingCategoryRefs": [REGION],
    }


def ar_tracking() -> AccountsReceivableTracking:
    return AccountsReceivableTracking(
        categoryRefs=[REGION],
        customerRef=ACME,
        projectRef=ProjectRef(id="proj-1", name="Fit-out"),
        isBilledTo=e.ReceivablesBilledToType.PROJECT,
        isRebilledTo=e.ReceivablesBilledToType.NOT_APPLICABLE,
    )


def ap_tracking() -> AccountsPayableTracking:
    return AccountsPayableTracking(
        categoryRefs=[REGION],
        customerRef=ACME,
        projectRef=ProjectRef(id="proj-1", name="Fit-out"),
        isBilledTo=e.PayablesBilledToType.CUSTOMER,
        isRebilledTo=e.PayablesBilledToType.CUSTOMER,
    )


def ship_to() -> ShipTo:
    return ShipTo(
        contact=ShipToContact(name="Goods In", email="goods@acme.example", phone="0113 496 0001"),
        address=HQ.model_copy(update={"type": e.AddressType.DELIVERY}),
    )


def account() -> Account:
    return Account(
        **envelope("4000"),
        nominalCode="4000",
        name="Sales",
        description="Income from sales of goods",
        fullyQualifiedCategory="Income.Revenue",
        fullyQualifiedName="Income.Revenue.Sales",
        currency="GBP",
        currentBalance=D("15234.56"),
        type=e.AccountType.INCOME,
        status=e.AccountStatus.ACTIVE,
        isBankAccount=False,
        validDatatypeLinks=[
            ValidDataTypeLinks(property="Id", links=["invoices.lineItems.accountRef.id"])
        ],
    )


def bank_account() -> BankAccount:
    return BankAccount(
        **envelope("1200"),
        accountName="Business current account",
        accountType=e.BankAccountType.DEBIT,
        nominalCode="1200",
        sortCode="40-47-84",
        accountNumber="70872490",
        iBan="GB29NWBK60161331926819",
        currency="GBP",
        balance=D("8213.40"),
        institution="NatWest",
        availableBalance=D("8013.40"),
        overdraftLimit=D("2500"),
        status=e.BankAccountStatus.ACTIVE,
    )


def bank_transaction() -> BankTransaction:
    return BankTransaction(
        **envelope("btx-1"),
        accountId="1200",
        clearedOnDate=datetime(2024, 6, 10),
        description="ACME TRADING LTD INV-001",
        counterparty="Acme Trading Ltd",
        reference="INV-001",
        reconciled=True,
        amount=D("120.00"),
        balance=D("8213.40"),
        transactionType=e.BankTransactionType.CREDIT,
    )


def invoice() -> Invoice:
    return Invoice(
        **envelope("inv-1"),
        invoiceNumber="INV-001",
        customerRef=ACME,
        salesOrderRefs=["so-1"],
        issueDate=ISSUED,
        dueDate=DUE,
        paidOnDate=datetime(2024, 6, 10),
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[
            InvoiceLineItem(**line_core(SALES), tracking=ar_tracking(), isDirectIncome=False)
        ],
        paymentAllocations=[allocation("pay-1", "70.00")],
        withholdingTax=[WithholdingTax(name="CIS", amount=D("0"))],
        totalDiscount=D("0"),
        subTotal=D("100.00"),
        additionalTaxAmount=D("0"),
        additionalTaxPercentage=D("0"),
        totalTaxAmount=D("20.00"),
        totalAmount=D("120.00"),
        amountDue=D("50.00"),
        discountPercentage=D("0"),
        status=e.InvoiceStatus.PARTIALLY_PAID,
        note="Thank you for your business",
    )


def credit_note() -> CreditNote:
    return CreditNote(
        **envelope("cn-1"),
        creditNoteNumber="CN-001",
        customerRef=ACME,
        withholdingTax=[WithholdingTax(name="CIS", amount=D("0"))],
        totalAmount=D("120.00"),
        totalDiscount=D("0"),
        subTotal=D("100.00"),
        additionalTaxAmount=D("0"),
        additionalTaxPercentage=D("0"),
        totalTaxAmount=D("20.00"),
        discountPercentage=D("0"),
        remainingCredit=D("50.00"),
        status=e.CreditNoteStatus.PARTIALLY_PAID,
        issueDate=ISSUED,
        allocatedOnDate=datetime(2024, 6, 12),
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[
            CreditNoteLineItem(**line_core(SALES), tracking=ar_tracking(), isDirectIncome=False)
        ],
        paymentAllocations=[allocation("pay-2", "70.00")],
        note="Returned goods",
    )


def customer() -> Customer:
    return Customer(
        **envelope("cust-1"),
        customerName="Acme Trading Ltd",
        contactName="Jane Smith",
        emailAddress="accounts@acme.example",
        defaultCurrency="GBP",
        phone="+44 113 496 0000",
        addresses=[HQ],
        contacts=[
            Contact(
                name="Jane Smith",
                email="jane@acme.example",
                phone=[PHONE],
                address=HQ,
                status=e.CustomerStatus.ACTIVE,
                modifiedDate=MODIFIED,
            )
        ],
        registrationNumber="01234567",
        taxNumber="GB123456789",
        status=e.CustomerStatus.ACTIVE,
    )


def payment() -> Payment:
    return Payment(
        **envelope("pay-1"),
        customerRef=ACME,
        accountRef=BANK,
        paymentMethodRef=PaymentMethodRef(id="pm-1", name="Bank transfer"),
        totalAmount=D("70.00"),
        currency="GBP",
        currencyRate=D("1"),
        date=datetime(2024, 6, 10),
        note="Part payment",
        lines=[
            PaymentLine(
                amount=D("70.00"),
                links=[
                    PaymentLineLink(
                        type=e.PaymentLinkType.INVOICE,
                        id="inv-1",
                        amount=D("-70.00"),
                        currencyRate=D("1"),
                    )
                ],
                allocatedOnDate=datetime(2024, 6, 10),
            )
        ],
        reference="BACS 0001",
    )


def sales_order() -> SalesOrder:
    return SalesOrder(
        **envelope("so-1"),
        salesOrderNumber="SO-001",
        customerPurchaseOrderNumber="ACME-PO-77",
        issueDate=datetime(2024, 5, 20),
        expectedDeliveryDate=datetime(2024, 5, 31),
        note="Deliver to goods in",
        shipTo=ship_to(),
        customerRef=ACME,
        status=e.SalesOrderStatus.CLOSED,
        invoicingStatus=e.SalesOrderInvoiceStatus.INVOICED,
        currency="GBP",
        currencyRate=D("1"),
        lineItems=[
            SalesOrderLineItem(
                description="Widgets, blue",
                accountRef=SALES,
                itemRef=WIDGET,
                tracking=RecordTracking(recordRefs=[RecordRef(id="inv-1", dataType="invoices")]),
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
