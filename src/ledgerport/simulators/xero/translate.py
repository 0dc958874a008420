"""Xero write bodies as the sandbox engine's records, with Xero's own refusals first:
the shared rules, contacts and line items here, the money writes in ``postings``.

Each ``apply_*`` function takes one element of a ``PUT``/``POST`` body, checks what
Xero checks (an unknown ``ContactID`` or ``AccountCode``, a payment over the amount
due or against a draft, a missing name), turns it into the Codat-model record the
sandbox's write-back engine takes, writes it through the simulator, and returns the
Xero GUID of the record now holding it. A refusal is :class:`RefusedError` with
Xero-style messages; the engine's own refusals (a locked period, a void document)
come back the same way.

A Xero contact can be both a customer and a supplier; the sandbox keeps those
apart, so the first document of the other kind for a contact makes its *twin* in the
sandbox (same name and details), recorded in the overlay, and every record of the
twin shows the contact's own ``ContactID``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ledgerport.connectors.errors import RejectedError
from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.state import Party
from ledgerport.connectors.writes import WriteKind
from ledgerport.domain.enums import DataType
from ledgerport.simulators.xero import mapping
from ledgerport.simulators.xero.dates import parse_iso, parse_ms_date
from ledgerport.simulators.xero.index import Index, party_kind
from ledgerport.simulators.xero.records import View

if TYPE_CHECKING:
    from ledgerport.simulators.xero.simulator import XeroSimulator

Element = Mapping[str, Any]

# Xero AccountType -> (Codat account type, fullyQualifiedCategory) for a new account.
ACCOUNT_CLASSES = {
    "CURRENT": ("Asset", "Asset.Current"),
    "FIXED": ("Asset", "Asset.Fixed"),
    "NONCURRENT": ("Asset", "Asset.NonCurrent"),
    "INVENTORY": ("Asset", "Asset.Inventory"),
    "PREPAYMENT": ("Asset", "Asset.Prepayment"),
    "EQUITY": ("Equity", "Equity"),
    "DIRECTCOSTS": ("Expense", "Expense.CostOfSales"),
    "OVERHEADS": ("Expense", "Expense.Overheads"),
    "EXPENSE": ("Expense", "Expense"),
    "DEPRECIATN": ("Expense", "Expense.Depreciation"),
    "REVENUE": ("Income", "Income.Revenue"),
    "SALES": ("Income", "Income.Revenue"),
    "OTHERINCOME": ("Income", "Income.Other"),
    "CURRLIAB": ("Liability", "Liability.Current"),
    "TERMLIAB": ("Liability", "Liability.NonCurrent"),
    "LIABILITY": ("Liability", "Liability"),
}


class RefusedError(Exception):
    """Xero refuses the element: its ``ValidationErrors`` messages."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def write_record(
    sim: XeroSimulator,
    data_type: DataType,
    kind: WriteKind,
    record: Mapping[str, Any],
    record_id: str | None = None,
) -> str:
    try:
        return sim.write(data_type, kind, record, record_id)[0]
    except RejectedError as refused:
        raise RefusedError(refused.message) from None


def text(element: Element, key: str) -> str | None:
    value = element.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RefusedError(f"{key} must be a string.")
    return value.strip() or None


def amount_of(value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RefusedError(f"{what} must be a number.") from None
    if not amount.is_finite():
        raise RefusedError(f"{what} must be a number.")
    return amount


def date_value(value: Any, what: str) -> str | None:
    """A Xero date (``/Date(ms+0000)/``, ``2024-01-31`` or ``2024-01-31T00:00:00``) as
    the ISO date the engine takes."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RefusedError(f"{what} must be a date.")
    try:
        moment = parse_ms_date(value) if value.startswith("/Date(") else parse_iso(value)
    except ValueError:
        raise RefusedError(f"{what} is not a valid date: {value}.") from None
    return moment.strftime("%Y-%m-%dT00:00:00")


# -- contacts ---------------------------------------------------------------------------


def _parties(view: View) -> list[tuple[Party, bool]]:
    co = view.company
    return [
        *((p, True) for p in (*co.customers, *co.pushed_customers)),
        *((p, False) for p in (*co.suppliers, *co.pushed_suppliers)),
    ]


def find_contact(view: View, index: Index, guid: str) -> tuple[Party, bool] | None:
    ref = index.find(guid, DataType.CUSTOMERS, DataType.SUPPLIERS)
    if ref is None or ref.sandbox_id in view.sim.overlay.twins:
        return None
    assert isinstance(ref.obj, Party)
    return ref.obj, ref.data_type is DataType.CUSTOMERS


def _by_name(view: View, name: str) -> tuple[Party, bool] | None:
    twins = view.sim.overlay.twins
    wanted = name.casefold()
    return next(
        (
            (p, customer)
            for p, customer in _parties(view)
            if p.name.casefold() == wanted and p.id not in twins
        ),
        None,
    )


def _party_record(element: Element, customer: bool) -> dict[str, Any]:
    """A Xero contact's fields as a Codat customer or supplier."""
    record: dict[str, Any] = {}
    name = text(element, "Name")
    if name is not None:
        record["customerName" if customer else "supplierName"] = name
    person = " ".join(x for x in (text(element, "FirstName"), text(element, "LastName")) if x)
    if person:
        record["contactName"] = person
    for xero_key, codat_key in (
        ("EmailAddress", "emailAddress"),
        ("TaxNumber", "taxNumber"),
        ("CompanyNumber", "registrationNumber"),
    ):
        if xero_key in element:
            record[codat_key] = text(element, xero_key)
    phones = [
        p for p in element.get("Phones") or [] if isinstance(p, Mapping) and p.get("PhoneNumber")
    ]
    if phones:
        record["phone"] = str(phones[0]["PhoneNumber"])
    addresses = [a for a in element.get("Addresses") or [] if isinstance(a, Mapping)]
    if addresses:
        a = addresses[0]
        record["addresses"] = [
            {
                "type": "Billing",
                "line1": a.get("AddressLine1"),
                "city": a.get("City"),
                "postalCode": a.get("PostalCode"),
                "country": a.get("Country"),
            }
        ]
    status = element.get("ContactStatus")
    if status is not None:
        if status not in ("ACTIVE", "ARCHIVED"):
            raise RefusedError("ContactStatus must be ACTIVE or ARCHIVED.")
        record["status"] = "Active" if status == "ACTIVE" else "Archived"
    currency = element.get("DefaultCurrency")
    if currency is not None:
        record["defaultCurrency"] = currency
    return record


def _party_type(customer: bool) -> DataType:
    return DataType.CUSTOMERS if customer else DataType.SUPPLIERS


def apply_contact(sim: XeroSimulator, element: Element, guid: str | None) -> str:
    view = View(sim, sim.books())
    index = sim.index(view.built)
    guid = guid or text(element, "ContactID")
    name = text(element, "Name")
    if guid is None:
        if name is None:
            raise RefusedError("The contact name must be specified.")
        _unique_name(view, name, None)
        customer = not (element.get("IsSupplier") is True and element.get("IsCustomer") is not True)
        party_id = write_record(
            sim, _party_type(customer), WriteKind.CREATE, _party_record(element, customer)
        )
        return mapping.xero_id(sim.tenant.tenant_id, party_kind(customer), party_id)
    found = find_contact(view, index, guid)
    if found is None:
        raise RefusedError(f"The contact with ContactID {guid} could not be found.")
    party, customer = found
    if name is not None and name.casefold() != party.name.casefold():
        _unique_name(view, name, party)
    write_record(
        sim, _party_type(customer), WriteKind.UPDATE, _party_record(element, customer), party.id
    )
    twin = sim.overlay.twin_of.get((party.id, not customer))
    if twin is not None:
        record = _party_record(element, not customer)
        write_record(sim, _party_type(not customer), WriteKind.UPDATE, record, twin)
    return mapping.xero_id(sim.tenant.tenant_id, party_kind(customer), party.id)


def _unique_name(view: View, name: str, but: Party | None) -> None:
    found = _by_name(view, name)
    if found is not None and found[0] is not but and found[0].status == "Active":
        raise RefusedError(
            f"The contact name {name} is already assigned to another contact."
            " The contact name must be unique across all active contacts."
        )


def party_for(sim: XeroSimulator, view: View, contact: Any, customer: bool) -> str:
    """The sandbox party a document's ``Contact`` names, on the side it needs: found by
    ``ContactID`` or ``Name`` (a new name creates the contact, as Xero does), its twin
    made when the contact has only been the other kind so far."""
    if not isinstance(contact, Mapping) or not (contact.get("ContactID") or contact.get("Name")):
        raise RefusedError("A Contact must be specified for this type of transaction.")
    index = sim.index(view.built)
    if contact.get("ContactID"):
        found = find_contact(view, index, str(contact["ContactID"]))
        if found is None:
            raise RefusedError(
                f"The contact with ContactID {contact['ContactID']} could not be found."
            )
    else:
        found = _by_name(view, str(contact["Name"]))
        if found is None:
            record = _party_record(contact, customer)
            return write_record(sim, _party_type(customer), WriteKind.CREATE, record)
    party, side = found
    if side == customer:
        return party.id
    twin = sim.overlay.twin_of.get((party.id, customer))
    if twin is None:
        record = {
            "customerName" if customer else "supplierName": party.name,
            "contactName": party.contact or None,
            "emailAddress": party.email or None,
            "phone": party.phone or None,
            "taxNumber": party.vat_number,
        }
        twin = write_record(sim, _party_type(customer), WriteKind.CREATE, record)
        sim.overlay.twins[twin] = party.id
        sim.overlay.twin_of[(party.id, customer)] = twin
    return twin


# -- lines --------------------------------------------------------------------------------


def _line(view: View, line: Any, n: int, sales: bool, amount_types: str) -> dict[str, Any]:
    if not isinstance(line, Mapping):
        raise RefusedError(f"LineItems[{n}] must be an object.")
    out: dict[str, Any] = {}
    if line.get("Description"):
        out["description"] = str(line["Description"])
    quantity = amount_of(line.get("Quantity", 1), "Quantity")
    out["quantity"] = quantity
    code = text(line, "AccountCode")
    if code is not None:
        account = view.company.chart_by_code.get(code)
        if account is None:
            raise RefusedError(f"Account code '{code}' is not a valid code for this document.")
        out["accountRef"] = {"id": account.id}
    item_code = text(line, "ItemCode")
    if item_code is not None:
        item = next((i for i in c.ITEMS if mapping.item_code(i.id) == item_code.upper()), None)
        if item is None:
            raise RefusedError(f"Item code '{item_code}' is not valid.")
        out["itemRef"] = {"id": item.id}
    tax_type = text(line, "TaxType")
    rate_id = (
        "tax-n" if amount_types == "NoTax" or tax_type is None else mapping.tax_rate_id(tax_type)
    )
    if rate_id is None:
        raise RefusedError(
            f"The TaxType code {tax_type} does not exist or cannot be used for this type"
            " of transaction."
        )
    out["taxRateRef"] = {"id": rate_id}
    rate = next(r.rate for r in c.TAX_RATES if r.id == rate_id)
    unit = line.get("UnitAmount")
    if unit is None and line.get("LineAmount") is None:
        raise RefusedError(f"LineItems[{n}] needs a UnitAmount or a LineAmount.")
    gross = (
        amount_of(unit, "UnitAmount") * quantity
        if unit is not None
        else amount_of(line["LineAmount"], "LineAmount")
    )
    gross = gross.quantize(Decimal("0.01"), ROUND_HALF_UP)
    if amount_types == "Inclusive":
        net = (gross * 100 / (100 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        out["subTotal"], out["taxAmount"] = net, gross - net
    elif unit is not None:
        out["unitAmount"] = amount_of(unit, "UnitAmount")
    else:
        out["subTotal"] = gross
    tracking = []
    for option in line.get("Tracking") or []:
        if not isinstance(option, Mapping):
            continue
        found = next(
            (
                t
                for t in c.TRACKING
                if t.parent is not None
                and t.name == option.get("Option")
                and c.TRACKING_BY_ID[t.parent].name == option.get("Name")
            ),
            None,
        )
        if found is None:
            raise RefusedError(
                f"The tracking option {option.get('Name')}: {option.get('Option')} does not exist."
            )
        tracking.append({"id": found.id})
    if tracking:
        out["trackingCategoryRefs"] = tracking
    return out


def lines_of(view: View, element: Element, sales: bool) -> list[dict[str, Any]] | None:
    if element.get("LineItems") is None:
        return None
    amount_types = str(element.get("LineAmountTypes") or "Exclusive")
    if amount_types not in ("Exclusive", "Inclusive", "NoTax"):
        raise RefusedError("LineAmountTypes must be Exclusive, Inclusive or NoTax.")
    items = element["LineItems"]
    if not isinstance(items, list):
        raise RefusedError("LineItems must be a list.")
    return [_line(view, line, n, sales, amount_types) for n, line in enumerate(items)]
