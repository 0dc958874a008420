"""Company info from Xero's ``Organisation``.

Xero gives the financial year's last day and month; Codat wants the first day of the
current financial year, so the reader hands over the moment Xero answered
(``DateTimeUTC`` of the response) as ``AsOf`` and the year is the one that moment
falls in. ``ledgerLockDate`` is the later of Xero's two lock dates.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ledgerport.connectors.xero.dates import (
    business_date,
    financial_year_start,
    parse_xero_moment,
    timestamp,
)
from ledgerport.connectors.xero.mapping.common import Doc, Raw, as_list, rendered, text
from ledgerport.connectors.xero.mapping.contacts import ADDRESS_TYPES, address, phone_number
from ledgerport.domain.accounting.company import CompanyInfo

# Company info is one object with no id of its own; the records store keys every
# record by id, so the one record gets a fixed one (as the sandbox's does).
COMPANY_RECORD_ID = "company"
_PHONE_TYPES = {"MOBILE": "Mobile", "FAX": "Fax", "DEFAULT": "Primary"}


def to_company(raw: Raw) -> Doc:
    as_of = parse_xero_moment(raw.get("AsOf")) or datetime.now(UTC)
    locks = [d for d in (business_date(raw, "PeriodLockDate"),
                         business_date(raw, "EndOfYearLockDate")) if d]  # fmt: skip
    addresses = [
        a
        for a in (
            address({**item, "AddressType": _address_type(item.get("AddressType"))})
            for item in as_list(raw.get("Addresses"))
        )
        if a
    ]
    doc: Doc = {
        "companyName": text(raw.get("Name")),
        "companyLegalName": text(raw.get("LegalName")),
        "accountingPlatformRef": text(raw.get("OrganisationID")),
        "addresses": addresses,
        "phoneNumbers": [
            {"number": number, "type": _PHONE_TYPES.get(str(p.get("PhoneType")), "Landline")}
            for p in as_list(raw.get("Phones"))
            if (number := phone_number(p)) is not None
        ],
        "webLinks": [
            {
                "type": "Website" if link.get("LinkType") == "Website" else "Social",
                "url": link["Url"],
            }
            for link in as_list(raw.get("ExternalLinks"))
            if text(link.get("Url"))
        ],
        "ledgerLockDate": max(locks) if locks else None,
        "registrationNumber": text(raw.get("RegistrationNumber")),
        "taxNumber": text(raw.get("TaxNumber")),
        "financialYearStartDate": financial_year_start(
            raw.get("FinancialYearEndDay"), raw.get("FinancialYearEndMonth"), as_of.date()
        ),
        "baseCurrency": text(raw.get("BaseCurrency")),
        "sourceUrls": None,
        "createdDate": timestamp(raw.get("CreatedDateUTC")),
    }
    return {**rendered(CompanyInfo, doc), "id": COMPANY_RECORD_ID}


def _address_type(value: object) -> str:
    # An organisation's POBOX is its postal (billing) address, STREET and DELIVERY
    # where it works (as for contacts).
    return str(value) if str(value) in ADDRESS_TYPES else "POBOX"
