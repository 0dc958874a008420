"""Bank accounts, their transactions, and transfers between accounts.

Codat's 2023 accounting spec only has ``BankTransactions`` as a wrapper
(``{accountId, transactions: [line]}``); the ``bankTransactions`` data type stores one
record per line, with ``accountId`` on each, which is how Codat's current spec serves them.
"""

from __future__ import annotations

from pydantic import Field

from ledgerport.domain.accounting.enums import (
    BankAccountStatus,
    BankAccountType,
    BankTransactionType,
)
from ledgerport.domain.accounting.fields import CodatModel, DateTime, Money, Omittable
from ledgerport.domain.accounting.metadata import Record
from ledgerport.domain.accounting.refs import AccountRef, ContactRef, TrackingCategoryRef


class BankAccount(Record):
    """``status`` is not in the 2023 spec but is in Codat's current one."""

    accountName: str | None = None
    accountType: Omittable[BankAccountType] = None
    nominalCode: str | None = None
    sortCode: str | None = None
    accountNumber: str | None = None
    iBan: str | None = None
    currency: Omittable[str] = None
    balance: Money | None = None
    institution: str | None = None
    availableBalance: Money | None = None
    overdraftLimit: Money | None = None
    status: Omittable[BankAccountStatus] = None


class BankTransaction(Record):
    """One line of a bank account's statement. ``amount`` is signed (money in is
    positive); ``balance`` is the running balance after it."""

    accountId: str | None = None
    clearedOnDate: Omittable[DateTime] = None
    description: str | None = None
    counterparty: str | None = None
    reference: str | None = None
    reconciled: bool
    amount: Money
    balance: Money
    transactionType: BankTransactionType


class TransferAccount(CodatModel):
    accountRef: Omittable[AccountRef] = None
    currency: Omittable[str] = None
    amount: Omittable[Money] = None


class Transfer(Record):
    """Money moved between two accounts. ``from`` is a Python keyword, so the attribute
    is ``from_``; it is read and written as ``from``."""

    description: str | None = None
    contactRef: Omittable[ContactRef] = None
    date: Omittable[DateTime] = None
    from_: Omittable[TransferAccount] = Field(default=None, alias="from")
    to: Omittable[TransferAccount] = None
    trackingCategoryRefs: list[TrackingCategoryRef] | None = None
    depositedRecordRefs: list[str] | None = None
