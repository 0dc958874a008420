"""CompanyInfo → company (Codat's ``CompanyDataset``), with the home currency and the
books' close date from ``Preferences``, which the reader reads first and passes in the
``_preferences`` key. Company info has no id of its own in Codat; the records store
keys every record by one, so it is ``company`` (as the sandbox does)."""

from __future__ import annotations

from collections.abc import Mapping

from ledgerport.connectors.quickbooks_online.mapping.common import (
    Doc,
    Raw,
    address,
    business_date,
    created_at,
    nested,
    render,
    text,
)
from ledgerport.domain.accounting import CompanyInfo

RECORD_ID = "company"
PREFERENCES_KEY = "_preferences"


def company(raw: Raw) -> Doc:
    preferences = raw.get(PREFERENCES_KEY)
    preferences = preferences if isinstance(preferences, Mapping) else {}
    found = [address(raw.get("CompanyAddr"), "Billing"), address(raw.get("LegalAddr"), "Unknown")]
    phone = text(nested(raw, "PrimaryPhone", "FreeFormNumber"))
    website = text(nested(raw, "WebAddr", "URI"))
    doc: Doc = {
        "companyName": text(raw.get("CompanyName")),
        "accountingPlatformRef": text(raw.get("Id")),
        "companyLegalName": text(raw.get("LegalName")),
        "addresses": [a for a in found if a is not None],
        "phoneNumbers": [{"number": phone, "type": "Primary"}] if phone else [],
        "webLinks": [{"type": "Website", "url": website}] if website else [],
        "registrationNumber": None,
        "taxNumber": None,
        "baseCurrency": text(nested(preferences, "CurrencyPrefs", "HomeCurrency", "value")),
        "ledgerLockDate": business_date(
            nested(preferences, "AccountingInfoPrefs", "BookCloseDate")
        ),
        "createdDate": business_date(raw.get("CompanyStartDate")) or created_at(raw),
        "sourceUrls": {},
    }
    return {**render(CompanyInfo, doc), "id": RECORD_ID}
