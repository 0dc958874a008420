"""Codat's standard accounting data model: one pydantic model per data type.

Field names are Codat's camelCase JSON names, used directly as attribute names so the
models read like the API documentation and no alias table can drift (the one exception is
``Transfer.from_``, aliased to ``from``). ``model_dump(mode="json")`` produces Codat's JSON:
amounts as JSON numbers, dates as Codat's ISO strings, ``null`` only where Codat allows it
(see :mod:`.fields`). Use :mod:`.registry` to go from a data type to its model.
"""

from __future__ import annotations

from ledgerport.domain.accounting.attachments import Attachment
from ledgerport.domain.accounting.banking import BankAccount, BankTransaction, Transfer
from ledgerport.domain.accounting.catalog import Item, PaymentMethod, TaxRate, TrackingCategory
from ledgerport.domain.accounting.company import CompanyInfo
from ledgerport.domain.accounting.direct import DirectCost, DirectIncome
from ledgerport.domain.accounting.ledger import Account, Journal, JournalEntry
from ledgerport.domain.accounting.metadata import Metadata, Record, SupplementalData
from ledgerport.domain.accounting.payables import (
    Bill,
    BillCreditNote,
    BillPayment,
    PurchaseOrder,
    Supplier,
)
from ledgerport.domain.accounting.receivables import (
    CreditNote,
    Customer,
    Invoice,
    Payment,
    SalesOrder,
)

__all__ = [
    "Account",
    "Attachment",
    "BankAccount",
    "BankTransaction",
    "Bill",
    "BillCreditNote",
    "BillPayment",
    "CompanyInfo",
    "CreditNote",
    "Customer",
    "DirectCost",
    "DirectIncome",
    "Invoice",
    "Item",
    "Journal",
    "JournalEntry",
    "Metadata",
    "Payment",
    "PaymentMethod",
    "PurchaseOrder",
    "Record",
    "SalesOrder",
    "SupplementalData",
    "Supplier",
    "TaxRate",
    "TrackingCategory",
    "Transfer",
]
