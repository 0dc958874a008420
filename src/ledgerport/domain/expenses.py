"""Sync for Expenses rules, without I/O: how a card transaction becomes an accounting
record, which accounts and tax rates suit which transaction types, and how the status of
a transaction and of a sync follow from the push operations that wrote them.

Codat's four expense transaction types, and what each is in the books:

- ``Payment``: card spend, money out of the card's bank account: a *direct cost*,
  debiting an expense (or asset) account.
- ``Refund``: a merchant gives money back for a purchase: a *direct income* that
  credits the expense account the spend went to.
- ``Reward``: cashback from the card provider: a *direct income* to an income account.
- ``Chargeback``: a disputed charge paid back by the card provider: a *direct income*,
  crediting the expense account, as a refund does.

Adjustments (journal entries) and reimbursable expenses (bills from the employee) are
in :mod:`ledgerport.domain.expense_documents`.

Money is exact: amounts are ``Decimal`` from the request to the record, and become JSON
numbers only as the record is handed over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushOption


class ExpenseType(StrEnum):
    """Codat's closed ``ExpenseTransaction.type``."""

    PAYMENT = "Payment"
    REFUND = "Refund"
    REWARD = "Reward"
    CHARGEBACK = "Chargeback"


class TransactionStatus(StrEnum):
    """Codat's closed ``TransactionStatus`` (one transaction of a sync)."""

    UNKNOWN = "Unknown"
    PENDING = "Pending"
    VALIDATION_ERROR = "ValidationError"
    COMPLETED = "Completed"
    PUSH_ERROR = "PushError"


class SyncStatusCode(IntEnum):
    """Codat's documented sync status codes (docs: "Sync status codes")."""

    IN_PROGRESS = 1000
    IN_PROGRESS_LONG = 1010
    SUCCESS = 2000
    SUCCESS_NO_DATA = 2040
    CONFIGURATION_ERROR = 4000
    DATA_PROCESSING_ERROR = 5120
    DATA_WRITE_ERROR = 5130


SUCCESSFUL_CODES = frozenset({SyncStatusCode.SUCCESS, SyncStatusCode.SUCCESS_NO_DATA})
# Codat reports a sync still running after ten minutes as long-running (1010).
LONG_RUNNING = timedelta(minutes=10)

ACCOUNT_TYPES = ("Asset", "Liability", "Income", "Expense", "Equity")

# Which transaction types may post a line to an account of each type. Spend and its
# reversals (refunds, chargebacks) go to the account the spend went to: an expense,
# or an asset bought on the card (a refund is credited back there, as platforms do).
# Cashback is income. The platform may narrow this further (its create models).
_LINE_TYPES: dict[str, tuple[ExpenseType, ...]] = {
    "Expense": (ExpenseType.PAYMENT, ExpenseType.REFUND, ExpenseType.CHARGEBACK),
    "Asset": (ExpenseType.PAYMENT, ExpenseType.REFUND, ExpenseType.CHARGEBACK),
    "Income": (ExpenseType.REWARD,),
    "Liability": (),
    "Equity": (),
}


def record_type(expense_type: ExpenseType) -> DataType:
    """The accounting data type an expense transaction is written as."""
    return DataType.DIRECT_COSTS if expense_type is ExpenseType.PAYMENT else DataType.DIRECT_INCOMES


# -- mapping options ---------------------------------------------------------------


@dataclass(frozen=True)
class LineAccounts:
    """The account ids the accounting platform takes on the lines of each record type
    (read from its create models: what we offer is what the push enforces); None for a
    record type whose model lists no accounts (or that the platform cannot write),
    where the general rule alone applies."""

    direct_costs: frozenset[str] | None = None
    direct_incomes: frozenset[str] | None = None
    bills: frozenset[str] | None = None  # reimbursable expenses
    journal_entries: frozenset[str] | None = None  # adjustments

    def allowed(self, data_type: DataType) -> frozenset[str] | None:
        return {
            DataType.DIRECT_COSTS: self.direct_costs,
            DataType.DIRECT_INCOMES: self.direct_incomes,
            DataType.BILLS: self.bills,
            DataType.JOURNAL_ENTRIES: self.journal_entries,
        }.get(data_type)


def _platform_allows(
    account: Mapping[str, Any], data_type: DataType, platform: LineAccounts | None
) -> bool:
    allowed = platform.allowed(data_type) if platform is not None else None
    return allowed is None or str(account.get("id")) in allowed


def line_account_options(model: PushOption) -> frozenset[str] | None:
    """The account ids a create model allows on ``lineItems[].accountRef.id`` (a journal
    entry's: ``journalLines[].accountRef.id``), or None if it does not restrict them."""
    node: PushOption | None = model
    lines = "journalLines" if "journalLines" in (model.properties or {}) else "lineItems"
    for key in (lines, "accountRef", "id"):  # an Array holds its items' fields
        node = (node.properties or {}).get(key) if node is not None else None
    if node is None or not node.options:
        return None
    return frozenset(choice.value for choice in node.options)


def account_transaction_types(
    account: Mapping[str, Any], platform: LineAccounts | None = None
) -> list[str]:
    """The expense transaction types whose lines may post to this account: those the
    general rule allows on its type, where the platform takes it on the record the
    transaction becomes (so what mapping options offer is what the push accepts)."""
    if account.get("isBankAccount"):
        return []  # a bank account is what the card money moves through, not a category
    general = _LINE_TYPES.get(str(account.get("type")), ())
    return [
        kind.value
        for kind in ExpenseType
        if kind in general and _platform_allows(account, record_type(kind), platform)
    ]


def reimbursable_account(account: Mapping[str, Any], platform: LineAccounts | None = None) -> bool:
    """Whether an employee's claim may be booked to this account: what was bought (an
    expense or an asset), on a line the platform's bills take."""
    return (
        account.get("type") in ("Expense", "Asset")
        and not account.get("isBankAccount")
        and _platform_allows(account, DataType.BILLS, platform)
    )


def adjustment_account(account: Mapping[str, Any], platform: LineAccounts | None = None) -> bool:
    """Whether an adjustment (a manual journal) may post to this account: any the
    platform's journal entries take."""
    return _platform_allows(account, DataType.JOURNAL_ENTRIES, platform)


def account_valid_for(
    account: Mapping[str, Any], platform: LineAccounts | None = None
) -> list[str]:
    """Codat's ``validFor``: the endpoints (and transaction types) an account suits."""
    kinds = [f"expense-transactions.{t}" for t in account_transaction_types(account, platform)]
    if reimbursable_account(account, platform):
        kinds.append("reimbursable-expense-transactions")
    if account.get("isBankAccount"):
        kinds.append("transfer-transactions")
    if adjustment_account(account, platform):
        kinds.append("adjustment-transactions")
    return kinds


def is_usable(record: Mapping[str, Any]) -> bool:
    """Whether a reference record can be mapped to: not deleted at the source and not
    archived (an archived account or tax rate is refused by the platforms)."""
    if (record.get("metadata") or {}).get("isDeleted"):
        return False
    return record.get("status") not in ("Archived",)


def account_option(
    account: Mapping[str, Any], platform: LineAccounts | None = None
) -> dict[str, Any] | None:
    """An account as Codat's ``AccountMappingInfo``, or None if its type is not one of
    the five the closed ``accountType`` enum allows (``Unknown`` accounts are left out)."""
    account_type = account.get("type")
    if account_type not in ACCOUNT_TYPES:
        return None
    return {
        "id": str(account["id"]),
        "nominalCode": account.get("nominalCode"),
        "name": account.get("name") or "",
        "currency": account.get("currency") or "",
        "accountType": account_type,
        "fullyQualifiedCategory": account.get("fullyQualifiedCategory") or account_type,
        "isBankAccount": bool(account.get("isBankAccount")),
        "validTransactionTypes": account_transaction_types(account, platform),
        "validFor": account_valid_for(account, platform),
    }


def tax_rate_option(rate: Mapping[str, Any]) -> dict[str, Any]:
    """A tax rate as Codat's ``TaxRateMappingInfo``. Any rate suits every transaction
    type: the tax on a refund or reward is the tax of what it reverses."""
    return {
        "id": str(rate["id"]),
        "name": rate.get("name") or "",
        "code": rate.get("code"),
        "effectiveTaxRate": rate.get("effectiveTaxRate", 0),
        "totalTaxRate": rate.get("totalTaxRate", 0),
        "validTransactionTypes": [t.value for t in ExpenseType],
    }


def tracking_category_option(category: Mapping[str, Any]) -> dict[str, Any]:
    """A tracking category as Codat's ``TrackingCategoryMappingInfo``."""
    return {
        "id": str(category["id"]),
        "name": category.get("name") or "",
        "hasChildren": bool(category.get("hasChildren")),
        "parentId": category.get("parentId"),
    }


# -- expense transaction -> accounting record -----------------------------------------


@dataclass(frozen=True)
class ExpenseLine:
    net_amount: Decimal
    tax_amount: Decimal
    account_id: str | None
    tax_rate_id: str | None
    tracking_ids: tuple[str, ...] = ()
    # Tracking refs of dataType "customers" (a line rebilled to a customer).
    customer_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expense:
    """One expense transaction, parsed and with the company's defaults applied."""

    id: str
    type: ExpenseType
    issue_date: str
    currency: str
    currency_rate: Decimal | None
    bank_account_id: str
    contact_id: str | None
    # "suppliers" (the merchant) or "customers" (whom a reward is booked against).
    contact_type: str
    reference: str | None
    merchant_name: str | None
    notes: str | None
    lines: tuple[ExpenseLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.net_amount + line.tax_amount for line in self.lines), Decimal(0))


def json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number it prints as (no arithmetic happens on the float)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


@dataclass(frozen=True)
class References:
    """The ids the company's accounting data holds, per data type, and each account's
    type; None for a data type never pulled (its references cannot be checked here, and
    are left to the platform)."""

    accounts: Mapping[str, Mapping[str, Any]] | None = None
    tax_rates: frozenset[str] | None = None
    tracking_categories: frozenset[str] | None = None
    suppliers: frozenset[str] | None = None
    customers: frozenset[str] | None = None
    bank_accounts: frozenset[str] | None = None
    platform: LineAccounts | None = None


def problems(expense: Expense, refs: References) -> list[str]:
    """Why the expense cannot be written, one message per problem; empty: it can."""
    found: list[str] = []
    if not expense.lines:
        found.append("An expense transaction needs at least one line.")
    if expense.total <= 0:
        found.append(
            f"The transaction total ({expense.total}) must be greater than zero: send money "
            "coming back as a Refund, Reward or Chargeback with positive amounts."
        )
    if refs.bank_accounts is not None and expense.bank_account_id not in refs.bank_accounts:
        found.append(f"Bank account {expense.bank_account_id} does not exist.")
    contacts = refs.suppliers if expense.contact_type == "suppliers" else refs.customers
    if (
        expense.contact_id is not None
        and contacts is not None
        and expense.contact_id not in contacts
    ):
        what = "Supplier" if expense.contact_type == "suppliers" else "Customer"
        found.append(f"{what} {expense.contact_id} does not exist.")
    for n, line in enumerate(expense.lines):
        found.extend(_line_problems(expense.type, n, line, refs))
    return found


def _line_problems(kind: ExpenseType, n: int, line: ExpenseLine, refs: References) -> list[str]:
    found: list[str] = []
    where = f"lines[{n}]"
    if line.account_id is None:
        found.append(f"{where}.accountRef is required.")
    elif refs.accounts is not None:
        account = refs.accounts.get(line.account_id)
        if account is None:
            found.append(f"{where}: account {line.account_id} does not exist.")
        elif kind.value not in account_transaction_types(account, refs.platform):
            found.append(
                f"{where}: account {line.account_id} ({account.get('type')}) is not valid "
                f"for {kind.value} transactions; see validTransactionTypes in mappingOptions."
            )
    if (
        line.tax_rate_id is not None
        and refs.tax_rates is not None
        and line.tax_rate_id not in refs.tax_rates
    ):
        found.append(f"{where}: tax rate {line.tax_rate_id} does not exist.")
    if refs.tracking_categories is not None:
        for tracking_id in line.tracking_ids:
            if tracking_id not in refs.tracking_categories:
                found.append(f"{where}: tracking category {tracking_id} does not exist.")
    if refs.customers is not None:
        for customer_id in line.customer_ids:
            if customer_id not in refs.customers:
                found.append(f"{where}: customer {customer_id} does not exist.")
    return found


def to_record(expense: Expense) -> dict[str, Any]:
    """The direct cost (Payment) or direct income (the others) that records the expense:
    one line per expense line, paid in full from (or into) the card's bank account on
    the transaction date."""
    line_items = [_line_item(expense, line) for line in expense.lines]
    sub_total = sum((line.net_amount for line in expense.lines), Decimal(0))
    tax = sum((line.tax_amount for line in expense.lines), Decimal(0))
    total = sub_total + tax
    rate = json_number(expense.currency_rate) if expense.currency_rate is not None else None
    payment: dict[str, Any] = {
        "accountRef": {"id": expense.bank_account_id},
        "currency": expense.currency,
        "currencyRate": rate,
        "paidOnDate": expense.issue_date,
        "totalAmount": json_number(total),
        "reference": expense.reference,
        "note": expense.merchant_name,
    }
    record: dict[str, Any] = {
        "reference": expense.reference,
        "note": _note(expense),
        "issueDate": expense.issue_date,
        "currency": expense.currency,
        "currencyRate": rate,
        "lineItems": line_items,
        "paymentAllocations": [
            {
                "payment": payment,
                "allocation": {
                    "currency": expense.currency,
                    "currencyRate": rate,
                    "allocatedOnDate": expense.issue_date,
                    "totalAmount": json_number(total),
                },
            }
        ],
        "subTotal": json_number(sub_total),
        "taxAmount": json_number(tax),
        "totalAmount": json_number(total),
    }
    if expense.contact_id is not None:
        record["contactRef"] = {"id": expense.contact_id, "dataType": expense.contact_type}
    return record


def _note(expense: Expense) -> str | None:
    parts = [p for p in (expense.merchant_name, expense.notes) if p]
    return " - ".join(parts) or None


def _line_item(expense: Expense, line: ExpenseLine) -> dict[str, Any]:
    item: dict[str, Any] = {
        "description": expense.merchant_name or expense.type.value,
        "unitAmount": json_number(line.net_amount),
        "quantity": 1,
        "discountAmount": 0,
        "subTotal": json_number(line.net_amount),
        "taxAmount": json_number(line.tax_amount),
        "totalAmount": json_number(line.net_amount + line.tax_amount),
        "accountRef": {"id": line.account_id} if line.account_id else None,
        "taxRateRef": {"id": line.tax_rate_id} if line.tax_rate_id else None,
    }
    if line.tracking_ids:
        item["trackingCategoryRefs"] = [{"id": t} for t in line.tracking_ids]
    return item


# -- statuses ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PushOutcome:
    """What a transaction's push operation says (the push service's columns)."""

    status: str  # Codat PushOperationStatus: Pending, Failed, Success, TimedOut
    status_code: int
    error_message: str | None
    validation_errors: tuple[str, ...] = ()
    record_id: str | None = None
    data_type: str | None = None


def transaction_status(outcome: PushOutcome) -> tuple[TransactionStatus, str | None]:
    """A transaction's status and message from its push operation: Pending while the
    push is; Completed on Success (the message names the record written); a push refused
    for invalid data (400 with validation errors) is a ValidationError with those
    messages; any other failure, or a timeout, is a PushError with the platform's
    message."""
    match outcome.status:
        case "Pending":
            return TransactionStatus.PENDING, None
        case "Success":
            written = f"{outcome.data_type} {outcome.record_id}" if outcome.record_id else None
            return TransactionStatus.COMPLETED, f"Written as {written}." if written else None
        case "Failed" if outcome.status_code == 400 and outcome.validation_errors:
            return TransactionStatus.VALIDATION_ERROR, "; ".join(outcome.validation_errors)
        case "TimedOut":
            return TransactionStatus.PUSH_ERROR, outcome.error_message or (
                "The accounting platform did not confirm the write in time."
            )
        case _:
            return TransactionStatus.PUSH_ERROR, outcome.error_message or (
                f"The accounting platform refused the write (status {outcome.status_code})."
            )


@dataclass(frozen=True)
class SyncState:
    code: SyncStatusCode
    text: str
    error_message: str | None
    data_pushed: bool


def sync_state(
    results: Sequence[tuple[str, TransactionStatus, str | None]],
    requested: datetime,
    now: datetime,
) -> SyncState:
    """A sync's status from its transactions' (id, status, message): in progress while
    any is Pending (long-running past ten minutes); then Complete if every transaction
    was written, else failed: a write error (5130) if any push failed at the platform,
    otherwise a data processing error (5120) for data refused as invalid."""
    statuses = [status for _, status, _ in results]
    pushed = TransactionStatus.COMPLETED in statuses
    if TransactionStatus.PENDING in statuses:
        code = (
            SyncStatusCode.IN_PROGRESS_LONG
            if now - requested > LONG_RUNNING
            else SyncStatusCode.IN_PROGRESS
        )
        return SyncState(code, "InProgress", None, pushed)
    failed = [(tid, s, m) for tid, s, m in results if s is not TransactionStatus.COMPLETED]
    if not failed:
        code = SyncStatusCode.SUCCESS if pushed else SyncStatusCode.SUCCESS_NO_DATA
        return SyncState(code, "Complete", None, pushed)
    code = (
        SyncStatusCode.DATA_WRITE_ERROR
        if any(s is TransactionStatus.PUSH_ERROR for _, s, _ in failed)
        else SyncStatusCode.DATA_PROCESSING_ERROR
    )
    return SyncState(code, "Failed", _failure_summary(failed, len(results)), pushed)


def _failure_summary(
    failed: Iterable[tuple[str, TransactionStatus, str | None]], total: int
) -> str:
    failed = list(failed)
    shown = "; ".join(f"{tid}: {s.value}: {m or 'no message'}" for tid, s, m in failed[:5])
    more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
    return f"{len(failed)} of {total} transaction(s) were not written - {shown}{more}"
