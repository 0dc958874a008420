"""The general ledger: the chart of accounts, journals and journal entries.

Codat keys the chart of accounts ``chartOfAccounts`` but serves it at ``/data/accounts``
and names the model ``Account``; see :mod:`ledgerport.domain.accounting.registry`.
"""

from __future__ import annotations

from ledgerport.domain.accounting.enums import AccountStatus, AccountType, JournalStatus
from ledgerport.domain.accounting.fields import CodatModel, DateTime, Money, Omittable
from ledgerport.domain.accounting.metadata import Record
from ledgerport.domain.accounting.refs import AccountRef, JournalRef, RecordRef, ValidDataTypeLinks
from ledgerport.domain.accounting.tracking import RecordTracking


class Account(Record):
    """A nominal account. ``fullyQualifiedCategory`` is dotted, e.g. ``Liability.Current``."""

    nominalCode: str | None = None
    name: str | None = None
    description: str | None = None
    fullyQualifiedCategory: str | None = None
    fullyQualifiedName: str | None = None
    currency: Omittable[str] = None
    currentBalance: Money | None = None
    type: AccountType
    status: AccountStatus
    isBankAccount: bool
    validDatatypeLinks: list[ValidDataTypeLinks] | None = None


class Journal(Record):
    """A book journal entries are posted to (e.g. sales, purchases, general)."""

    journalCode: str | None = None
    name: str | None = None
    type: str | None = None
    parentId: str | None = None
    hasChildren: Omittable[bool] = None
    createdOn: Omittable[DateTime] = None
    status: Omittable[JournalStatus] = None


class JournalLine(CodatModel):
    """``netAmount`` is positive for a debit and negative for a credit."""

    description: str | None = None
    netAmount: Money
    currency: str | None = None
    accountRef: Omittable[AccountRef] = None
    tracking: Omittable[RecordTracking] = None


class JournalEntry(Record):
    """``recordRef`` points at the document that produced the entry, if any."""

    description: str | None = None
    postedOn: Omittable[DateTime] = None
    createdOn: Omittable[DateTime] = None
    updatedOn: Omittable[DateTime] = None
    journalRef: Omittable[JournalRef] = None
    journalLines: list[JournalLine] | None = None
    recordRef: Omittable[RecordRef] = None
