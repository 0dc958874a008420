"""Company info, the ``company`` data type (served at ``/data/info``).

Unlike every other data type it is one object per company, not a list of records: it has
no ``id``, no ``metadata`` and no modified dates (Codat's ``CompanyDataset``).
"""

from __future__ import annotations

from ledgerport.domain.accounting.contacts import Address, PhoneNumber, WebLink
from ledgerport.domain.accounting.fields import CodatModel, DateTime, Omittable
from ledgerport.domain.accounting.metadata import SupplementalData


class CompanyInfo(CodatModel):
    """``sourceUrls`` maps a data type to its page in the platform's web UI."""

    companyName: str | None = None
    accountingPlatformRef: str | None = None
    companyLegalName: str | None = None
    addresses: list[Address] | None = None
    phoneNumbers: list[PhoneNumber] | None = None
    webLinks: list[WebLink] | None = None
    ledgerLockDate: Omittable[DateTime] = None
    registrationNumber: str | None = None
    taxNumber: str | None = None
    financialYearStartDate: Omittable[DateTime] = None
    baseCurrency: str | None = None
    sourceUrls: dict[str, str | None] | None = None
    createdDate: Omittable[DateTime] = None
    supplementalData: Omittable[SupplementalData] = None
