"""The sandbox's state as Codat records: each one built as a dict and passed through its
standard model (``Model.model_validate(doc).model_dump(mode="json", by_alias=True)``),
so what the sandbox serves is exactly what a real connector's mapping must produce.

Rendering is per record and on demand: a 100,000-invoice company is simulated in
seconds, but turning every record of every type into JSON at once would take longer
than the pull that stores them, so the reader renders a page at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.state import (
    Allocation,
    BankTransaction,
    Company,
    DirectCost,
    Document,
    JournalEntry,
    Line,
    Party,
    Payment,
    Transfer,
)
from ledgerport.domain.accounting import (
    BankTransaction as BankTransactionModel,
)
from ledgerport.domain.accounting import (
    Bill,
    BillCreditNote,
    BillPayment,
    CreditNote,
    Customer,
    Invoice,
    Supplier,
)
from ledgerport.domain.accounting import (
    DirectCost as DirectCostModel,
)
from ledgerport.domain.accounting import (
    DirectIncome as DirectIncomeModel,
)
from ledgerport.domain.accounting import (
    JournalEntry as JournalEntryModel,
)
from ledgerport.domain.accounting import (
    Payment as PaymentModel,
)
from ledgerport.domain.accounting import (
    Transfer as TransferModel,
)

GBP = "GBP"
NOT_DELETED = {"isDeleted": False}


def codat(model: type[BaseModel], doc: dict[str, Any]) -> dict[str, Any]:
    """A record as Codat's JSON, through its standard model (which refuses bad data)."""
    return model.model_validate(doc).model_dump(mode="json", by_alias=True)


def money(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


def account_ref(code: str) -> dict[str, str]:
    """A fixed account of the catalog (items' accounts); records use
    :meth:`Renderer.account_ref`, which also knows accounts pushed through the API."""
    account = c.ACCOUNT_BY_CODE[code]
    return {"id": account.id, "name": account.name}


def tax_ref(rate: c.TaxRateDef) -> dict[str, Any]:
    return {"id": rate.id, "name": rate.name, "effectiveTaxRate": rate.rate}


def customer_ref(party: Party) -> dict[str, str]:
    return {"id": party.id, "companyName": party.name}


def supplier_ref(party: Party) -> dict[str, str]:
    return {"id": party.id, "supplierName": party.name}


class Renderer:
    """Renders one company's state as it stands at hour ``as_of``."""

    def __init__(self, company: Company, as_of: int) -> None:
        self.company = company
        self.as_of = as_of

    def day(self, day: int) -> datetime:
        """A business date (issue date, due date...): local midnight, no zone, as
        platforms give them."""
        moment = self.company.moment(day * 24)
        return moment.replace(tzinfo=None)

    def day_of(self, t: int) -> datetime:
        """The business date of hour ``t`` (a payment's date, a statement line's)."""
        return self.day(t // 24)

    def moment(self, t: int) -> datetime:
        return self.company.moment(t)

    def account_ref(self, code: str) -> dict[str, str]:
        account = self.company.chart_by_code[code]
        return {"id": account.id, "name": account.name}

    # -- parties --------------------------------------------------------------------

    def _party(self, party: Party) -> dict[str, Any]:
        # A party written through the API may leave these out: absent, not "".
        has_address = any((party.street, party.city, party.postcode))
        return {
            "id": party.id,
            "contactName": party.contact or None,
            "emailAddress": party.email or None,
            "phone": party.phone or None,
            "addresses": [
                {
                    "type": "Billing",
                    "line1": party.street or None,
                    "city": party.city or None,
                    "country": "GB",
                    "postalCode": party.postcode or None,
                }
            ]
            if has_address
            else [],
            "taxNumber": party.vat_number,
            "status": party.status,
            "defaultCurrency": party.currency,
            "sourceModifiedDate": self.moment(party.last_modified),
            "metadata": NOT_DELETED,
        }

    def customer(self, party: Party) -> dict[str, Any]:
        doc = self._party(party)
        if party.registration_number is not None:
            doc["registrationNumber"] = party.registration_number
        doc["customerName"] = party.name
        doc["contacts"] = (
            [
                {
                    "name": party.contact or None,
                    "email": party.email or None,
                    "phone": [{"number": party.phone, "type": "Primary"}] if party.phone else [],
                    "status": "Active",
                }
            ]
            if any((party.contact, party.email, party.phone))
            else []
        )
        return codat(Customer, doc)

    def supplier(self, party: Party) -> dict[str, Any]:
        doc = self._party(party)
        if party.registration_number is not None:
            doc["registrationNumber"] = party.registration_number
        doc["supplierName"] = party.name
        return codat(Supplier, doc)

    # -- documents ------------------------------------------------------------------

    def _line(self, line: Line) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "description": line.description,
            "unitAmount": money(line.unit),
            "quantity": line.quantity,
            "discountAmount": 0,
            "subTotal": money(line.sub),
            "taxAmount": money(line.tax),
            "totalAmount": money(line.total),
            "accountRef": self.account_ref(line.account),
            "taxRateRef": tax_ref(line.tax_rate),
        }
        if line.item is not None:
            doc["itemRef"] = {"id": line.item, "name": c.ITEM_BY_ID[line.item].name}
        if line.tracking:
            doc["tracking"] = {
                "categoryRefs": [
                    {"id": ref, "name": c.TRACKING_BY_ID[ref].name} for ref in line.tracking
                ],
                "isBilledTo": "NotApplicable",
                "isRebilledTo": "NotApplicable",
            }
        return doc

    def _allocations(self, allocations: Iterable[Allocation]) -> list[dict[str, Any]]:
        rendered = []
        for a in allocations:
            on = self.day_of(a.t)
            payment: dict[str, Any] = {
                "id": a.payment_id,
                "note": a.note,
                "currency": GBP,
                "currencyRate": 1,
                "paidOnDate": on,
                "totalAmount": money(a.payment_total),
            }
            if a.cash:
                payment["accountRef"] = self.account_ref(a.account)
            rendered.append(
                {
                    "payment": payment,
                    "allocation": {
                        "currency": GBP,
                        "currencyRate": 1,
                        "allocatedOnDate": on,
                        "totalAmount": money(a.amount),
                    },
                }
            )
        return rendered

    @staticmethod
    def _status(doc: Document, unpaid: str) -> str:
        if doc.draft:
            return "Draft"
        if doc.void:
            return "Void"
        if not doc.allocated:
            return unpaid
        return "Paid" if doc.due == 0 else "PartiallyPaid"

    def _document(self, doc: Document) -> dict[str, Any]:
        return {
            "id": doc.id,
            "issueDate": self.day(doc.day),
            "currency": GBP,
            "currencyRate": 1,
            "lineItems": [self._line(line) for line in doc.lines],
            "paymentAllocations": self._allocations(doc.allocations),
            "subTotal": money(doc.sub),
            "note": doc.note,
            "sourceModifiedDate": self.moment(doc.modified),
            "metadata": NOT_DELETED,
        }

    def _last_allocated(self, doc: Document) -> datetime | None:
        return self.day_of(doc.allocations[-1].t) if doc.allocations else None

    def invoice(self, doc: Document) -> dict[str, Any]:
        status = self._status(doc, "Submitted")
        return codat(
            Invoice,
            self._document(doc)
            | {
                "invoiceNumber": doc.number,
                "customerRef": customer_ref(doc.party),
                "dueDate": self.day(doc.due_day),
                "paidOnDate": self._last_allocated(doc) if status == "Paid" else None,
                "totalDiscount": 0,
                "totalTaxAmount": money(doc.tax),
                "totalAmount": money(doc.total),
                "amountDue": money(doc.due),
                "status": status,
            },
        )

    def bill(self, doc: Document) -> dict[str, Any]:
        return codat(
            Bill,
            self._document(doc)
            | {
                "reference": doc.number,
                "supplierRef": supplier_ref(doc.party),
                "dueDate": self.day(doc.due_day),
                "taxAmount": money(doc.tax),
                "totalAmount": money(doc.total),
                "amountDue": money(doc.due),
                "status": self._status(doc, "Open"),
            },
        )

    def _credit(self, doc: Document) -> dict[str, Any]:
        return self._document(doc) | {
            "totalAmount": money(doc.total),
            "totalDiscount": 0,
            "totalTaxAmount": money(doc.tax),
            "discountPercentage": 0,
            "remainingCredit": money(doc.due),
            "status": self._status(doc, "Submitted"),
            "allocatedOnDate": self._last_allocated(doc),
        }

    def credit_note(self, doc: Document) -> dict[str, Any]:
        return codat(
            CreditNote,
            self._credit(doc)
            | {
                "creditNoteNumber": doc.number,
                "customerRef": customer_ref(doc.party),
            },
        )

    def bill_credit_note(self, doc: Document) -> dict[str, Any]:
        return codat(
            BillCreditNote,
            self._credit(doc)
            | {
                "billCreditNoteNumber": doc.number,
                "supplierRef": supplier_ref(doc.party),
            },
        )

    def _payment(self, payment: Payment) -> dict[str, Any]:
        on = self.day_of(payment.t)
        doc: dict[str, Any] = {
            "id": payment.id,
            "totalAmount": money(payment.total),
            "currency": GBP,
            "currencyRate": 1,
            "date": on,
            "note": payment.note,
            "reference": payment.reference,
            "lines": [
                {
                    "amount": money(line.amount),
                    "links": [
                        {"type": link.type, "id": link.id, "amount": money(link.amount)}
                        for link in line.links
                    ],
                    "allocatedOnDate": on,
                }
                for line in payment.lines
            ],
            "sourceModifiedDate": self.moment(payment.t),
            "metadata": NOT_DELETED,
        }
        if payment.total:
            doc["accountRef"] = self.account_ref(payment.account)
        if payment.method is not None:
            doc["paymentMethodRef"] = {"id": payment.method.id, "name": payment.method.name}
        return doc

    def payment(self, payment: Payment) -> dict[str, Any]:
        return codat(
            PaymentModel, self._payment(payment) | {"customerRef": customer_ref(payment.party)}
        )

    def bill_payment(self, payment: Payment) -> dict[str, Any]:
        return codat(
            BillPayment, self._payment(payment) | {"supplierRef": supplier_ref(payment.party)}
        )

    def direct_cost(self, cost: DirectCost) -> dict[str, Any]:
        return codat(DirectCostModel, self._direct(cost))

    def direct_income(self, income: DirectCost) -> dict[str, Any]:
        return codat(DirectIncomeModel, self._direct(income))

    def _direct(self, cost: DirectCost) -> dict[str, Any]:
        """A direct cost or direct income: the lines, and the one payment that settled
        it on the spot (from or into the bank account it went through), all on its own
        date (a pushed one's is the date sent, not the day it was pushed)."""
        on = self.day(cost.day)
        lines = [self._line(line) for line in cost.lines]
        for line in lines:
            line.pop("tracking", None)  # a direct cost's tracking has another shape
        total = money(cost.total)
        doc: dict[str, Any] = {
            "id": cost.id,
            "reference": cost.reference,
            "note": cost.note,
            "issueDate": on,
            "currency": GBP,
            "currencyRate": 1,
            "lineItems": lines,
            "paymentAllocations": [
                {
                    "payment": {
                        "id": cost.reference or cost.id,
                        "accountRef": self.account_ref(cost.account),
                        "currency": GBP,
                        "paidOnDate": on,
                        "totalAmount": total,
                    },
                    "allocation": {"currency": GBP, "allocatedOnDate": on, "totalAmount": total},
                }
            ],
            "subTotal": money(cost.sub),
            "taxAmount": money(cost.tax),
            "totalAmount": total,
            "sourceModifiedDate": self.moment(cost.t),
            "metadata": NOT_DELETED,
        }
        if cost.contact is not None:
            doc["contactRef"] = {"id": cost.contact[0], "dataType": cost.contact[1]}
        return doc

    # -- bank and ledger ------------------------------------------------------------

    def transfer(self, transfer: Transfer) -> dict[str, Any]:
        """Money moved between two bank accounts: the same amount out of one and into
        the other, on the transfer's date."""

        def side(code: str) -> dict[str, Any]:
            return {
                "accountRef": self.account_ref(code),
                "amount": money(transfer.amount),
                "currency": transfer.currency,
            }

        doc: dict[str, Any] = {
            "id": transfer.id,
            "description": transfer.description,
            "date": self.day(transfer.day),
            "from": side(transfer.source),
            "to": side(transfer.target),
            "trackingCategoryRefs": [
                {"id": ref, "name": c.TRACKING_BY_ID[ref].name} for ref in transfer.tracking
            ],
            "depositedRecordRefs": [],
            "sourceModifiedDate": self.moment(transfer.t),
            "metadata": NOT_DELETED,
        }
        if transfer.contact is not None:
            doc["contactRef"] = {"id": transfer.contact[0], "dataType": transfer.contact[1]}
        return codat(TransferModel, doc)

    def bank_transaction_modified(self, line: BankTransaction) -> int:
        return line.reconciled_at if line.reconciled_at <= self.as_of else line.t

    def bank_transaction(self, line: BankTransaction) -> dict[str, Any]:
        doc = {
            "id": line.id,
            "accountId": self.company.chart_by_code[line.account].id,
            "clearedOnDate": self.day_of(line.t),
            "description": line.description,
            "counterparty": line.counterparty,
            "reference": line.reference,
            "reconciled": line.reconciled_at <= self.as_of,
            "amount": money(line.amount),
            "balance": money(line.balance),
            "transactionType": line.type,
            "sourceModifiedDate": self.moment(self.bank_transaction_modified(line)),
            "metadata": NOT_DELETED,
        }
        return codat(BankTransactionModel, doc)

    def journal_entry(self, entry: JournalEntry) -> dict[str, Any]:
        at = self.moment(entry.t)
        doc: dict[str, Any] = {
            "id": entry.id,
            "description": entry.description,
            "postedOn": self.day(entry.day),
            "createdOn": at,
            "updatedOn": at,
            "journalRef": {"id": entry.journal.id, "name": entry.journal.name},
            "journalLines": [
                {
                    "description": line.description,
                    "netAmount": money(line.amount),
                    "currency": GBP,
                    "accountRef": self.account_ref(line.account),
                }
                for line in entry.lines
            ],
            "sourceModifiedDate": at,
            "metadata": NOT_DELETED,
        }
        if entry.record is not None:
            doc["recordRef"] = {"id": entry.record[0], "dataType": entry.record[1]}
        return codat(JournalEntryModel, doc)
