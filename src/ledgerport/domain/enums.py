"""Codat's closed enums. Every value here is sent as-is on the wire; the official SDKs
reject any value outside these sets, so never add a value Codat does not define."""

from __future__ import annotations

from enum import StrEnum


class ConnectionStatus(StrEnum):
    PENDING_AUTH = "PendingAuth"
    LINKED = "Linked"
    UNLINKED = "Unlinked"
    DEAUTHORIZED = "Deauthorized"


class SourceType(StrEnum):
    ACCOUNTING = "Accounting"
    BANKING = "Banking"
    BANK_FEED = "BankFeed"
    COMMERCE = "Commerce"
    EXPENSE = "Expense"
    OTHER = "Other"
    UNKNOWN = "Unknown"


class FeatureType(StrEnum):
    GET = "Get"
    POST = "Post"
    CATEGORIZATION = "Categorization"
    DELETE = "Delete"
    PUT = "Put"
    GET_AS_PDF = "GetAsPdf"
    DOWNLOAD_ATTACHMENT = "DownloadAttachment"
    GET_ATTACHMENT = "GetAttachment"
    GET_ATTACHMENTS = "GetAttachments"
    UPLOAD_ATTACHMENT = "UploadAttachment"


class FeatureState(StrEnum):
    RELEASE = "Release"
    ALPHA = "Alpha"
    BETA = "Beta"
    DEPRECATED = "Deprecated"
    NOT_SUPPORTED = "NotSupported"
    NOT_IMPLEMENTED = "NotImplemented"


class ErrorStatus(StrEnum):
    """Status of one entry in a connection's ``dataConnectionErrors``."""

    ACTIVE = "Active"
    RESOLVED = "Resolved"


class DataType(StrEnum):
    """Codat's data type keys (accounting subset). Note the odd ones out: the chart of
    accounts is keyed ``chartOfAccounts`` (URL ``/data/accounts``) and company info is
    keyed ``company`` (URL ``/data/info``)."""

    ACCOUNT_TRANSACTIONS = "accountTransactions"
    BALANCE_SHEET = "balanceSheet"
    BANK_ACCOUNTS = "bankAccounts"
    BANK_TRANSACTIONS = "bankTransactions"
    BILL_CREDIT_NOTES = "billCreditNotes"
    BILL_PAYMENTS = "billPayments"
    BILLS = "bills"
    CASH_FLOW_STATEMENT = "cashFlowStatement"
    CHART_OF_ACCOUNTS = "chartOfAccounts"
    COMPANY = "company"
    CREDIT_NOTES = "creditNotes"
    CUSTOMERS = "customers"
    DIRECT_COSTS = "directCosts"
    DIRECT_INCOMES = "directIncomes"
    INVOICES = "invoices"
    ITEM_RECEIPTS = "itemReceipts"
    ITEMS = "items"
    JOURNAL_ENTRIES = "journalEntries"
    JOURNALS = "journals"
    PAYMENT_METHODS = "paymentMethods"
    PAYMENTS = "payments"
    PROFIT_AND_LOSS = "profitAndLoss"
    PURCHASE_ORDERS = "purchaseOrders"
    SALES_ORDERS = "salesOrders"
    SUPPLIERS = "suppliers"
    TAX_RATES = "taxRates"
    TRACKING_CATEGORIES = "trackingCategories"
    TRANSFERS = "transfers"


class Product(StrEnum):
    """Product identifiers a company can have enabled (Codat's ``products``)."""

    SPEND_INSIGHTS = "spend-insights"
    LENDING = "lending"
    PAYABLES = "payables"
    EXPENSES = "expenses"
    BANK_FEEDS = "bank-feeds"
    ACCOUNTING = "accounting"
