"""The Companies tab: list, search, paging, create, request data, rename, delete, and
the connection page with its linking errors."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import connections
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from ledgerport.storage.types import utcnow
from tests.factories import platform
from tests.portal.portal_session import (
    NAME,
    cheap_passwords,  # noqa: F401 - autouse fixture
    htmx,
    sign_in,
)

RESULTS = "companies-results"


@pytest.fixture
def portal(app_client: TestClient, services: Services) -> TestClient:
    return sign_in(app_client, services)


def _row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="company-([0-9a-f-]{36})"', html)


def test_empty_state_says_what_to_do_next(portal: TestClient) -> None:
    page = portal.get("/")
    assert page.status_code == 200
    assert "No companies yet" in page.text
    assert 'id="create-first-company"' in page.text
    assert 'aria-current="page">Companies' in page.text


def test_list_shows_each_company_with_creator_dates_and_connections(
    portal: TestClient, services: Services
) -> None:
    created = utcnow() - timedelta(days=2)
    company = platform.company(
        services,
        name="Hairosmith",
        created=created,
        connections=(
            ("mqjo", ConnectionStatus.LINKED),
            ("gbol", ConnectionStatus.PENDING_AUTH),
            ("qhyg", ConnectionStatus.UNLINKED),
            ("pdvj", ConnectionStatus.DEAUTHORIZED),
        ),
    )
    page = portal.get("/").text
    row = page[page.index(f'id="company-{company.id}"') :]
    row = row[: row.index("</tr>")]
    assert "Hairosmith" in row
    assert str(company.id) in row
    assert f"{created.day} {created:%b %Y, %H:%M} UTC" in row
    assert "Never" in row  # never pulled
    tones = dict(re.findall(r'class="status (status-\w+)"[^>]*>.*?</span>([^<]+)<', row, re.S))
    assert tones == {
        "status-linked": "Sandbox",
        "status-pending": "Xero",
        "status-unlinked": "QuickBooks Online",
        "status-error": "MYOB Business",
    }, row
    for connection in company.connections:
        assert f"/portal/companies/{company.id}/connections/{connection.id}" in row


def test_search_by_name_and_page_with_htmx_fragments(
    portal: TestClient, services: Services
) -> None:
    start = utcnow() - timedelta(hours=1)
    for i in range(23):
        platform.company(services, name=f"Salon {i:02d}", created=start + timedelta(seconds=i))
    platform.company(services, name="Barber 100%_", created=start + timedelta(minutes=5))

    first = portal.get("/")
    ids = _row_ids(first.text)
    assert len(ids) == 20
    assert "Showing 1\N{EN DASH}20 of 24" in first.text
    assert 'id="companies-next"' in first.text
    assert "Barber" in first.text.split("<tbody>")[1].split("</tr>")[0]  # newest first

    second = portal.get("/?page=2", headers=htmx(portal, RESULTS))
    assert second.text.lstrip().startswith(f'<section id="{RESULTS}"')
    assert "<html" not in second.text
    assert len(_row_ids(second.text)) == 4
    assert not set(_row_ids(second.text)) & set(ids)
    assert 'id="companies-previous"' in second.text

    found = portal.get("/?q=salon 0", headers=htmx(portal, RESULTS)).text
    assert len(_row_ids(found)) == 10
    # LIKE wildcards in the search are literal characters.
    assert len(_row_ids(portal.get("/?q=100%_").text)) == 1
    assert len(_row_ids(portal.get("/?q=%25").text)) == 1
    none = portal.get("/?q=nothing like this").text
    assert "No company name contains" in none
    # Past the last page shows the last page rather than nothing.
    assert len(_row_ids(portal.get("/?page=99").text)) == 4


def test_create_company_ends_on_the_link_url_and_email_template(
    portal: TestClient, services: Services
) -> None:
    form = portal.get("/portal/companies/new", headers=htmx(portal))
    assert 'id="dialog-title">Create a company' in form.text
    assert "<html" not in form.text
    response = portal.post(
        "/portal/companies",
        data={
            "name": "Hairosmith (Codat[1])",
            "description": "Rockstar-quality fringes and cuts",
            "tags": "region=uk\n\nsegment = smb",
            "products": ["spend-insights"],
        },
        headers=htmx(portal),
    )
    assert response.status_code == 200, response.text
    assert response.headers["HX-Trigger"] == '{"companiesChanged":true}'
    assert "<strong>Hairosmith Codat1</strong> has been created." in response.text
    link_url = re.search(r'id="link-url" readonly value="([^"]+)"', response.text)
    assert link_url is not None
    assert 'id="copy-link-url"' in response.text
    assert 'id="copy-email-template"' in response.text
    assert 'id="create-another-company"' in response.text
    template = response.text.split('id="email-template"')[1]
    assert link_url.group(1) in template
    assert NAME in template

    # The API shows the same company, with the portal user as its creator.
    key = platform.api_key(services)
    companies = portal.get("/companies", headers=platform.basic(key)).json()["results"]
    assert len(companies) == 1
    company = companies[0]
    assert company["name"] == "Hairosmith Codat1"
    assert company["createdByUserName"] == NAME
    assert company["redirect"] == link_url.group(1)
    assert company["tags"] == {"region": "uk", "segment": "smb"}
    assert company["products"] == ["spend-insights"]
    # And the Link URL works.
    parts = urlsplit(link_url.group(1))
    assert portal.get(f"{parts.path}?{parts.query}").status_code == 200


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "((()))"}, "company-name-error", "at least one letter or digit"),
        (
            {"name": "A", "tags": "\n".join(f"k{i}=v" for i in range(11))},
            "company-tags-error",
            "at most 10 tags",
        ),
        ({"name": "A", "tags": "x" * 28 + "=v"}, "company-tags-error", "1 to 27 characters"),
        ({"name": "A", "tags": "no equals sign"}, "company-tags-error", "key=value"),
        ({"name": "A", "products": ["nope"]}, "company-products-error", "Unknown product"),
    ],
)
def test_create_refuses_what_the_api_refuses(
    portal: TestClient,
    services: Services,
    fields: dict[str, object],
    field: str,
    message: str,
) -> None:
    response = portal.post("/portal/companies", data=fields, headers=htmx(portal))
    assert response.status_code == 422
    error = re.search(rf'id="{field}">([^<]+)<', response.text)
    assert error is not None, response.text
    assert message in error.group(1)
    assert field == "company-products-error" or 'aria-invalid="true"' in response.text
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CompanyRow)) == 0


def test_request_data_opens_onboarding_for_an_existing_company(
    portal: TestClient, services: Services
) -> None:
    company = platform.company(services, name="Hairosmith")
    response = portal.get(f"/portal/companies/{company.id}/onboarding", headers=htmx(portal))
    assert 'id="dialog-title">Onboarding Hairosmith' in response.text
    key = platform.api_key(services)
    redirect = portal.get(f"/companies/{company.id}", headers=platform.basic(key)).json()[
        "redirect"
    ]
    assert f'value="{redirect}"' in response.text
    # Without htmx it is a page of its own.
    assert "<html" in portal.get(f"/portal/companies/{company.id}/onboarding").text


def test_rename_in_place(portal: TestClient, services: Services) -> None:
    company = platform.company(services, name="Hairosmith")
    edit = portal.get(f"/portal/companies/{company.id}/edit", headers=htmx(portal))
    assert f'id="edit-name-{company.id}"' in edit.text
    assert f'<label for="edit-name-{company.id}">Company name</label>' in edit.text

    saved = portal.post(
        f"/portal/companies/{company.id}",
        data={"name": "Hair & Co (London)", "description": "Cuts"},
        headers=htmx(portal),
    )
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith(f'<tr id="company-{company.id}"')
    assert "Hair &amp; Co London" in saved.text
    with services.sessions() as session:
        row = session.get(CompanyRow, company.id)
        assert row is not None
        assert (row.name, row.description) == ("Hair & Co London", "Cuts")

    refused = portal.post(
        f"/portal/companies/{company.id}", data={"name": "[(<>)]"}, headers=htmx(portal)
    )
    assert refused.status_code == 422
    assert "at least one letter or digit" in refused.text
    cancel = portal.get(f"/portal/companies/{company.id}/row", headers=htmx(portal))
    assert "Hair &amp; Co London" in cancel.text
    assert "<form" not in cancel.text


def test_delete_asks_first_then_deletes_everything(portal: TestClient, services: Services) -> None:
    company = platform.company(
        services, name="Hairosmith", connections=(("mqjo", ConnectionStatus.LINKED),)
    )
    confirm = portal.get(f"/portal/companies/{company.id}/delete", headers=htmx(portal))
    assert "Delete Hairosmith?" in confirm.text
    assert "all the data received from it" in confirm.text
    assert "This cannot be undone." in confirm.text
    assert 'id="confirm-delete"' in confirm.text
    with services.sessions() as session:
        assert session.get(CompanyRow, company.id) is not None  # asking deletes nothing

    deleted = portal.post(f"/portal/companies/{company.id}/delete", headers=htmx(portal))
    assert deleted.status_code == 200
    assert "closeDialog" in deleted.headers["HX-Trigger"]
    assert "Hairosmith was deleted." in deleted.text
    with services.sessions() as session:
        assert session.get(CompanyRow, company.id) is None
        assert session.scalar(select(func.count()).select_from(ConnectionRow)) == 0
    again = portal.post(f"/portal/companies/{company.id}/delete", headers=htmx(portal))
    assert again.status_code == 404


def test_connection_page_shows_status_link_url_and_linking_errors(
    portal: TestClient, services: Services
) -> None:
    company = platform.company(
        services, name="Hairosmith", connections=(("gbol", ConnectionStatus.LINKED),)
    )
    connection_id = company.connections[0].id
    with transaction(services.sessions) as session:
        row = session.get(ConnectionRow, connection_id)
        assert row is not None
        connections.deauthorize(session, row, "The refresh token was revoked.", utcnow())

    listed = portal.get("/").text
    assert re.search(
        rf'class="status status-error" href="[^"]+" id="connection-{connection_id}"', listed
    )
    page = portal.get(f"/portal/companies/{company.id}/connections/{connection_id}")
    assert page.status_code == 200
    assert 'id="connection-status"><span class="dot" aria-hidden="true"></span>Deauthorized' in (
        page.text
    )
    errors = page.text.split('id="linking-errors"')[1]
    assert "The refresh token was revoked." in errors
    assert "Active" in errors
    assert 'id="connection-link-url"' in page.text
    missing = portal.get(f"/portal/companies/{company.id}/connections/{company.id}")
    assert missing.status_code == 404
    assert portal.get("/portal/companies/not-an-id/onboarding").status_code == 404
