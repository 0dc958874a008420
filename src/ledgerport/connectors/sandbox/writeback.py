"""Write-back: what a write pushed through the API does to the sandbox's books.

A write is kept as one entry of the connection's write log (a JSON object: the data
type, the kind of write, the record as the client sent it, the id the platform assigned
and the exact moment). The books at any moment are the generated events plus every
logged write up to that moment, each applied by :func:`apply_entry` at its hour, after
the generated events of that hour (see ``simulation.py``): the same log always gives the
same books, and a write never changes what the generator makes or how it numbers it
(pushed parties live in their own lists, and everything a write posts is numbered in
the "w" series, see :meth:`Company.new_id`).

:func:`apply_entry` both checks and applies: every check comes before the first change,
so a refused write (:class:`RejectedError`) leaves the books as they were. The writer
runs it on fresh books before logging anything, so a logged entry always applies again
on replay.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from ledgerport.connectors.errors import RejectedError
from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.books import PDF_TYPES, Books, books, pdf_id
from ledgerport.connectors.sandbox.simulation import HISTORY_END
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.state import (
    HOUR,
    Allocation,
    Company,
    DirectCost,
    Document,
    JournalEntry,
    JournalLine,
    Line,
    Link,
    Party,
    Payment,
    PaymentLine,
    Transfer,
    Upload,
)
from ledgerport.connectors.writes import LoggedWrite, RecordChange, WriteKind, WriteLog
from ledgerport.domain.enums import DataType
from ledgerport.domain.push import PushChangeType, parse_date

logger = logging.getLogger(__name__)

BASE_CURRENCY = "GBP"
# Accounts no line of a document, direct cost or manual journal may post to: the
# control accounts are what documents say is owed, and a bank account's balance is its
# statement's (platforms refuse these too: Xero's "system accounts").
_CONTROL = frozenset({c.DEBTORS, c.CREDITORS, c.VAT_LIABILITY})
_TAX_RATES = {rate.id: rate for rate in c.TAX_RATES}
_METHODS = {method.id: method for method in c.PAYMENT_METHODS}
_ACCOUNT_TYPES = ("Asset", "Liability", "Equity", "Income", "Expense")

# Each created record's id: its own series (``bill-w0001``), apart from the generated
# ones, numbered from the log so that replaying it gives the same ids.
ID_PREFIX: dict[DataType, str] = {
    DataType.INVOICES: "inv",
    DataType.BILLS: "bill",
    DataType.CREDIT_NOTES: "cn",
    DataType.BILL_CREDIT_NOTES: "bcn",
    DataType.PAYMENTS: "pay",
    DataType.BILL_PAYMENTS: "bpy",
    DataType.CUSTOMERS: "cus",
    DataType.SUPPLIERS: "sup",
    DataType.DIRECT_COSTS: "dc",
    DataType.DIRECT_INCOMES: "di",
    DataType.JOURNAL_ENTRIES: "mj",  # a manual journal
    DataType.JOURNALS: "jnl",  # a journal (book) entries are posted to
    DataType.TRANSFERS: "trf",
}
_NUMBER_PREFIX = {
    DataType.INVOICES: "INV-W",
    DataType.BILLS: "BILL-W",
    DataType.CREDIT_NOTES: "CN-W",
    DataType.BILL_CREDIT_NOTES: "BCN-W",
}
_DOCUMENT_TYPES = frozenset(_NUMBER_PREFIX)
_SALES = frozenset({DataType.INVOICES, DataType.CREDIT_NOTES})
_NUMBER_FIELD = {
    DataType.INVOICES: "invoiceNumber",
    DataType.BILLS: "reference",
    DataType.CREDIT_NOTES: "creditNoteNumber",
    DataType.BILL_CREDIT_NOTES: "billCreditNoteNumber",
}
_TAX_FIELD = {
    DataType.INVOICES: "totalTaxAmount",
    DataType.BILLS: "taxAmount",
    DataType.CREDIT_NOTES: "totalTaxAmount",
    DataType.BILL_CREDIT_NOTES: "totalTaxAmount",
}
_POSTED_STATUS = {
    DataType.INVOICES: "Submitted",
    DataType.BILLS: "Open",
    DataType.CREDIT_NOTES: "Submitted",
    DataType.BILL_CREDIT_NOTES: "Submitted",
}
_LABEL = {
    DataType.INVOICES: "invoice",
    DataType.BILLS: "bill",
    DataType.CREDIT_NOTES: "credit note",
    DataType.BILL_CREDIT_NOTES: "bill credit note",
}

Changes = list[RecordChange]


def reject(message: str, path: str | None = None, status_code: int = 400) -> RejectedError:
    return RejectedError(message, status_code, ((path, message),) if path else ())


# -- the log as events ------------------------------------------------------------------


@dataclass(frozen=True)
class WriteEvent:  # not slotted: cached_property keeps its digest in __dict__
    """One logged write, applied at hour ``t`` (its moment, rounded down)."""

    t: int
    key: str
    entry: Mapping[str, Any] = field(compare=False, hash=False)

    @cached_property
    def cache_key(self) -> tuple[str, str, int, str]:
        # The books cache keys on the log's content, not on this object: the key, and a
        # digest of the entry (two logs could reuse a key: tests, a restored database).
        text = json.dumps(self.entry, sort_keys=True, default=str)
        return ("write", self.key, self.t, hashlib.sha256(text.encode()).hexdigest())

    def apply(self, company: Company) -> None:
        try:
            apply_entry(company, self.entry, self.t)
        except RejectedError as refused:  # never for a log this writer kept
            logger.warning("sandbox write %s no longer applies: %s", self.key, refused.message)


def entry_moment(entry: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(entry["moment"]))


def write_events(
    logged: Sequence[LoggedWrite], until: datetime, start: datetime
) -> tuple[WriteEvent, ...]:
    """The logged writes made at or before ``until`` (exactly, not to the hour), in the
    order they happened (the log's order between writes of the same moment), as events
    of the books that began at ``start``."""
    chosen = [
        (entry_moment(w.entry), n, w)
        for n, w in enumerate(logged)
        if entry_moment(w.entry) <= until
    ]
    chosen.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        WriteEvent(int((moment - start) // HOUR), w.key, w.entry) for moment, _, w in chosen
    )


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def books_start(size: Size) -> datetime:
    """The books' first moment (``t`` = 0) for a company of ``size``."""
    return HISTORY_END - timedelta(days=size.history_days)


def logged_books(seed: str, size: Size, log: WriteLog | None, moment: datetime) -> Books:
    """The books at ``moment``: generated, plus the logged writes made by then."""
    logged = log.entries() if log is not None else ()
    return books(seed, size, moment, write_events(logged, utc(moment), books_start(size)))


def apply_entry(company: Company, entry: Mapping[str, Any], t: int) -> Changes:
    """Check a logged write against the books and apply it at hour ``t``; what it
    created or changed. Raises :class:`RejectedError` (changing nothing) if the platform
    refuses it."""
    data_type = DataType(entry["dataType"])
    kind = WriteKind(entry["kind"])
    handler = _HANDLERS.get((data_type, kind))
    if handler is None:
        raise reject(f"The sandbox cannot {kind.value.lower()} {data_type.value}.")
    company.writing = True
    try:
        return handler(_Write(company, t, data_type, entry))
    finally:
        company.writing = False


@dataclass
class _Write:
    company: Company
    t: int
    data_type: DataType
    entry: Mapping[str, Any]

    @property
    def record(self) -> Mapping[str, Any]:
        record = self.entry.get("record") or {}
        if not isinstance(record, Mapping):
            raise reject("The record must be an object.")
        return record

    @property
    def id(self) -> str:
        return str(self.entry["id"])

    def change(self, kind: PushChangeType, data_type: DataType, record_id: str) -> RecordChange:
        return RecordChange(kind, data_type, record_id)


# -- reading a record's fields ----------------------------------------------------------


def pence(value: Any, path: str) -> int:
    """An amount of money as integer pence, exactly: more than two decimal places (or
    not a number at all) is refused, never rounded."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise reject(f"{path} must be a number.", path)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise reject(f"{path} must be a number.", path) from None
    if not amount.is_finite():
        raise reject(f"{path} must be a number.", path)
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise reject(f"{path} has more than two decimal places ({value}).", path)
    return int(scaled)


def _opt_pence(record: Mapping[str, Any], key: str, path: str) -> int | None:
    value = record.get(key)
    return None if value is None else pence(value, path)


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise reject(f"{path} must be a number.", path)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise reject(f"{path} must be a number.", path) from None
    if not number.is_finite():
        raise reject(f"{path} must be a number.", path)
    return number


def _text(record: Mapping[str, Any], key: str, path: str | None = None) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise reject(f"{path or key} must be a string.", path or key)
    return value.strip() or None


def _ref_id(record: Mapping[str, Any], key: str) -> str | None:
    ref = record.get(key)
    if ref is None:
        return None
    if not isinstance(ref, Mapping):
        raise reject(f"{key} must be an object with an id.", key)
    value = ref.get("id")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise reject(f"{key}.id must be a string.", f"{key}.id")
    return value


def _day(company: Company, value: Any, path: str, default: int) -> int:
    """A date field as the books' day number; refused before the books begin or on or
    before the ledger lock date (the last VAT return), as platforms refuse."""
    if value is None:
        day = default
    else:
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            raise reject(f"{path} must be a date such as 2024-06-01T00:00:00.", path)
        day = (parsed - company.start_date).days
        if day < 0:
            raise reject(f"{path} is before the sandbox's books begin.", path)
    locked = company.vat_locked_to
    if locked is not None and day <= locked:
        lock = company.date(locked).isoformat()
        raise reject(f"{path} is on or before the ledger lock date ({lock}).", path)
    return day


def _currency(record: Mapping[str, Any], expected: str, what: str) -> None:
    currency = record.get("currency")
    if currency is not None and currency != expected:
        raise reject(
            f"The {what} is in {currency}, but the sandbox company keeps it in {expected}"
            " (no other currency is supported).",
            "currency",
        )
    rate = record.get("currencyRate")
    if rate is not None and _decimal(rate, "currencyRate") != 1:
        raise reject("currencyRate must be 1 for a GBP record.", "currencyRate")


def _items(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, Mapping) for x in value):
        raise reject(f"{key} must be a list of objects.", key)
    return value


def _check_total(given: int | None, computed: int, path: str, what: str) -> None:
    if given is not None and given != computed:
        raise reject(f"{path} is {_show(given)} but {what} add up to {_show(computed)}.", path)


def _show(amount: int) -> str:
    return f"{Decimal(amount).scaleb(-2):.2f}"


# -- lookups ----------------------------------------------------------------------------


def _party(company: Company, party_id: str | None, customer: bool, path: str) -> Party:
    kind = "customer" if customer else "supplier"
    if party_id is None:
        raise reject(f"{path} is required: which {kind}.", path)
    pool = (
        (*company.customers, *company.pushed_customers)
        if customer
        else (*company.suppliers, *company.pushed_suppliers)
    )
    for party in pool:
        if party.id == party_id:
            if party.status != "Active":
                raise reject(f"The {kind} {party_id} is archived.", path)
            return party
    raise reject(f"There is no {kind} with id {party_id}.", path)


def _account(company: Company, account_id: str | None, path: str) -> c.AccountDef:
    if account_id is None:
        raise reject(f"{path} is required.", path)
    code = account_id.removeprefix("acc-")
    account = company.chart_by_code.get(code)
    if account is None or account.id != account_id:
        raise reject(f"There is no account with id {account_id}.", path)
    if account.status != "Active":
        raise reject(f"The account {account_id} is archived.", path)
    return account


def _postable(company: Company, account_id: str | None, path: str) -> c.AccountDef:
    """An account a line may post to: not a bank account (money through a bank is a
    payment's) nor a control account (what is owed is the documents')."""
    account = _account(company, account_id, path)
    if account.is_bank:
        raise reject(f"{path}: {account.name} is a bank account; lines cannot post to it.", path)
    if account.code in _CONTROL:
        raise reject(f"{path}: {account.name} is a control account; lines cannot post to it.", path)
    return account


def _bank(company: Company, account_id: str | None, path: str) -> c.AccountDef:
    account = _account(company, account_id, path)
    if not account.is_bank:
        raise reject(f"{path}: {account.name} is not a bank account.", path)
    return account


def _document(
    company: Company, doc_id: str | None, data_type: DataType, path: str | None
) -> Document:
    """A document a write names: one a record refers to (a payment's link) is a 400 on
    the field naming it (``path``); the one an update, delete or upload acts on (no
    ``path``) is a 404, as every other data type's is."""
    label = _LABEL[data_type]
    doc = company.documents.get(doc_id or "")
    if doc is None or doc.deleted or doc.data_type != data_type.value:
        message = f"There is no {label} with id {doc_id}."
        if path is None:
            raise reject(message, status_code=404)
        raise reject(message, path)
    return doc


# -- lines ------------------------------------------------------------------------------


def _lines(
    w: _Write, record: Mapping[str, Any], sales: bool, required: bool = True
) -> tuple[Line, ...]:
    company = w.company
    items = _items(record, "lineItems")
    if not items and required:
        raise reject("lineItems needs at least one line.", "lineItems")
    lines = []
    for n, item in enumerate(items):
        p = f"lineItems[{n}]"
        quantity = _decimal(item.get("quantity", 1), f"{p}.quantity")
        if quantity <= 0:
            raise reject(f"{p}.quantity must be greater than 0.", f"{p}.quantity")
        discount = _opt_pence(item, "discountAmount", f"{p}.discountAmount") or 0
        unit = _opt_pence(item, "unitAmount", f"{p}.unitAmount")
        given_sub = _opt_pence(item, "subTotal", f"{p}.subTotal")
        if unit is None and given_sub is None:
            raise reject(f"{p} needs a unitAmount or a subTotal.", f"{p}.unitAmount")
        if unit is None:
            assert given_sub is not None
            exact = (Decimal(given_sub + discount) / quantity).quantize(Decimal(1))
            unit = int(exact)
            sub = given_sub
        else:
            gross = (Decimal(unit) * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            sub = int(gross) - discount
            _check_total(given_sub, sub, f"{p}.subTotal", "unitAmount * quantity - discountAmount")
        item_id = _ref_id(item, "itemRef")
        item_def = None
        if item_id is not None:
            item_def = c.ITEM_BY_ID.get(item_id)
            if item_def is None:
                raise reject(f"There is no item with id {item_id}.", f"{p}.itemRef.id")
        account_id = _ref_id(item, "accountRef")
        if account_id is None and item_def is not None:
            account_id = c.ACCOUNT_BY_CODE[item_def.account if sales else c.MATERIALS].id
        account = _postable(company, account_id, f"{p}.accountRef.id")
        rate_id = _ref_id(item, "taxRateRef")
        given_tax = _opt_pence(item, "taxAmount", f"{p}.taxAmount")
        if rate_id is None:
            if given_tax:
                raise reject(f"{p}.taxRateRef is required with a taxAmount.", f"{p}.taxRateRef")
            rate = c.NO_VAT
        else:
            found = _TAX_RATES.get(rate_id)
            if found is None:
                raise reject(f"There is no tax rate with id {rate_id}.", f"{p}.taxRateRef.id")
            rate = found
        computed = c.vat(sub, rate) if sub >= 0 else -c.vat(-sub, rate)
        tax = computed if given_tax is None else given_tax
        if abs(tax - computed) > 1:  # a penny of rounding either way, as platforms allow
            raise reject(
                f"{p}.taxAmount is {_show(tax)} but {rate.name} on {_show(sub)}"
                f" is {_show(computed)}.",
                f"{p}.taxAmount",
            )
        _check_total(_opt_pence(item, "totalAmount", f"{p}.totalAmount"), sub + tax,
                     f"{p}.totalAmount", "its subTotal and taxAmount")  # fmt: skip
        tracking = _tracking(item, p)
        description = _text(item, "description", f"{p}.description")
        if description is None:
            description = item_def.name if item_def is not None else account.name
        number: int | Decimal = int(quantity) if quantity == int(quantity) else quantity
        lines.append(
            Line(description, unit, number, sub, tax, account.code, rate, item_id, tracking)
        )
    return tuple(lines)


def _tracking(item: Mapping[str, Any], p: str) -> tuple[str, ...]:
    refs = _items(item, "trackingCategoryRefs")
    tracking = item.get("tracking")
    if isinstance(tracking, Mapping):
        refs += _items(tracking, "categoryRefs")
    ids = []
    for n, ref in enumerate(refs):
        ref_id = ref.get("id")
        if not isinstance(ref_id, str) or ref_id not in c.TRACKING_BY_ID:
            path = f"{p}.trackingCategoryRefs[{n}].id"
            raise reject(f"There is no tracking category with id {ref_id}.", path)
        if ref_id not in ids:
            ids.append(ref_id)
    return tuple(ids)


def _totals(record: Mapping[str, Any], lines: Sequence[Line], tax_field: str) -> tuple[int, int]:
    """The lines' sub total and tax, checked against the totals the record gives (each
    may be left out: it is then computed)."""
    sub = sum(line.sub for line in lines)
    tax = sum(line.tax for line in lines)
    _check_total(_opt_pence(record, "subTotal", "subTotal"), sub, "subTotal", "the lines")
    _check_total(_opt_pence(record, tax_field, tax_field), tax, tax_field, "the lines' taxes")
    total = _opt_pence(record, "totalAmount", "totalAmount")
    _check_total(total, sub + tax, "totalAmount", "the lines")
    if sub + tax < 0:
        raise reject("totalAmount cannot be negative.", "totalAmount")
    return sub, tax


# -- customers and suppliers --------------------------------------------------------------


def _party_fields(record: Mapping[str, Any], customer: bool) -> dict[str, Any]:
    name_key = "customerName" if customer else "supplierName"
    fields: dict[str, Any] = {}
    name = _text(record, name_key)
    if name is not None:
        fields["name"] = name[:100]
    for key, attr in (
        ("contactName", "contact"),
        ("emailAddress", "email"),
        ("phone", "phone"),
        ("taxNumber", "vat_number"),
        ("registrationNumber", "registration_number"),
    ):
        if key in record:
            fields[attr] = _text(record, key) or (
                "" if attr in ("contact", "email", "phone") else None
            )
    addresses = _items(record, "addresses")
    if addresses:
        first = addresses[0]
        fields["street"] = _text(first, "line1", "addresses[0].line1") or ""
        fields["city"] = _text(first, "city", "addresses[0].city") or ""
        fields["postcode"] = _text(first, "postalCode", "addresses[0].postalCode") or ""
    status = record.get("status")
    if status is not None:
        if status not in ("Active", "Archived"):
            raise reject("status must be Active or Archived.", "status")
        fields["status"] = status
    currency = record.get("defaultCurrency")
    if currency is not None and currency != BASE_CURRENCY:
        raise reject(
            f"defaultCurrency {currency} is not supported: the sandbox trades in GBP only.",
            "defaultCurrency",
        )
    return fields


def _unique_name(company: Company, name: str, customer: bool, but: Party | None = None) -> None:
    pool = (
        (*company.customers, *company.pushed_customers)
        if customer
        else (*company.suppliers, *company.pushed_suppliers)
    )
    if any(p.name.casefold() == name.casefold() and p is not but for p in pool):
        kind = "customer" if customer else "supplier"
        key = "customerName" if customer else "supplierName"
        raise reject(f"A {kind} named {name!r} already exists.", key)


def _create_party(w: _Write) -> Changes:
    customer = w.data_type is DataType.CUSTOMERS
    fields = _party_fields(w.record, customer)
    key = "customerName" if customer else "supplierName"
    if not fields.get("name"):
        raise reject(f"{key} is required.", key)
    _unique_name(w.company, fields["name"], customer)
    party = Party(
        id=w.id,
        name=fields["name"],
        contact=fields.get("contact") or "",
        email=fields.get("email") or "",
        phone=fields.get("phone") or "",
        street=fields.get("street", ""),
        city=fields.get("city", ""),
        postcode=fields.get("postcode", ""),
        region="",
        created=w.t,
        terms=30,
        lateness=0,
        vat_number=fields.get("vat_number"),
        registration_number=fields.get("registration_number"),
        status=fields.get("status", "Active"),
        pushed=True,
    )
    (w.company.pushed_customers if customer else w.company.pushed_suppliers).append(party)
    return [w.change(PushChangeType.CREATED, w.data_type, party.id)]


def find_party(company: Company, data_type: DataType, party_id: str) -> Party | None:
    pool = (
        (*company.customers, *company.pushed_customers)
        if data_type is DataType.CUSTOMERS
        else (*company.suppliers, *company.pushed_suppliers)
    )
    return next((p for p in pool if p.id == party_id), None)


def _update_party(w: _Write) -> Changes:
    customer = w.data_type is DataType.CUSTOMERS
    party = find_party(w.company, w.data_type, w.id)
    if party is None:
        kind = "customer" if customer else "supplier"
        raise reject(f"There is no {kind} with id {w.id}.", status_code=404)
    fields = _party_fields(w.record, customer)
    if "name" in fields:
        _unique_name(w.company, fields["name"], customer, but=party)
    for attr, value in fields.items():
        setattr(party, attr, value)
    party.modified = w.t
    return [w.change(PushChangeType.MODIFIED, w.data_type, party.id)]


# -- invoices, bills and their credit notes -------------------------------------------------


@dataclass
class _DocumentFields:
    party: Party
    number: str | None
    day: int
    due: int | None
    lines: tuple[Line, ...]
    sub: int
    tax: int
    note: str | None
    status: str


def _document_fields(w: _Write, existing: Document | None) -> _DocumentFields:
    record, data_type, company = w.record, w.data_type, w.company
    label = _LABEL[data_type]
    _currency(record, BASE_CURRENCY, label)
    sales = data_type in _SALES
    ref_key = "customerRef" if sales else "supplierRef"
    party_id = _ref_id(record, ref_key)
    if existing is not None and party_id is None:
        party = existing.party
    else:
        party = _party(company, party_id, sales, f"{ref_key}.id")
    number = _text(record, _NUMBER_FIELD[data_type])
    default_day = existing.day if existing is not None else w.t // 24
    if existing is not None and record.get("issueDate") is None:
        day = existing.day
    else:
        day = _day(company, record.get("issueDate"), "issueDate", default_day)
    due = None
    if data_type in (DataType.INVOICES, DataType.BILLS):
        if record.get("dueDate") is not None:
            due = _day(company, record.get("dueDate"), "dueDate", day)
            if due < day:
                raise reject("dueDate is before issueDate.", "dueDate")
        elif existing is not None:
            due = existing.due_override
    if existing is not None and record.get("lineItems") is None:
        lines = existing.lines
    else:
        lines = _lines(w, record, sales)
    sub, tax = _totals(record, lines, _TAX_FIELD[data_type])
    posted = _POSTED_STATUS[data_type]
    status = record.get("status")
    if status is None:
        status = ("Draft" if existing.draft else posted) if existing is not None else posted
    allowed = ("Draft", posted, "Void") if existing is not None else ("Draft", posted)
    if status not in allowed:
        shown = " or ".join(allowed)
        raise reject(f"status must be {shown} (got {status!r}).", "status")
    note = _text(record, "note")
    if existing is not None and "note" not in record:
        note = existing.note
    return _DocumentFields(party, number, day, due, lines, sub, tax, note, status)


def _unique_number(company: Company, data_type: DataType, number: str, but: str = "") -> None:
    field_name = _NUMBER_FIELD[data_type]
    if data_type is DataType.BILLS:
        return  # a bill's reference is the supplier's: two suppliers may use the same
    for doc in company.documents.values():
        same = doc.data_type == data_type.value and doc.number == number
        if same and doc.id != but and not doc.deleted:
            raise reject(f"{field_name} {number} is already used.", field_name)


def _create_document(w: _Write) -> Changes:
    f = _document_fields(w, None)
    number = f.number or f"{_NUMBER_PREFIX[w.data_type]}{w.id.rsplit('-w', 1)[-1]}"
    _unique_number(w.company, w.data_type, number)
    doc = Document(
        data_type=w.data_type.value,
        id=w.id,
        number=number,
        party=f.party,
        created=w.t,
        modified=w.t,
        day=f.day,
        lines=f.lines,
        sub=f.sub,
        tax=f.tax,
        draft=True,
        note=f.note,
        due_override=f.due,
        pushed=True,
    )
    w.company.add_document(doc)
    if f.status != "Draft":
        # Straight into the ledger; unlike a generated document, the party's unused
        # credit is not applied on its own (the client allocates what it wants).
        w.company.post_document(doc, w.t)
    return [w.change(PushChangeType.CREATED, w.data_type, doc.id)]


def _reverse(company: Company, doc: Document, t: int, description: str) -> None:
    original = doc.entry
    if original is None:
        return
    lines = (JournalLine(x.account, -x.amount, x.description) for x in original.lines)
    record = (doc.id, doc.data_type)
    company.post(t, original.journal, description, record, lines, original.day)
    doc.entry = None


def _update_document(w: _Write) -> Changes:
    doc = _document(w.company, w.id, w.data_type, None)
    label = _LABEL[w.data_type]
    if doc.void:
        raise reject(f"The {label} {doc.number} is void and cannot be changed.")
    f = _document_fields(w, doc)
    number = f.number or doc.number
    if number != doc.number:
        _unique_number(w.company, w.data_type, number, but=doc.id)
    money_changed = (
        f.lines != doc.lines or f.party is not doc.party or f.day != doc.day or f.sub != doc.sub
    )
    if doc.allocations and (money_changed or f.status != _status_of(doc)):
        raise reject(
            f"The {label} {doc.number} has payments or credit allocated: its amounts,"
            " party, date and status cannot be changed (remove the allocations first).",
        )
    if f.status == "Draft" and not doc.draft:
        raise reject(f"The {label} {doc.number} is posted and cannot go back to Draft.", "status")
    if f.status == "Void":
        if doc.draft:
            raise reject(f"A draft {label} cannot be voided: delete it instead.", "status")
        w.company.void_document(doc, w.t)
        return [w.change(PushChangeType.MODIFIED, w.data_type, doc.id)]
    posted = not doc.draft
    if posted and money_changed:
        _reverse(w.company, doc, w.t, f"Amended {doc.number}")
    doc.party, doc.number, doc.day, doc.due_override = f.party, number, f.day, f.due
    doc.lines, doc.sub, doc.tax, doc.note = f.lines, f.sub, f.tax, f.note
    doc.modified = w.t
    if (posted and money_changed) or (doc.draft and f.status != "Draft"):
        w.company.post_document(doc, w.t)
    return [w.change(PushChangeType.MODIFIED, w.data_type, doc.id)]


def _status_of(doc: Document) -> str:
    if doc.draft:
        return "Draft"
    return _POSTED_STATUS[DataType(doc.data_type)]


def _delete_document(w: _Write) -> Changes:
    doc = _document(w.company, w.id, w.data_type, None)
    label = _LABEL[w.data_type]
    if doc.allocations:
        raise reject(
            f"The {label} {doc.number} has payments allocated and cannot be deleted"
            " (delete the payments first)."
        )
    if not doc.draft and not doc.void:
        _reverse(w.company, doc, w.t, f"Deleted {doc.number}")
    doc.deleted = True
    doc.modified = w.t
    return [w.change(PushChangeType.DELETED, w.data_type, doc.id)]


# -- payments -------------------------------------------------------------------------------


def _create_payment(w: _Write) -> Changes:
    record, company = w.record, w.company
    receipt = w.data_type is DataType.PAYMENTS
    target_type = DataType.INVOICES if receipt else DataType.BILLS
    credit_type = DataType.CREDIT_NOTES if receipt else DataType.BILL_CREDIT_NOTES
    target_link = "Invoice" if receipt else "Bill"
    ref_key = "customerRef" if receipt else "supplierRef"
    party = _party(company, _ref_id(record, ref_key), receipt, f"{ref_key}.id")
    day = _day(company, record.get("date"), "date", w.t // 24)
    lines_in = _items(record, "lines")
    if not lines_in:
        raise reject("lines needs at least one line linking the payment to a document.", "lines")
    applied: dict[str, int] = defaultdict(int)  # document id -> amount this payment applies
    docs: dict[str, Document] = {}
    lines: list[PaymentLine] = []
    cash_docs: set[str] = set()
    for n, line in enumerate(lines_in):
        p = f"lines[{n}]"
        links_in = _items(line, "links")
        if not links_in:
            raise reject(
                f"{p}.links is required: the sandbox takes no payment on account.", f"{p}.links"
            )
        given = _opt_pence(line, "amount", f"{p}.amount")
        links = []
        for k, link in enumerate(links_in):
            lp = f"{p}.links[{k}]"
            link_type = link.get("type")
            link_id = link.get("id")
            amount = _opt_pence(link, "amount", f"{lp}.amount")
            if amount is None:
                if given is None or len(links_in) != 1:
                    raise reject(f"{lp}.amount is required.", f"{lp}.amount")
                amount = -given
            if link_type == target_link:
                doc = _document(company, link_id, target_type, f"{lp}.id")
                if amount >= 0:
                    raise reject(
                        f"{lp}.amount must be negative: what the payment takes off"
                        f" {_LABEL[target_type]} {doc.number}.",
                        f"{lp}.amount",
                    )
                applied[doc.id] += -amount
            elif link_type == "CreditNote":
                doc = _document(company, link_id, credit_type, f"{lp}.id")
                if amount <= 0:
                    raise reject(
                        f"{lp}.amount must be positive: how much of credit note"
                        f" {doc.number} is used.",
                        f"{lp}.amount",
                    )
                applied[doc.id] += amount
            else:
                raise reject(
                    f"{lp}.type must be {target_link} or CreditNote (got {link_type!r}).",
                    f"{lp}.type",
                )
            _payable(doc, party, lp)
            docs[doc.id] = doc
            links.append(Link(str(link_type), doc.id, amount))
        amount = -sum(link.amount for link in links)
        if given is not None and given != amount:
            raise reject(
                f"{p}.amount is {_show(given)} but its links add up to {_show(amount)}"
                " (a line's amount is minus the sum of its links').",
                f"{p}.amount",
            )
        if amount < 0:
            raise reject(f"{p}.amount cannot be negative (refunds are not supported).", p)
        if amount > 0:
            cash_docs.update(link.id for link in links if link.type == target_link)
        lines.append(PaymentLine(amount, tuple(links)))
    for doc_id, amount in applied.items():
        doc = docs[doc_id]
        if amount > doc.due:
            what = _LABEL[DataType(doc.data_type)]
            left = "due on it" if doc.data_type in ("invoices", "bills") else "left on it"
            raise reject(
                f"The payment applies {_show(amount)} to {what} {doc.number}, more than the"
                f" {_show(doc.due)} {left}.",
                "lines",
            )
    total = sum(line.amount for line in lines)
    _check_total(
        _opt_pence(record, "totalAmount", "totalAmount"), total, "totalAmount", "the lines"
    )
    account_id = _ref_id(record, "accountRef")
    bank = c.ACCOUNT_BY_CODE[c.BANK]
    if total > 0:
        if account_id is None:
            raise reject("accountRef is required: the bank account the money went through.",
                         "accountRef.id")  # fmt: skip
        bank = _bank(company, account_id, "accountRef.id")
    currency = record.get("currency") or bank.currency
    if currency != bank.currency:
        raise reject(
            f"The payment is in {currency} but bank account {bank.name} is in {bank.currency}.",
            "currency",
        )
    if currency != BASE_CURRENCY:
        raise reject(
            f"The payment is in {currency} but the documents it pays are in {BASE_CURRENCY}.",
            "currency",
        )
    _currency(record, BASE_CURRENCY, "payment")
    method = None
    method_id = _ref_id(record, "paymentMethodRef")
    if method_id is not None:
        method = _METHODS.get(method_id)
        if method is None:
            raise reject(f"There is no payment method with id {method_id}.", "paymentMethodRef.id")
    # Everything checked: apply it.
    t = w.t
    payment = Payment(
        data_type=w.data_type.value,
        id=w.id,
        party=party,
        t=t,
        total=total,
        method=method,
        lines=tuple(lines),
        reference=_text(record, "reference"),
        note=_text(record, "note"),
        account=bank.code,
    )
    (company.payments if receipt else company.bill_payments).append(payment)
    changes = [w.change(PushChangeType.CREATED, w.data_type, payment.id)]
    for doc_id, amount in applied.items():
        doc = docs[doc_id]
        is_credit = doc.data_type == credit_type.value
        cash = not is_credit and doc_id in cash_docs
        note = "Credit note applied" if is_credit else (None if cash else "Credit note")
        doc.allocations.append(Allocation(payment.id, total, t, amount, cash, note, bank.code))
        doc.modified = t
        changes.append(w.change(PushChangeType.MODIFIED, DataType(doc.data_type), doc.id))
    if total:
        sign = 1 if receipt else -1
        control = c.DEBTORS if receipt else c.CREDITORS
        company.post(
            t,
            c.RECEIPTS_JOURNAL if receipt else c.PAYMENTS_JOURNAL,
            f"{'Receipt from' if receipt else 'Payment to'} {party.name}",
            (payment.id, payment.data_type),
            (JournalLine(bank.code, sign * total), JournalLine(control, -sign * total, party.name)),
            day=day,
        )
        company.bank(
            t,
            sign * total,
            f"{party.name} {payment.reference or ''}".strip()[:120],
            "Credit" if receipt else "Debit",
            counterparty=party.name,
            reference=payment.id,
            account=bank.code,
        )
    return changes


def _payable(doc: Document, party: Party, path: str) -> None:
    what = f"{_LABEL[DataType(doc.data_type)]} {doc.number}"
    if doc.draft:
        raise reject(f"The {what} is a draft: approve it before paying it.", path)
    if doc.void:
        raise reject(f"The {what} is void.", path)
    if doc.party is not party:
        raise reject(f"The {what} belongs to {doc.party.name}, not {party.name}.", path)


def _find_payment(company: Company, data_type: DataType, payment_id: str) -> Payment:
    pool = company.payments if data_type is DataType.PAYMENTS else company.bill_payments
    for payment in pool:
        if payment.id == payment_id and payment.id not in company.deleted:
            return payment
    raise reject(f"There is no {data_type.value} record with id {payment_id}.", status_code=404)


def _delete_payment(w: _Write) -> Changes:
    company = w.company
    payment = _find_payment(company, w.data_type, w.id)
    receipt = w.data_type is DataType.PAYMENTS
    changes = [w.change(PushChangeType.DELETED, w.data_type, payment.id)]
    for line in payment.lines:
        for link in line.links:
            doc = company.documents.get(link.id)
            if doc is None:
                continue
            kept = [a for a in doc.allocations if a.payment_id != payment.id]
            if len(kept) != len(doc.allocations):
                doc.allocations[:] = kept
                doc.modified = w.t
                change = w.change(PushChangeType.MODIFIED, DataType(doc.data_type), doc.id)
                if change not in changes:
                    changes.append(change)
    if payment.total:
        sign = -1 if receipt else 1  # the reverse of the payment's
        control = c.DEBTORS if receipt else c.CREDITORS
        total = payment.total
        company.post(
            w.t,
            c.GENERAL_JOURNAL,
            f"Deleted payment {payment.id}",
            (payment.id, payment.data_type),
            (
                JournalLine(payment.account, sign * total),
                JournalLine(control, -sign * total, payment.party.name),
            ),
        )
        company.bank(
            w.t,
            sign * total,
            f"Reversal: {payment.party.name}"[:120],
            "Other",
            counterparty=payment.party.name,
            reference=payment.id,
            account=payment.account,
        )
    company.deleted.add(payment.id)
    return changes


# -- direct costs and direct incomes -----------------------------------------------------


@dataclass(frozen=True)
class _DirectFields:
    day: int
    lines: tuple[Line, ...]
    sub: int
    tax: int
    contact: tuple[str, str] | None
    bank: str  # the bank account's code
    reference: str | None
    note: str | None


def _direct_fields(w: _Write, existing: DirectCost | None, day_default: int) -> _DirectFields:
    """A direct cost's or income's fields, every one checked (an update sends the whole
    record, as a create does)."""
    record, company = w.record, w.company
    income = w.data_type is DataType.DIRECT_INCOMES
    what = "direct income" if income else "direct cost"
    _currency(record, BASE_CURRENCY, what)
    day = _day(company, record.get("issueDate"), "issueDate", day_default)
    lines = _lines(w, record, sales=income)
    sub, tax = _totals(record, lines, "taxAmount")
    if sub + tax <= 0:
        raise reject(f"A {what} must move money: its totalAmount must be more than 0.",
                     "totalAmount")  # fmt: skip
    contact = None
    contact_ref = record.get("contactRef")
    if isinstance(contact_ref, Mapping) and contact_ref.get("id") is not None:
        kind = contact_ref.get("dataType") or ("customers" if income else "suppliers")
        if kind not in ("customers", "suppliers"):
            raise reject("contactRef.dataType must be customers or suppliers.",
                         "contactRef.dataType")  # fmt: skip
        party = _party(company, str(contact_ref["id"]), kind == "customers", "contactRef.id")
        contact = (party.id, kind)
    bank = c.ACCOUNT_BY_CODE[existing.account if existing is not None else c.BANK]
    allocations = _items(record, "paymentAllocations")
    if allocations:
        payment = allocations[0].get("payment")
        if isinstance(payment, Mapping):
            account_id = _ref_id(payment, "accountRef")
            if account_id is not None:
                bank = _bank(company, account_id, "paymentAllocations[0].payment.accountRef.id")
    if bank.currency != BASE_CURRENCY:
        raise reject(
            f"The {what} is in {BASE_CURRENCY} but bank account {bank.name} is in {bank.currency}.",
            "currency",
        )
    reference, note = _text(record, "reference"), _text(record, "note")
    return _DirectFields(day, lines, sub, tax, contact, bank.code, reference, note)


def _post_direct(w: _Write, cost: DirectCost, day: int) -> None:
    """Post a direct cost (its accounts debited, the bank credited) or income (the
    reverse) to the ledger, and its money to the bank account's statement."""
    company = w.company
    income = cost.income
    what = "direct income" if income else "direct cost"
    sign = -1 if income else 1  # a cost debits its accounts; an income credits them
    net: dict[str, int] = defaultdict(int)
    for line in cost.lines:
        net[line.account] += line.sub
    journal_lines = [JournalLine(account, sign * amount) for account, amount in net.items()]
    journal_lines.append(JournalLine(c.VAT_ON_SALES if income else c.VAT_ON_PURCHASES,
                                     sign * cost.tax, "VAT"))  # fmt: skip
    journal_lines.append(JournalLine(cost.account, -sign * cost.total, cost.reference or what))
    label = cost.note or cost.reference or what.capitalize()
    company.post(
        w.t,
        c.RECEIPTS_JOURNAL if income else c.PAYMENTS_JOURNAL,
        label,
        (cost.id, w.data_type.value),
        journal_lines,
        day=day,
    )
    company.bank(
        w.t,
        -sign * cost.total,
        label[:120],
        "Credit" if income else "Debit",
        reference=cost.reference or cost.id,
        account=cost.account,
    )


def _create_direct(w: _Write) -> Changes:
    f = _direct_fields(w, None, w.t // 24)
    cost = DirectCost(
        id=w.id,
        t=w.t,
        day=f.day,
        lines=f.lines,
        sub=f.sub,
        tax=f.tax,
        reference=f.reference,
        note=f.note,
        account=f.bank,
        contact=f.contact,
        income=w.data_type is DataType.DIRECT_INCOMES,
    )
    (w.company.direct_incomes if cost.income else w.company.direct_costs).append(cost)
    _post_direct(w, cost, f.day)
    return [w.change(PushChangeType.CREATED, w.data_type, cost.id)]


def find_direct(company: Company, data_type: DataType, record_id: str) -> DirectCost | None:
    pool = company.direct_incomes if data_type is DataType.DIRECT_INCOMES else company.direct_costs
    return next((x for x in pool if x.id == record_id and x.id not in company.deleted), None)


def _posting(company: Company, cost: DirectCost, data_type: DataType) -> JournalEntry | None:
    """The journal entry that posts a direct cost or income as it stands now: the last
    one for it (an update posts a reversal of the one before, then its own)."""
    record = (cost.id, data_type.value)
    return next((e for e in reversed(company.journal_entries) if e.record == record), None)


def _update_direct(w: _Write) -> Changes:
    """Rewrite a direct cost or income: its posting is reversed on its own date and the
    new one posted, as platforms amend a spend-money transaction; refused if either date
    is on or before the ledger lock date (a locked period never changes)."""
    company = w.company
    what = "direct income" if w.data_type is DataType.DIRECT_INCOMES else "direct cost"
    cost = find_direct(company, w.data_type, w.id)
    if cost is None:
        raise reject(f"There is no {what} with id {w.id}.", status_code=404)
    posting = _posting(company, cost, w.data_type)
    locked = company.vat_locked_to
    if posting is not None and locked is not None and posting.day <= locked:
        lock = company.date(locked).isoformat()
        raise reject(
            f"The {what} {cost.id} is dated on or before the ledger lock date ({lock})"
            " and cannot be changed.",
        )
    f = _direct_fields(w, cost, cost.day)
    if posting is not None:
        reversed_lines = (JournalLine(x.account, -x.amount, x.description) for x in posting.lines)
        company.post(w.t, posting.journal, f"Amended {cost.id}", posting.record, reversed_lines,
                     posting.day)  # fmt: skip
    sign = 1 if cost.income else -1  # the money the original moved, taken back
    company.bank(w.t, -sign * cost.total, f"Amended: {cost.reference or cost.id}"[:120],
                 "Other", reference=cost.id, account=cost.account)  # fmt: skip
    changed = replace(
        cost,
        t=w.t,
        day=f.day,
        lines=f.lines,
        sub=f.sub,
        tax=f.tax,
        reference=f.reference,
        note=f.note,
        account=f.bank,
        contact=f.contact,
    )
    pool = company.direct_incomes if cost.income else company.direct_costs
    pool.remove(cost)
    pool.append(changed)  # last: the list stays in the order records were modified
    _post_direct(w, changed, f.day)
    return [w.change(PushChangeType.MODIFIED, w.data_type, cost.id)]


def _delete_direct(w: _Write) -> Changes:
    company = w.company
    cost = find_direct(company, w.data_type, w.id)
    if cost is None:
        raise reject(f"There is no direct cost with id {w.id}.", status_code=404)
    entry = _posting(company, cost, w.data_type)
    if entry is not None:
        reversed_lines = (JournalLine(x.account, -x.amount, x.description) for x in entry.lines)
        company.post(w.t, c.GENERAL_JOURNAL, f"Deleted {cost.id}", entry.record, reversed_lines)
    sign = 1 if cost.income else -1
    company.bank(w.t, -sign * cost.total, f"Reversal: {cost.reference or cost.id}"[:120],
                 "Other", reference=cost.id, account=cost.account)  # fmt: skip
    company.deleted.add(cost.id)
    return [w.change(PushChangeType.DELETED, w.data_type, cost.id)]


# -- journal entries ---------------------------------------------------------------------


def _create_journal(w: _Write) -> Changes:
    record, company = w.record, w.company
    day = _day(company, record.get("postedOn"), "postedOn", w.t // 24)
    items = _items(record, "journalLines")
    if len(items) < 2:
        raise reject("journalLines needs at least two lines.", "journalLines")
    lines = []
    for n, item in enumerate(items):
        p = f"journalLines[{n}]"
        amount = item.get("netAmount")
        if amount is None:
            raise reject(f"{p}.netAmount is required.", f"{p}.netAmount")
        currency = item.get("currency")
        if currency is not None and currency != BASE_CURRENCY:
            raise reject(f"{p}.currency must be {BASE_CURRENCY}.", f"{p}.currency")
        account = _postable(company, _ref_id(item, "accountRef"), f"{p}.accountRef.id")
        lines.append(
            JournalLine(account.code, pence(amount, f"{p}.netAmount"), _text(item, "description"))
        )
    if sum(line.amount for line in lines) != 0:
        total = _show(sum(line.amount for line in lines))
        raise reject(f"The journal lines do not balance: they add up to {total}, not 0.",
                     "journalLines")  # fmt: skip
    if not any(line.amount for line in lines):
        raise reject("A journal entry needs amounts.", "journalLines")
    journal_id = _ref_id(record, "journalRef")
    journal = c.GENERAL_JOURNAL
    if journal_id is not None:
        found = next((j for j in company.journals if j.id == journal_id), None)
        if found is None:
            raise reject(f"There is no journal with id {journal_id}.", "journalRef.id")
        if found.status != "Active":
            raise reject(f"The journal {found.name} is archived.", "journalRef.id")
        journal = found
    description = _text(record, "description") or "Manual journal"
    company.post(w.t, journal, description, None, lines, day=day, entry_id=w.id)
    return [w.change(PushChangeType.CREATED, w.data_type, w.id)]


def _delete_journal(w: _Write) -> Changes:
    company = w.company
    entry = next((e for e in company.journal_entries if e.id == w.id), None)
    if entry is None:
        raise reject(f"There is no journal entry with id {w.id}.", status_code=404)
    if not entry.id.startswith(ID_PREFIX[DataType.JOURNAL_ENTRIES] + "-w"):
        raise reject(
            f"Journal entry {w.id} was posted by a transaction, not by hand: delete or void"
            " the transaction instead."
        )
    company.unpost(entry, w.t)
    return [w.change(PushChangeType.DELETED, w.data_type, w.id)]


# -- journals ----------------------------------------------------------------------------

JOURNAL_TYPES = ("General", "Sales", "Purchases", "CashReceipts", "CashPayments")
"""The kinds of journal the sandbox keeps (its catalog's): a new one is one of them."""
JOURNAL_NAME = 256  # Codat: a longer journal name is truncated


def _create_journal_book(w: _Write) -> Changes:
    """A new journal (book): its name and code unique among the company's journals
    (ignoring case), under an active parent journal if one is named. It has no
    entries and no children yet; a journal entry written afterwards may name it."""
    record, company = w.record, w.company
    name = _text(record, "name")
    if name is None:
        raise reject("name is required.", "name")
    name = name[:JOURNAL_NAME]
    if any(j.name.casefold() == name.casefold() for j in company.journals):
        raise reject(f"A journal named {name!r} already exists.", "name")
    code = _text(record, "journalCode")
    if code is not None and any(
        j.code is not None and j.code.casefold() == code.casefold() for j in company.journals
    ):
        raise reject(f"journalCode {code} is already used.", "journalCode")
    journal_type = record.get("type") or "General"
    if journal_type not in JOURNAL_TYPES:
        raise reject(f"type must be one of {', '.join(JOURNAL_TYPES)}.", "type")
    status = record.get("status") or "Active"
    if status not in ("Active", "Archived"):
        raise reject("status must be Active or Archived.", "status")
    if record.get("hasChildren"):
        raise reject("hasChildren must be false: a new journal has no child journals.",
                     "hasChildren")  # fmt: skip
    parent_id = _text(record, "parentId")
    if parent_id is not None:
        parent = next((j for j in company.journals if j.id == parent_id), None)
        if parent is None:
            raise reject(f"There is no journal with id {parent_id}.", "parentId")
        if parent.status != "Active":
            raise reject(f"The journal {parent.name} is archived.", "parentId")
        company.journal_modified[parent.id] = w.t  # it has a child now
    journal = c.JournalDef(w.id, code, name, str(journal_type), parent_id, str(status))
    company.journals.append(journal)
    company.journal_created[journal.id] = w.t
    company.journal_modified[journal.id] = w.t
    return [w.change(PushChangeType.CREATED, w.data_type, journal.id)]


# -- accounts and bank accounts ----------------------------------------------------------


def _new_code(company: Company, record: Mapping[str, Any], fallback: str) -> str:
    code = _text(record, "nominalCode")
    if code is None:
        code = fallback
    if code in company.chart_by_code:
        raise reject(f"An account with nominal code {code} already exists.", "nominalCode")
    return code


def _unique_account_name(company: Company, name: str, key: str, but: str = "") -> None:
    if any(a.name.casefold() == name.casefold() and a.code != but for a in company.chart):
        raise reject(f"An account named {name!r} already exists.", key)


def _create_account(w: _Write) -> Changes:
    record, company = w.record, w.company
    name = _text(record, "name")
    if name is None:
        raise reject("name is required.", "name")
    account_type = record.get("type")
    if account_type not in _ACCOUNT_TYPES:
        raise reject(f"type must be one of {', '.join(_ACCOUNT_TYPES)}.", "type")
    if record.get("isBankAccount"):
        raise reject("Create a bank account through bankAccounts.", "isBankAccount")
    _currency(record, BASE_CURRENCY, "account")
    category = _text(record, "fullyQualifiedCategory") or str(account_type)
    if category.split(".")[0] != account_type:
        raise reject(f"fullyQualifiedCategory must start with {account_type}.",
                     "fullyQualifiedCategory")  # fmt: skip
    status = record.get("status") or "Active"
    if status not in ("Active", "Archived"):
        raise reject("status must be Active or Archived.", "status")
    code = _new_code(company, record, w.id.removeprefix("acc-"))
    _unique_account_name(company, name, "name")
    account = c.AccountDef(
        code, name, str(account_type), category, _text(record, "description") or "", status=status
    )
    company.add_account(account, w.t)
    return [w.change(PushChangeType.CREATED, w.data_type, account.id)]


_BANK_DETAILS = ("sortCode", "accountNumber", "iBan", "institution")


def _bank_fields(record: Mapping[str, Any]) -> dict[str, str | int | None]:
    details: dict[str, str | int | None] = {}
    for key in _BANK_DETAILS:
        if key in record:
            details[key] = _text(record, key)
    if record.get("accountType") is not None:
        if record["accountType"] not in ("Debit", "Credit"):
            raise reject("accountType must be Debit or Credit.", "accountType")
        details["accountType"] = record["accountType"]
    limit = _opt_pence(record, "overdraftLimit", "overdraftLimit")
    if limit is not None:
        if limit < 0:
            raise reject("overdraftLimit cannot be negative.", "overdraftLimit")
        details["overdraftLimit"] = limit
    return details


def _currency_code(record: Mapping[str, Any], default: str) -> str:
    currency = record.get("currency") or default
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise reject("currency must be an ISO 4217 code such as GBP.", "currency")
    return currency.upper()


def _create_bank_account(w: _Write) -> Changes:
    record, company = w.record, w.company
    name = _text(record, "accountName")
    if name is None:
        raise reject("accountName is required.", "accountName")
    balance = _opt_pence(record, "balance", "balance")
    if balance:
        raise reject(
            "A new bank account starts at 0: its balance comes from what is paid through it.",
            "balance",
        )
    details = _bank_fields(record)
    currency = _currency_code(record, BASE_CURRENCY)
    code = _new_code(company, record, w.id.removeprefix("acc-"))
    _unique_account_name(company, name, "accountName")
    status = record.get("status") or "Active"
    if status not in ("Active", "Archived"):
        raise reject("status must be Active or Archived.", "status")
    credit = details.get("accountType") == "Credit"  # a credit card: a liability
    account = c.AccountDef(
        code,
        name,
        "Liability" if credit else "Asset",
        "Liability.Current.Bank" if credit else "Asset.Current.Bank",
        f"{name} ({currency})",
        is_bank=True,
        currency=currency,
        status=status,
    )
    company.add_account(account, w.t)
    company.bank_details[code] = details
    return [w.change(PushChangeType.CREATED, w.data_type, account.id)]


def _update_bank_account(w: _Write) -> Changes:
    record, company = w.record, w.company
    code = w.id.removeprefix("acc-")
    account = company.chart_by_code.get(code)
    if account is None or account.id != w.id or not account.is_bank:
        raise reject(f"There is no bank account with id {w.id}.", status_code=404)
    details = _bank_fields(record)
    name = _text(record, "accountName") or account.name
    if name != account.name:
        _unique_account_name(company, name, "accountName", but=code)
    currency = _currency_code(record, account.currency)
    if currency != account.currency:
        raise reject("A bank account's currency cannot be changed.", "currency")
    status = record.get("status") or account.status
    if status not in ("Active", "Archived"):
        raise reject("status must be Active or Archived.", "status")
    if "accountType" in details and code not in company.bank_details:
        raise reject("The current account's type cannot be changed.", "accountType")
    changed = replace(account, name=name, status=status)
    company.chart[company.chart.index(account)] = changed
    company.chart_by_code[code] = changed
    if code in company.bank_details:
        company.bank_details[code].update(details)
    company.account_created[code] = w.t
    return [w.change(PushChangeType.MODIFIED, w.data_type, account.id)]


# -- transfers -----------------------------------------------------------------------------


def _transfer_side(
    company: Company, record: Mapping[str, Any], key: str
) -> tuple[c.AccountDef, int | None]:
    """One side of a transfer (``from`` or ``to``): a bank account of the company, and
    the amount if given."""
    side = record.get(key)
    if not isinstance(side, Mapping):
        raise reject(f"{key} is required: the bank account and the amount.", key)
    bank = _bank(company, _ref_id(side, "accountRef"), f"{key}.accountRef.id")
    currency = side.get("currency")
    if currency is not None and currency != bank.currency:
        raise reject(
            f"{key}.currency is {currency} but bank account {bank.name} is in {bank.currency}.",
            f"{key}.currency",
        )
    return bank, _opt_pence(side, "amount", f"{key}.amount")


def _transfer_contact(company: Company, record: Mapping[str, Any]) -> tuple[str, str] | None:
    """The customer or supplier a transfer names, if any: ``contactRef.dataType`` says
    which; without it, the customer or supplier with that id."""
    ref = record.get("contactRef")
    if ref is None:
        return None
    if not isinstance(ref, Mapping) or not isinstance(ref.get("id"), str) or not ref["id"]:
        raise reject("contactRef must be an object with an id.", "contactRef.id")
    kind = ref.get("dataType")
    if kind is None:
        found = find_party(company, DataType.CUSTOMERS, ref["id"])
        kind = "customers" if found is not None else "suppliers"
    if kind not in ("customers", "suppliers"):
        raise reject("contactRef.dataType must be customers or suppliers.", "contactRef.dataType")
    party = _party(company, ref["id"], kind == "customers", "contactRef.id")
    return party.id, kind


def _create_transfer(w: _Write) -> Changes:
    """Money moved between two of the company's bank accounts: a balanced journal entry
    (the receiving account debited, the paying one credited) on the transfer's date,
    and a line on each account's statement. The sandbox converts no currency and its
    ledger is in GBP, so both accounts are GBP ones and the same amount leaves one and
    arrives in the other."""
    record, company = w.record, w.company
    day = _day(company, record.get("date"), "date", w.t // 24)
    source, sent = _transfer_side(company, record, "from")
    target, received = _transfer_side(company, record, "to")
    if source.code == target.code:
        raise reject(
            "to.accountRef.id must differ from from.accountRef.id: a transfer moves money"
            " between two accounts.",
            "to.accountRef.id",
        )
    if source.currency != target.currency:
        raise reject(
            f"Bank account {source.name} is in {source.currency} and {target.name} in"
            f" {target.currency}: the sandbox converts no currency.",
            "to.accountRef.id",
        )
    if source.currency != BASE_CURRENCY:
        raise reject(
            f"Bank accounts {source.name} and {target.name} are in {source.currency}: the"
            f" sandbox's ledger is in {BASE_CURRENCY} and keeps no exchange rates.",
            "from.accountRef.id",
        )
    amount = sent if sent is not None else received
    if amount is None:
        raise reject("from.amount is required.", "from.amount")
    if received is not None and received != amount:
        raise reject(
            f"to.amount is {_show(received)} but from.amount is {_show(amount)}: both"
            " accounts are in the same currency, so what leaves one arrives in the other.",
            "to.amount",
        )
    if amount <= 0:
        raise reject("from.amount must be more than 0 (swap from and to to move money back).",
                     "from.amount")  # fmt: skip
    if record.get("depositedRecordRefs"):  # a list of record ids
        raise reject(
            "depositedRecordRefs is not supported: the sandbox keeps no undeposited funds"
            " account (a payment goes straight to a bank account).",
            "depositedRecordRefs",
        )
    contact = _transfer_contact(company, record)
    tracking: list[str] = []
    for n, ref in enumerate(_items(record, "trackingCategoryRefs")):
        ref_id = ref.get("id")
        if not isinstance(ref_id, str) or ref_id not in c.TRACKING_BY_ID:
            path = f"trackingCategoryRefs[{n}].id"
            raise reject(f"There is no tracking category with id {ref_id}.", path)
        if ref_id not in tracking:
            tracking.append(ref_id)
    description = _text(record, "description")
    transfer = Transfer(
        id=w.id,
        t=w.t,
        day=day,
        source=source.code,
        target=target.code,
        amount=amount,
        currency=source.currency,
        description=description,
        contact=contact,
        tracking=tuple(tracking),
    )
    company.transfers.append(transfer)
    label = description or f"Transfer from {source.name} to {target.name}"
    company.post(
        w.t,
        c.GENERAL_JOURNAL,
        label,
        (transfer.id, w.data_type.value),
        (
            JournalLine(target.code, amount, f"From {source.name}"),
            JournalLine(source.code, -amount, f"To {target.name}"),
        ),
        day=day,
    )
    company.bank(w.t, -amount, label[:120], "Xfer", counterparty=target.name,
                 reference=transfer.id, account=source.code)  # fmt: skip
    company.bank(w.t, amount, label[:120], "Xfer", counterparty=source.name,
                 reference=transfer.id, account=target.code)  # fmt: skip
    return [w.change(PushChangeType.CREATED, w.data_type, transfer.id)]


# -- attachments ---------------------------------------------------------------------------


def _upload(w: _Write) -> Changes:
    company = w.company
    record_id = w.id
    if w.data_type in _DOCUMENT_TYPES:
        doc = _document(company, record_id, w.data_type, None)
        doc.modified = w.t
    elif find_direct(company, w.data_type, record_id) is None:
        raise reject(f"There is no {w.data_type.value} record with id {record_id}.",
                     status_code=404)  # fmt: skip
    file = w.entry.get("file")
    if not isinstance(file, Mapping):
        raise reject("No file was uploaded.")
    content = base64.b64decode(str(file.get("content", "")))
    upload = Upload(
        id=str(w.entry["attachmentId"]),
        name=str(file.get("name") or "attachment"),
        content_type=str(file.get("contentType") or "application/octet-stream"),
        content=content,
        t=w.t,
    )
    company.uploads[f"{w.data_type.value}:{record_id}"].append(upload)
    return [RecordChange(PushChangeType.ATTACHMENT_UPLOADED, w.data_type, record_id, upload.id)]


def _delete_upload(w: _Write) -> Changes:
    """Remove a file pushed to a record. The generated PDF of an invoice or bill is
    the document itself, as the platform drew it: it cannot be deleted."""
    company, record_id = w.company, w.id
    attachment_id = str(w.entry.get("attachmentId") or "")
    if w.data_type in _DOCUMENT_TYPES:
        doc = _document(company, record_id, w.data_type, None)
    elif find_direct(company, w.data_type, record_id) is None:
        raise reject(f"There is no {w.data_type.value} record with id {record_id}.",
                     status_code=404)  # fmt: skip
    else:
        doc = None
    if w.data_type in PDF_TYPES and attachment_id == pdf_id(record_id):
        raise reject(
            f"Attachment {attachment_id} is the {_LABEL[w.data_type]}'s own PDF, made by the"
            " platform: it cannot be deleted (only files uploaded through the API can)."
        )
    files = company.uploads.get(f"{w.data_type.value}:{record_id}", [])
    upload = next((f for f in files if f.id == attachment_id), None)
    if upload is None:
        raise reject(
            f"There is no attachment with id {attachment_id} on {w.data_type.value}"
            f" record {record_id}.",
            status_code=404,
        )
    files.remove(upload)
    if doc is not None:
        doc.modified = w.t
    return [RecordChange(PushChangeType.DELETED, w.data_type, record_id, upload.id)]


Handler = Callable[[_Write], Changes]
_HANDLERS: dict[tuple[DataType, WriteKind], Handler] = {
    (DataType.CUSTOMERS, WriteKind.CREATE): _create_party,
    (DataType.SUPPLIERS, WriteKind.CREATE): _create_party,
    (DataType.CUSTOMERS, WriteKind.UPDATE): _update_party,
    (DataType.SUPPLIERS, WriteKind.UPDATE): _update_party,
    (DataType.PAYMENTS, WriteKind.CREATE): _create_payment,
    (DataType.BILL_PAYMENTS, WriteKind.CREATE): _create_payment,
    (DataType.BILL_PAYMENTS, WriteKind.DELETE): _delete_payment,
    (DataType.DIRECT_COSTS, WriteKind.CREATE): _create_direct,
    (DataType.DIRECT_INCOMES, WriteKind.CREATE): _create_direct,
    (DataType.DIRECT_COSTS, WriteKind.UPDATE): _update_direct,
    (DataType.DIRECT_INCOMES, WriteKind.UPDATE): _update_direct,
    (DataType.DIRECT_COSTS, WriteKind.DELETE): _delete_direct,
    (DataType.JOURNAL_ENTRIES, WriteKind.CREATE): _create_journal,
    (DataType.JOURNAL_ENTRIES, WriteKind.DELETE): _delete_journal,
    (DataType.CHART_OF_ACCOUNTS, WriteKind.CREATE): _create_account,
    (DataType.BANK_ACCOUNTS, WriteKind.CREATE): _create_bank_account,
    (DataType.BANK_ACCOUNTS, WriteKind.UPDATE): _update_bank_account,
    (DataType.TRANSFERS, WriteKind.CREATE): _create_transfer,
    (DataType.JOURNALS, WriteKind.CREATE): _create_journal_book,
}
for _type in _DOCUMENT_TYPES:
    _HANDLERS[(_type, WriteKind.CREATE)] = _create_document
    _HANDLERS[(_type, WriteKind.UPDATE)] = _update_document
for _type in (DataType.BILLS, DataType.INVOICES):
    _HANDLERS[(_type, WriteKind.DELETE)] = _delete_document
for _type in (DataType.BILLS, DataType.INVOICES, DataType.DIRECT_COSTS, DataType.DIRECT_INCOMES):
    _HANDLERS[(_type, WriteKind.UPLOAD_ATTACHMENT)] = _upload
    _HANDLERS[(_type, WriteKind.DELETE_ATTACHMENT)] = _delete_upload

SUPPORTED: dict[DataType, frozenset[WriteKind]] = {}
for _type, _kind in _HANDLERS:
    SUPPORTED[_type] = SUPPORTED.get(_type, frozenset()) | {_kind}
