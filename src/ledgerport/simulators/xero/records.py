"""The tenant's records as Xero lists them, one :class:`Row` per Xero record: its
GUID and ``UpdatedDateUTC`` known from the books' state without rendering, and a
``render`` that builds the Xero JSON only when a page needs it.

Unlike the sandbox's Codat reads, deleted documents stay: Xero lists a deleted draft
as ``DELETED`` and a voided one as ``VOIDED``, and a deleted payment as ``DELETED``,
which is how an incremental reader learns of them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ledgerport.connectors.sandbox.books import Books
from ledgerport.connectors.sandbox.state import Document, Party, Payment
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import mapping
from ledgerport.simulators.xero.dates import ms_date
from ledgerport.simulators.xero.index import DOCUMENT_KINDS, party_kind

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator

Record = dict[str, Any]
DELETED = {"isDeleted": True}
_SALES = ("invoices", "creditNotes")


@dataclass(frozen=True)
class Row:
    guid: str
    stamp: datetime  # UpdatedDateUTC
    build: Callable[[], Record]
    hidden: bool = False  # an archived contact: listed only with includeArchived=true
    cache: dict[str, Record] | None = None

    def render(self) -> Record:
        """The Xero record (a copy: callers may add to it). Rendered once per build of
        the books, so a ``where`` over a big company costs one rendering per record."""
        if self.cache is None:
            return self.build()
        key = f"{self.guid}@{self.stamp.isoformat()}"
        if key not in self.cache:
            self.cache[key] = self.build()
        return copy.deepcopy(self.cache[key])


class View:
    """One build of the books, seen through the simulator's overlay."""

    def __init__(self, sim: XeroSimulator, built: Books) -> None:
        self.sim, self.built = sim, built
        self.company, self.renderer = built.company, built.renderer
        self.tenant_id = sim.tenant.tenant_id
        self.cache = sim.render_cache(built)

    def moment(self, sandbox_id: str, t: int) -> datetime:
        return self.sim.stamp(sandbox_id, self.company.moment(t))

    def finish(self, record: Record, stamp: datetime, key: str = "UpdatedDateUTC") -> Record:
        record[key] = ms_date(stamp)
        return record

    def has_files(self, guid: str) -> bool:
        return bool(self.sim.overlay.files.get(guid))

    def contact_guid(self, party_id: str, customer: bool) -> str:
        """The ContactID of a sandbox party: a twin shows as the contact it twins."""
        primary = self.sim.overlay.twins.get(party_id)
        if primary is None:
            return mapping.xero_id(self.tenant_id, party_kind(customer), party_id)
        return mapping.xero_id(self.tenant_id, party_kind(not customer), primary)

    def fix_contact(self, record: Record, party: Party, customer: bool) -> Record:
        record["Contact"]["ContactID"] = self.contact_guid(party.id, customer)
        return record

    # -- contacts -------------------------------------------------------------------

    def contacts(self) -> list[Row]:
        co, overlay = self.company, self.sim.overlay
        sides = {
            (d.party.id, d.data_type in _SALES) for d in co.documents.values() if not d.deleted
        }
        parties = {
            p.id: p
            for p in (*co.customers, *co.pushed_customers, *co.suppliers, *co.pushed_suppliers)
        }
        rows = []
        for customer, pool in (
            (True, (*co.customers, *co.pushed_customers)),
            (False, (*co.suppliers, *co.pushed_suppliers)),
        ):
            for party in pool:
                if party.id in overlay.twins:
                    continue  # shown as the contact it twins
                twin = parties.get(overlay.twin_of.get((party.id, not customer), ""))
                rows.append(self._contact(party, twin, customer, sides))
        return rows

    def _contact(
        self, party: Party, twin: Party | None, customer: bool, sides: set[tuple[str, bool]]
    ) -> Row:
        guid = mapping.xero_id(self.tenant_id, party_kind(customer), party.id)
        stamp = self.moment(party.id, party.last_modified)
        if twin is not None:
            stamp = max(stamp, self.moment(twin.id, twin.last_modified))
        ids = {party.id} | ({twin.id} if twin is not None else set())

        def render() -> Record:
            rendered = (self.renderer.customer if customer else self.renderer.supplier)(party)
            record = mapping.contact(self.tenant_id, rendered, is_customer=customer)
            # A generated party is what it was made as; one written through the API is
            # a customer or supplier once it has a sales or purchase document (Xero).
            own = not party.pushed
            record["IsCustomer"] = (own and customer) or any((i, True) in sides for i in ids)
            record["IsSupplier"] = (own and not customer) or any((i, False) in sides for i in ids)
            record["HasAttachments"] = self.has_files(guid)
            return self.finish(record, stamp)

        return Row(guid, stamp, render, party.status == "Archived", self.cache)

    # -- invoices and credit notes ----------------------------------------------------

    def invoices(self) -> list[Row]:
        co = self.company
        return [self._document(d, self.renderer.invoice) for d in co.invoices] + [
            self._document(d, self.renderer.bill) for d in co.bills
        ]

    def credit_notes(self) -> list[Row]:
        co = self.company
        return [self._document(d, self.renderer.credit_note) for d in co.credit_notes] + [
            self._document(d, self.renderer.bill_credit_note) for d in co.bill_credit_notes
        ]

    def _document(self, doc: Document, render_codat: Callable[[Document], Record]) -> Row:
        data_type = DataType(doc.data_type)
        sales = doc.data_type in _SALES
        guid = mapping.xero_id(self.tenant_id, DOCUMENT_KINDS[data_type], doc.id)
        stamp = self.moment(doc.id, doc.modified)

        def render() -> Record:
            rendered = render_codat(doc)
            if doc.deleted:
                rendered["metadata"] = DELETED
            if data_type in (DataType.INVOICES, DataType.BILLS):
                record = mapping.invoice(self.tenant_id, rendered, sales=sales)
                # A live invoice or bill has its PDF (all of them, or the simulator's
                # share); a deleted one has lost it.
                generated = not doc.deleted and self.sim.carries_pdf(doc.id)
                record["HasAttachments"] = generated or self.has_files(guid)
            else:
                record = mapping.credit_note(self.tenant_id, rendered, sales=sales)
                record["HasAttachments"] = self.has_files(guid)
            return self.finish(self.fix_contact(record, doc.party, sales), stamp)

        return Row(guid, stamp, render, cache=self.cache)

    # -- payments -------------------------------------------------------------------

    def payments(self) -> list[Row]:
        co = self.company
        numbers = {d.id: d.number for d in co.documents.values()}
        rows = []
        for payment, sales in (
            *((p, True) for p in co.payments),
            *((p, False) for p in co.bill_payments),
        ):
            doc_type = "Invoice" if sales else "Bill"
            for n, line in enumerate(payment.lines):
                if any(link.type == "CreditNote" for link in line.links):
                    continue  # a credit note's allocation, not a payment, in Xero
                for m, link in enumerate(line.links):
                    if link.type == doc_type:
                        rows.append(self._payment(payment, sales, f"{payment.id}:{n}:{m}", numbers))
        return rows

    def _payment(self, payment: Payment, sales: bool, key: str, numbers: dict[str, str]) -> Row:
        guid = mapping.xero_id(self.tenant_id, "payment", key)
        stamp = self.moment(payment.id, payment.t)
        deleted = payment.id in self.company.deleted

        def render() -> Record:
            codat = (self.renderer.payment if sales else self.renderer.bill_payment)(payment)
            if deleted:
                codat["metadata"] = DELETED
            found = mapping.payments(self.tenant_id, codat, sales=sales, numbers=numbers)
            return self.finish(next(p for p in found if p["PaymentID"] == guid), stamp)

        return Row(guid, stamp, render, cache=self.cache)

    # -- accounts -------------------------------------------------------------------

    def accounts(self) -> list[Row]:
        built, rows = self.built, []
        for n, (t, balance) in enumerate(built.rows(DataType.CHART_OF_ACCOUNTS)):
            account = balance.account
            guid = mapping.xero_id(self.tenant_id, "account", account.id)
            stamp = self.moment(account.id, t)
            rows.append(
                Row(guid, stamp, self._account(n, account.code, guid, stamp), cache=self.cache)
            )
        return rows

    def _account(self, n: int, code: str, guid: str, stamp: datetime) -> Callable[[], Record]:
        def render() -> Record:
            record = mapping.account(
                self.tenant_id, self.built.render(DataType.CHART_OF_ACCOUNTS, n)
            )
            number = self.company.bank_details.get(code, {}).get("accountNumber")
            if record["Type"] == "BANK" and number:
                record["BankAccountNumber"] = str(number)
            record["HasAttachments"] = self.has_files(guid)
            return self.finish(record, stamp)

        return render
