"""Closed enums of Codat's accounting data model, value for value.

Codat's SDKs reject a response containing any value outside these sets, however deeply
nested, so a value Codat does not define must never be added: connectors map whatever a
platform says onto these (``Unknown`` is always there for that). Sets that look alike are
still separate classes because Codat defines them separately and may change one alone
(e.g. Bill has ``Open``, Invoice does not). The test suite compares each with the spec.
"""

from __future__ import annotations

from enum import StrEnum


class AccountType(StrEnum):
    UNKNOWN = "Unknown"
    ASSET = "Asset"
    EXPENSE = "Expense"
    INCOME = "Income"
    LIABILITY = "Liability"
    EQUITY = "Equity"


class AccountStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"
    PENDING = "Pending"


class BankAccountType(StrEnum):
    UNKNOWN = "Unknown"
    CREDIT = "Credit"
    DEBIT = "Debit"


class BankAccountStatus(StrEnum):
    """Not in the 2023 accounting spec; the set of Codat's current ``bankAccountStatus``."""

    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"
    PENDING = "Pending"


class BankTransactionType(StrEnum):
    UNKNOWN = "Unknown"
    CREDIT = "Credit"
    DEBIT = "Debit"
    INT = "Int"
    DIV = "Div"
    FEE = "Fee"
    SER_CHG = "SerChg"
    DEP = "Dep"
    ATM = "Atm"
    POS = "Pos"
    XFER = "Xfer"
    CHECK = "Check"
    PAYMENT = "Payment"
    CASH = "Cash"
    DIRECT_DEP = "DirectDep"
    DIRECT_DEBIT = "DirectDebit"
    REPEAT_PMT = "RepeatPmt"
    OTHER = "Other"


class InvoiceStatus(StrEnum):
    """No ``Open``: an unpaid, issued invoice is ``Submitted``."""

    UNKNOWN = "Unknown"
    DRAFT = "Draft"
    SUBMITTED = "Submitted"
    PARTIALLY_PAID = "PartiallyPaid"
    PAID = "Paid"
    VOID = "Void"


class BillStatus(StrEnum):
    UNKNOWN = "Unknown"
    OPEN = "Open"
    PARTIALLY_PAID = "PartiallyPaid"
    PAID = "Paid"
    VOID = "Void"
    DRAFT = "Draft"


class CreditNoteStatus(StrEnum):
    UNKNOWN = "Unknown"
    DRAFT = "Draft"
    SUBMITTED = "Submitted"
    PAID = "Paid"
    VOID = "Void"
    PARTIALLY_PAID = "PartiallyPaid"


class BillCreditNoteStatus(StrEnum):
    UNKNOWN = "Unknown"
    DRAFT = "Draft"
    SUBMITTED = "Submitted"
    PAID = "Paid"
    VOID = "Void"
    PARTIALLY_PAID = "PartiallyPaid"


class CustomerStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class SupplierStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class AddressType(StrEnum):
    UNKNOWN = "Unknown"
    BILLING = "Billing"
    DELIVERY = "Delivery"


class PhoneNumberType(StrEnum):
    PRIMARY = "Primary"
    LANDLINE = "Landline"
    MOBILE = "Mobile"
    FAX = "Fax"
    UNKNOWN = "Unknown"


class WebLinkType(StrEnum):
    WEBSITE = "Website"
    SOCIAL = "Social"
    UNKNOWN = "Unknown"


class PayablesBilledToType(StrEnum):
    """``isBilledTo``/``isRebilledTo`` on bill and bill credit note lines."""

    UNKNOWN = "Unknown"
    NOT_APPLICABLE = "NotApplicable"
    CUSTOMER = "Customer"
    PROJECT = "Project"


class ReceivablesBilledToType(StrEnum):
    """``isBilledTo``/``isRebilledTo`` on invoice and credit note lines: no ``Customer``."""

    UNKNOWN = "Unknown"
    NOT_APPLICABLE = "NotApplicable"
    PROJECT = "Project"


class ItemStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class ItemType(StrEnum):
    UNKNOWN = "Unknown"
    INVENTORY = "Inventory"
    NON_INVENTORY = "NonInventory"
    SERVICE = "Service"


class JournalStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class PaymentMethodType(StrEnum):
    UNKNOWN = "Unknown"
    CASH = "Cash"
    CHECK = "Check"
    CREDIT_CARD = "CreditCard"
    DEBIT_CARD = "DebitCard"
    BANK_TRANSFER = "BankTransfer"
    OTHER = "Other"


class PaymentMethodStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class PaymentLinkType(StrEnum):
    """What a customer payment line is linked to."""

    UNKNOWN = "Unknown"
    UNLINKED = "Unlinked"
    INVOICE = "Invoice"
    CREDIT_NOTE = "CreditNote"
    OTHER = "Other"
    REFUND = "Refund"
    PAYMENT = "Payment"
    PAYMENT_ON_ACCOUNT = "PaymentOnAccount"
    MANUAL_JOURNAL = "ManualJournal"
    DISCOUNT = "Discount"


class BillPaymentLineLinkType(StrEnum):
    """What a bill payment line is linked to."""

    UNKNOWN = "Unknown"
    UNLINKED = "Unlinked"
    BILL = "Bill"
    OTHER = "Other"
    CREDIT_NOTE = "CreditNote"
    BILL_PAYMENT = "BillPayment"
    PAYMENT_ON_ACCOUNT = "PaymentOnAccount"
    REFUND = "Refund"
    MANUAL_JOURNAL = "ManualJournal"
    DISCOUNT = "Discount"


class PurchaseOrderStatus(StrEnum):
    UNKNOWN = "Unknown"
    DRAFT = "Draft"
    OPEN = "Open"
    CLOSED = "Closed"
    VOID = "Void"


class SalesOrderStatus(StrEnum):
    UNKNOWN = "Unknown"
    DRAFT = "Draft"
    OPEN = "Open"
    CLOSED = "Closed"
    VOID = "Void"


class SalesOrderInvoiceStatus(StrEnum):
    UNKNOWN = "Unknown"
    PARTIALLY_INVOICED = "PartiallyInvoiced"
    INVOICED = "Invoiced"
    NOT_INVOICED = "NotInvoiced"


class TaxRateStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"


class TrackingCategoryStatus(StrEnum):
    UNKNOWN = "Unknown"
    ACTIVE = "Active"
    ARCHIVED = "Archived"
