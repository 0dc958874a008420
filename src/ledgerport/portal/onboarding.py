"""The Onboarding content (Codat's *Request data* window, also the end of *Create a
company*): the company's hosted Link URL, and an email to send it with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ledgerport.domain.links import company_link_url
from ledgerport.services import Services
from ledgerport.storage.repositories import settings
from ledgerport.storage.repositories.views import CompanyView


@dataclass(frozen=True)
class Onboarding:
    company_id: str
    company_name: str
    link_url: str
    email_subject: str
    email_body: str

    @property
    def email_text(self) -> str:
        return f"Subject: {self.email_subject}\n\n{self.email_body}"


def email(organisation: str, company_name: str, link_url: str, sender: str) -> tuple[str, str]:
    subject = f"Connect your accounting software to {organisation}"
    body = (
        "Hello,\n\n"
        f"To continue working with {company_name}, {organisation} needs read access to "
        "your accounting data. Please connect your accounting software using this secure "
        "link:\n\n"
        f"{link_url}\n\n"
        "It takes a few minutes: choose the software you use and sign in to it to approve "
        "the connection. We never see your password, and you can revoke access at any time "
        "from your accounting software.\n\n"
        "Thank you,\n"
        f"{sender}\n"
        f"{organisation}\n"
    )
    return subject, body


def for_company(
    services: Services, session: Session, company: CompanyView, sender: str
) -> Onboarding:
    """``session`` must be writable: the profile row is created on first use."""
    url = company_link_url(services.base_url, services.secret, company.id, company.link_nonce)
    organisation = settings.profile(session).name
    subject, body = email(organisation, company.name, url, sender)
    return Onboarding(company.id, company.name, url, subject, body)
