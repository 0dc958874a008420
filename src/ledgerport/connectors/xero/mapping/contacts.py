"""Customers and suppliers (Xero ``Contacts``), both ways.

Xero keeps one list of contacts; ``IsCustomer`` and ``IsSupplier`` are set by Xero
itself once a contact has a sales or purchase document (read-only on writes). A contact
is a customer, a supplier, both or (until it trades) neither; the streams ask Xero for
each side with ``where`` and read the same record through these two mappings.
ARCHIVED contacts are Codat's Archived (and read, with ``includeArchived=true``); a
contact erased on request (GDPRREQUEST) is Archived as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerport.connectors.xero.mapping.common import Doc, Raw, as_list, envelope, rendered, text
from ledgerport.connectors.xero.mapping.lines import UnwritableError
from ledgerport.domain.accounting.payables import Supplier
from ledgerport.domain.accounting.receivables import Customer

# Xero's POBOX address is where post (invoices) goes, STREET where the business is.
ADDRESS_TYPES = {"POBOX": "Billing", "STREET": "Delivery", "DELIVERY": "Delivery"}
PHONE_TYPES = {
    "DEFAULT": "Primary",
    "MOBILE": "Mobile",
    "FAX": "Fax",
    "DDI": "Landline",
    "OFFICE": "Landline",
}


def contact_status(raw: Raw) -> str:
    return "Active" if raw.get("ContactStatus", "ACTIVE") == "ACTIVE" else "Archived"


def address(raw: Raw) -> Doc | None:
    """A Xero address as Codat's; None for the blank ones Xero sends for every type."""
    lines = [text(raw.get(f"AddressLine{n}")) for n in range(1, 5)]
    doc = {
        "type": ADDRESS_TYPES.get(str(raw.get("AddressType")), "Unknown"),
        "line1": lines[0],
        "line2": ", ".join(line for line in lines[1:] if line) or None,
        "city": text(raw.get("City")),
        "region": text(raw.get("Region")),
        "country": text(raw.get("Country")),
        "postalCode": text(raw.get("PostalCode")),
    }
    return doc if any(v for k, v in doc.items() if k != "type") else None


def addresses(raw: Raw) -> list[Doc]:
    return [a for a in (address(item) for item in as_list(raw.get("Addresses"))) if a]


def phone_number(raw: Raw) -> str | None:
    parts = [text(raw.get(k)) for k in ("PhoneCountryCode", "PhoneAreaCode", "PhoneNumber")]
    if parts[2] is None:  # a code without a number is no number
        return None
    return " ".join(p for p in parts if p)


def phones(raw: Raw) -> list[Doc]:
    found = []
    for item in as_list(raw.get("Phones")):
        number = phone_number(item)
        if number is not None:
            found.append({"number": number, "type": PHONE_TYPES.get(str(item.get("PhoneType")),
                                                                    "Unknown")})  # fmt: skip
    return found


def _person_name(person: Raw) -> str | None:
    return (
        " ".join(n for n in (text(person.get("FirstName")), text(person.get("LastName"))) if n)
        or None
    )


def _contact_name(raw: Raw) -> str | None:
    """The person to ask for: the contact's own first and last name, else its first
    contact person."""
    name = _person_name(raw)
    if name is None:
        people = as_list(raw.get("ContactPersons"))
        name = _person_name(people[0]) if people else None
    return name


def _primary_phone(raw: Raw) -> str | None:
    found = phones(raw)
    primary = next((p for p in found if p["type"] == "Primary"), found[0] if found else None)
    return primary["number"] if primary else None


def _party(raw: Raw) -> Doc:
    doc = envelope(raw, "ContactID")
    doc |= {
        "contactName": _contact_name(raw),
        "emailAddress": text(raw.get("EmailAddress")),
        "phone": _primary_phone(raw),
        "addresses": addresses(raw),
        "registrationNumber": text(raw.get("CompanyNumber")),
        "taxNumber": text(raw.get("TaxNumber")),
        "status": contact_status(raw),
        "defaultCurrency": text(raw.get("DefaultCurrency")),
    }
    return doc


def to_customer(raw: Raw) -> Doc:
    status = contact_status(raw)
    people = [
        {
            "name": _person_name(p),
            "email": text(p.get("EmailAddress")),
            "phone": None,
            "status": status,
        }
        for p in as_list(raw.get("ContactPersons"))
    ]
    doc = _party(raw) | {"customerName": text(raw.get("Name")), "contacts": people}
    return rendered(Customer, doc)


def to_supplier(raw: Raw) -> Doc:
    return rendered(Supplier, _party(raw) | {"supplierName": text(raw.get("Name"))})


# -- writing ------------------------------------------------------------------------

_ADDRESS_TYPES_OUT = {"Billing": "POBOX", "Delivery": "STREET"}
_PHONE_TYPES_OUT = {"Primary": "DEFAULT", "Mobile": "MOBILE", "Fax": "FAX", "Landline": "DDI"}


def _addresses_out(record: Mapping[str, Any]) -> list[Doc]:
    out = []
    for item in record.get("addresses") or []:
        if not isinstance(item, Mapping):
            continue
        entry: Doc = {"AddressType": _ADDRESS_TYPES_OUT.get(str(item.get("type")), "POBOX")}
        for source, target in (
            ("line1", "AddressLine1"),
            ("line2", "AddressLine2"),
            ("city", "City"),
            ("region", "Region"),
            ("postalCode", "PostalCode"),
            ("country", "Country"),
        ):
            if text(item.get(source)) is not None:
                entry[target] = item[source]
        out.append(entry)
    return out


def contact_to_xero(record: Mapping[str, Any], name_key: str) -> Doc:
    """A customer (``name_key`` customerName) or supplier (supplierName) as a Xero
    ``Contact``. Xero requires a unique ``Name``."""
    name = text(record.get(name_key))
    if name is None:
        raise UnwritableError(name_key, f"{name_key} is required by Xero (the contact's Name).")
    out: Doc = {"Name": name}
    if (email := text(record.get("emailAddress"))) is not None:
        out["EmailAddress"] = email
    person = text(record.get("contactName"))
    if person is not None:
        first, _, last = person.partition(" ")
        out["FirstName"] = first
        if last:
            out["LastName"] = last
    if (phone := text(record.get("phone"))) is not None:
        out["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": phone}]
    if addresses_out := _addresses_out(record):
        out["Addresses"] = addresses_out
    if (tax := text(record.get("taxNumber"))) is not None:
        out["TaxNumber"] = tax
    if (registration := text(record.get("registrationNumber"))) is not None:
        out["CompanyNumber"] = registration
    if (currency := text(record.get("defaultCurrency"))) is not None:
        out["DefaultCurrency"] = currency
    if record.get("status") == "Archived":
        out["ContactStatus"] = "ARCHIVED"
    elif record.get("status") == "Active":
        out["ContactStatus"] = "ACTIVE"
    return out


def customer_to_xero(record: Mapping[str, Any]) -> Doc:
    return contact_to_xero(record, "customerName")


def supplier_to_xero(record: Mapping[str, Any]) -> Doc:
    return contact_to_xero(record, "supplierName")
