"""The Accounting API's reads under ``/api.xro/2.0``: the lists (through
``listing.serve_list``: If-Modified-Since, where, order, paging) and single records
(``GET /Invoices/{InvoiceID}`` and the like) of the tenant's books at the simulator's
clock, writes included, plus the reference lists (tax rates, tracking categories,
items, the organisation) Xero serves whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import banking, journals, mapping
from ledgerport.simulators.xero.listing import (
    ListFilter,
    serve_list,
    serve_one,
    since,
    view_of,
)
from ledgerport.simulators.xero.responses import envelope, json_response, not_found, problem

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator

INVOICE_FILTERS = (
    ListFilter("IDs", "InvoiceID", is_guid=True),
    ListFilter("Statuses", "Status"),
    ListFilter("ContactIDs", "Contact.ContactID", is_guid=True),
    ListFilter("InvoiceNumbers", "InvoiceNumber"),
)
CONTACT_FILTERS = (ListFilter("IDs", "ContactID", is_guid=True),)


def _guid(request: Request) -> str:
    return str(request.path_params["guid"])


async def invoices(request: Request) -> Response:
    return serve_list(request, "Invoices", view_of(request).invoices(), filters=INVOICE_FILTERS)


async def invoice(request: Request) -> Response:
    """One invoice by ``InvoiceID``, or by ``InvoiceNumber`` as Xero also allows."""
    view, key = view_of(request), _guid(request)
    index = view.sim.index(view.built)
    for data_type in (DataType.INVOICES, DataType.BILLS):
        doc = index.by_number.get((data_type, key.casefold()))
        if doc is not None:
            kind = "invoice" if data_type is DataType.INVOICES else "bill"
            key = mapping.xero_id(view.tenant_id, kind, doc.id)
            break
    return serve_one(request, "Invoices", view.invoices(), key)


async def credit_notes(request: Request) -> Response:
    return serve_list(request, "CreditNotes", view_of(request).credit_notes())


async def credit_note(request: Request) -> Response:
    return serve_one(request, "CreditNotes", view_of(request).credit_notes(), _guid(request))


async def contacts(request: Request) -> Response:
    rows = view_of(request).contacts()
    return serve_list(request, "Contacts", rows, filters=CONTACT_FILTERS, archived=True)


async def contact(request: Request) -> Response:
    return serve_one(request, "Contacts", view_of(request).contacts(), _guid(request))


async def accounts(request: Request) -> Response:
    """The chart of accounts: not paged in Xero."""
    return serve_list(request, "Accounts", view_of(request).accounts(), paged=False)


async def account(request: Request) -> Response:
    return serve_one(request, "Accounts", view_of(request).accounts(), _guid(request))


async def payments(request: Request) -> Response:
    """``/Payments``: one Xero payment per invoice or bill a sandbox payment settles."""
    return serve_list(request, "Payments", view_of(request).payments())


async def payment(request: Request) -> Response:
    return serve_one(request, "Payments", view_of(request).payments(), _guid(request))


async def bank_transactions(request: Request) -> Response:
    return serve_list(request, "BankTransactions", banking.rows(view_of(request)))


async def bank_transaction(request: Request) -> Response:
    return serve_one(request, "BankTransactions", banking.rows(view_of(request)), _guid(request))


async def manual_journals(request: Request) -> Response:
    return serve_list(request, "ManualJournals", journals.manual_journal_rows(view_of(request)))


async def manual_journal(request: Request) -> Response:
    rows = journals.manual_journal_rows(view_of(request))
    return serve_one(request, "ManualJournals", rows, _guid(request))


async def journal_list(request: Request) -> Response:
    """``/Journals``: the journals numbered above ``offset``, 100 at most, created at
    or after ``If-Modified-Since``; no ``page`` (Xero pages journals by number)."""
    sim: XeroSimulator = request.app.state.xero
    try:
        offset = int(request.query_params.get("offset") or 0)
    except ValueError:
        return problem(400, "Bad Request", "offset must be an integer")
    moment = since(request)
    picked = [
        row
        for number, row in journals.journal_rows(view_of(request))
        if number > offset and (moment is None or row.stamp >= moment)
    ][: journals.JOURNAL_PAGE]
    return json_response(envelope(sim.clock(), "Journals", [row.render() for row in picked]))


async def journal(request: Request) -> Response:
    """One journal by ``JournalID`` or by ``JournalNumber``."""
    rows = journals.journal_rows(view_of(request))
    key = _guid(request)
    if key.isdigit():
        found = [row for number, row in rows if number == int(key)]
        if not found:
            return not_found()
        key = found[0].guid
    return serve_one(request, "Journals", [row for _, row in rows], key)


async def tax_rates(request: Request) -> Response:
    """``/TaxRates``: not paged and takes no If-Modified-Since in Xero."""
    sim: XeroSimulator = request.app.state.xero
    rates = [
        rate
        for record in sim.books().records(DataType.TAX_RATES)
        for rate in mapping.tax_rates(record)
    ]
    return json_response(envelope(sim.clock(), "TaxRates", rates))


async def tracking_categories(request: Request) -> Response:
    """``/TrackingCategories``: not paged; ARCHIVED ones only with
    ``includeArchived=true``."""
    sim: XeroSimulator = request.app.state.xero
    include = request.query_params.get("includeArchived", "").lower() == "true"
    categories = mapping.tracking_categories(
        sim.tenant.tenant_id,
        sim.books().records(DataType.TRACKING_CATEGORIES),
        include_archived=include,
    )
    return json_response(envelope(sim.clock(), "TrackingCategories", categories))


async def items(request: Request) -> Response:
    """``/Items``: not paged; filtered by ``If-Modified-Since`` as Xero does."""
    sim: XeroSimulator = request.app.state.xero
    books, tenant_id = sim.books(), sim.tenant.tenant_id
    found = [
        mapping.item(tenant_id, books.render(DataType.ITEMS, n))
        for n in books.changed_since(DataType.ITEMS, since(request))
    ]
    return json_response(envelope(sim.clock(), "Items", found))


async def organisation(request: Request) -> Response:
    """``/Organisation``: the one organisation, as a one-element list."""
    sim: XeroSimulator = request.app.state.xero
    orgs = [
        mapping.organisation(sim.tenant.tenant_id, record)
        for record in sim.books().records(DataType.COMPANY)
    ]
    return json_response(envelope(sim.clock(), "Organisations", orgs))
