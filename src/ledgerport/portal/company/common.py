"""What every tab of a company's page shares: finding the company (a 404 page when it
is not there) and the tabs themselves."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ledgerport.portal.routing import PageError
from ledgerport.storage.repositories import views
from ledgerport.storage.repositories.views import CompanyView, ConnectionView

TABS = (
    ("summary", "Summary", ""),
    ("connections", "Manage connections", "/connections"),
    ("data", "Data", "/data"),
    ("history", "Data history", "/history"),
    ("files", "Uploaded files", "/files"),
)

_MISSING = PageError(404, "Company not found", "It may have been deleted. Go back to Companies.")


def company_path(company_id: str) -> str:
    return f"/portal/companies/{company_id}"


def page_number(raw: str) -> int:
    """The ``page`` a tab's list was asked for: 1 for anything that is not a number."""
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def parse_uuid(value: str, missing: PageError = _MISSING) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise missing from None


@dataclass(frozen=True)
class CompanyPage:
    company: CompanyView
    connections: Sequence[ConnectionView]

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.company.id)

    def tabs(self, current: str) -> list[dict[str, str]]:
        base = company_path(self.company.id)
        return [
            {"key": key, "label": label, "href": base + suffix, "current": str(key == current)}
            for key, label, suffix in TABS
        ]


def load(session: Session, company_id: str) -> CompanyPage:
    found = views.company(session, parse_uuid(company_id))
    if found is None:
        raise _MISSING
    company, connections = found
    return CompanyPage(company, connections)
