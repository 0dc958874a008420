"""The Codat documents a spend analysis reads, parsed once into small typed values.

Which documents count:

* deleted records (``metadata.isDeleted``) never count;
* bills and bill credit notes with status ``Void`` never count; ``Draft`` bills are not
  spend yet, so they count only in the duplicate check (a duplicate draft is exactly
  what should be caught before it is approved);
* bill payments of zero move no money (a credit note applied to a bill is modelled by
  Codat as a payment of 0 linking both), so they are not counted as payments.

Every amount is also held in the base currency (see ``money.py``); ``None`` there means
"cannot be converted".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerport.domain.reports.amounts import to_decimal
from ledgerport.domain.spend.money import ZERO, to_base

VOID = "Void"
DRAFT = "Draft"
UNKNOWN_METHOD = "Unknown"
# Codat's payment method types as the Spend Insights spec enumerates them; any other
# type a platform reports (``StoredValueCard``...) is "Other" there.
METHOD_TYPES = ("Unknown", "Cash", "Check", "CreditCard", "DebitCard", "BankTransfer", "Other")
_SETTLED = Decimal("0.005")


def day_of(value: Any) -> date | None:
    """The calendar date of a Codat date or date-time (the business's own day: Codat
    leaves many dates without a zone, so the date part is taken as written)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _ref(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    ref = document.get(key)
    return ref if isinstance(ref, Mapping) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _amount(value: Any) -> Decimal:
    return to_decimal(value) or ZERO


def is_deleted(document: Mapping[str, Any]) -> bool:
    return _ref(document, "metadata").get("isDeleted") is True


@dataclass(frozen=True)
class Line:
    account_id: str | None
    amount: Decimal  # base currency, tax included


@dataclass(frozen=True)
class Bill:
    id: str
    supplier_id: str | None
    supplier_name: str | None
    status: str | None
    reference: str | None
    issue_date: date | None
    due_date: date | None
    currency: str | None
    total_in_currency: Decimal
    total: Decimal | None  # base currency
    amount_due: Decimal | None  # base currency
    amount_due_in_currency: Decimal
    lines: tuple[Line, ...]
    settled_on: date | None  # when payments and credits first covered the total
    is_deleted: bool

    @property
    def is_spend(self) -> bool:
        """Counted in spend: live, not void, not a draft, and convertible."""
        return (
            not self.is_deleted
            and self.status not in (VOID, DRAFT)
            and self.total is not None
            and self.issue_date is not None
        )

    @property
    def is_outstanding(self) -> bool:
        return self.is_spend and self.amount_due is not None and self.amount_due > 0

    @property
    def terms_days(self) -> int | None:
        if self.issue_date is None or self.due_date is None:
            return None
        return (self.due_date - self.issue_date).days

    @property
    def settlement_days(self) -> int | None:
        if self.issue_date is None or self.settled_on is None:
            return None
        return (self.settled_on - self.issue_date).days

    @property
    def is_paid_late(self) -> bool:
        return (
            self.settled_on is not None
            and self.due_date is not None
            and self.settled_on > self.due_date
        )


@dataclass(frozen=True)
class Payment:
    id: str
    supplier_id: str | None
    date: date | None
    amount: Decimal | None  # base currency
    method: str  # one of METHOD_TYPES
    bill_amounts: tuple[tuple[str, Decimal], ...]  # (bill id, amount allocated to it)


@dataclass(frozen=True)
class CreditNote:
    id: str
    supplier_id: str | None
    issue_date: date | None
    total: Decimal | None  # base currency

    @property
    def is_counted(self) -> bool:
        return self.total is not None and self.issue_date is not None


@dataclass(frozen=True)
class DirectCost:
    id: str
    supplier_id: str | None
    issue_date: date | None
    total: Decimal | None
    method: str


@dataclass(frozen=True)
class Supplier:
    id: str
    name: str | None
    document: Mapping[str, Any]  # contact details, served as they were pulled


@dataclass(frozen=True)
class Account:
    id: str
    name: str | None
    nominal_code: str | None
    category: str | None  # fullyQualifiedCategory, e.g. "Expense.Operating"


def _line_amount(line: Mapping[str, Any]) -> Decimal:
    total = to_decimal(line.get("totalAmount"))
    if total is not None:
        return total
    return _amount(line.get("subTotal")) + _amount(line.get("taxAmount"))


def _allocations(document: Mapping[str, Any]) -> list[tuple[date, Decimal]]:
    found = []
    for item in document.get("paymentAllocations") or ():
        if not isinstance(item, Mapping):
            continue
        allocation, payment = _ref(item, "allocation"), _ref(item, "payment")
        on = day_of(allocation.get("allocatedOnDate")) or day_of(payment.get("paidOnDate"))
        amount = to_decimal(allocation.get("totalAmount"))
        if on is not None and amount is not None:
            found.append((on, amount))
    return found


def _settled_on(
    document: Mapping[str, Any],
    total: Decimal,
    amount_due: Decimal,
    links: list[tuple[date, Decimal]],
) -> date | None:
    """The day allocations first covered the bill's total; None while anything is due
    or when a paid bill carries no dated allocation at all. The bill's own
    ``paymentAllocations`` are used, or the bill payments linking to it when it has none."""
    if amount_due > _SETTLED or total <= 0:
        return None
    allocations = sorted(_allocations(document) or links)
    covered = ZERO
    for on, amount in allocations:
        covered += amount
        if covered >= total - _SETTLED:
            return on
    return allocations[-1][0] if allocations else None


def parse_bill(
    document: Mapping[str, Any], base: str | None, links: list[tuple[date, Decimal]]
) -> Bill:
    currency = _text(document.get("currency"))
    rate = document.get("currencyRate")
    total = _amount(document.get("totalAmount"))
    due = _amount(document.get("amountDue"))
    lines = []
    for line in document.get("lineItems") or ():
        if isinstance(line, Mapping):
            amount = to_base(_line_amount(line), currency, rate, base)
            if amount is not None:
                lines.append(Line(_text(_ref(line, "accountRef").get("id")), amount))
    supplier = _ref(document, "supplierRef")
    return Bill(
        id=str(document.get("id")),
        supplier_id=_text(supplier.get("id")),
        supplier_name=_text(supplier.get("supplierName")),
        status=_text(document.get("status")),
        reference=_text(document.get("reference")),
        issue_date=day_of(document.get("issueDate")),
        due_date=day_of(document.get("dueDate")),
        currency=currency,
        total_in_currency=total,
        total=to_base(total, currency, rate, base),
        amount_due=to_base(due, currency, rate, base),
        amount_due_in_currency=due,
        lines=tuple(lines),
        settled_on=_settled_on(document, total, due, links),
        is_deleted=is_deleted(document),
    )


def method_types(payment_methods: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Payment method id → its type, as the Spend Insights enum names it."""
    types = {}
    for method in payment_methods:
        kind = method.get("type")
        types[str(method.get("id"))] = (
            kind if kind in METHOD_TYPES else ("Other" if kind else UNKNOWN_METHOD)
        )
    return types


def _method(document: Mapping[str, Any], methods: Mapping[str, str]) -> str:
    method_id = _ref(document, "paymentMethodRef").get("id")
    return methods.get(str(method_id), UNKNOWN_METHOD) if method_id else UNKNOWN_METHOD


def parse_payment(
    document: Mapping[str, Any], base: str | None, methods: Mapping[str, str]
) -> Payment:
    currency = _text(document.get("currency"))
    bill_amounts = []
    for line in document.get("lines") or ():
        for link in (line.get("links") or ()) if isinstance(line, Mapping) else ():
            if isinstance(link, Mapping) and link.get("type") == "Bill" and link.get("id"):
                # A link to a bill is negative: it reduces what the bill owes.
                bill_amounts.append((str(link["id"]), -_amount(link.get("amount"))))
    return Payment(
        id=str(document.get("id")),
        supplier_id=_text(_ref(document, "supplierRef").get("id")),
        date=day_of(document.get("date")),
        amount=to_base(
            _amount(document.get("totalAmount")), currency, document.get("currencyRate"), base
        ),
        method=_method(document, methods),
        bill_amounts=tuple(bill_amounts),
    )


def parse_credit_note(document: Mapping[str, Any], base: str | None) -> CreditNote:
    total = to_base(
        _amount(document.get("totalAmount")),
        _text(document.get("currency")),
        document.get("currencyRate"),
        base,
    )
    return CreditNote(
        id=str(document.get("id")),
        supplier_id=_text(_ref(document, "supplierRef").get("id")),
        issue_date=day_of(document.get("issueDate")),
        total=total,
    )


def parse_direct_cost(
    document: Mapping[str, Any], base: str | None, methods: Mapping[str, str]
) -> DirectCost:
    contact = _ref(document, "contactRef")
    is_supplier = contact.get("dataType") in (None, "suppliers")
    return DirectCost(
        id=str(document.get("id")),
        supplier_id=_text(contact.get("id")) if is_supplier else None,
        issue_date=day_of(document.get("issueDate")),
        total=to_base(
            _amount(document.get("totalAmount")),
            _text(document.get("currency")),
            document.get("currencyRate"),
            base,
        ),
        method=_method(document, methods),
    )


def parse_supplier(document: Mapping[str, Any]) -> Supplier:
    return Supplier(str(document.get("id")), _text(document.get("supplierName")), document)


def parse_account(document: Mapping[str, Any]) -> Account:
    return Account(
        id=str(document.get("id")),
        name=_text(document.get("name")),
        nominal_code=_text(document.get("nominalCode")),
        category=_text(document.get("fullyQualifiedCategory")),
    )
