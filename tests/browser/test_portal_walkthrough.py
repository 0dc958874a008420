"""The seeds' guides, walked in a real browser (Playwright driving Debian's chromium)
against a live server with its job workers: sign in, create a company, copy its Link URL
and email template, link the sandbox through the Link page, refresh and watch the data
history reach Complete, open the summary and Spend Insights, rename the company, set a
data type to weekly, create and revoke an API key, delete the company. Each step checks
what a person would see, and each main page is saved as a screenshot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.services import Services
from ledgerport.sync.jobs import start_in_process
from tests.live_server import free_port, serve
from tests.portal.portal_session import EMAIL, PASSWORD, make_user

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[Services, str]]:
    """The app on a real port, its Link URLs pointing there, with job workers."""
    port = free_port()
    services = Services.build(settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"}))
    app = create_app(services=services)
    consumer = start_in_process(app.state.queue, workers=2, periodic=False)
    try:
        with serve(app, port=port) as url:
            yield services, url
    finally:
        consumer.stop(graceful=True)
        services.close()


def test_the_portal_walkthrough(live: tuple[Services, str], chromium: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    services, server = live
    make_user(services)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # Sign in.
        page.goto(server + "/")
        expect(page).to_have_url(re.compile(r"/sign-in"))
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.screenshot(path=str(shots / "01-sign-in.png"))
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#companies-heading")).to_be_visible()
        expect(page.locator("#companies-empty")).to_be_visible()  # nothing yet: what next
        page.screenshot(path=str(shots / "02-companies-empty.png"))

        # Create a company: the dialog ends on the onboarding state.
        page.locator("#create-company").click()
        dialog = page.locator("dialog#portal-dialog")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Company name").fill("Hairosmith")
        dialog.get_by_label("Description").fill("Rockstar-quality fringes and cuts")
        dialog.locator("#create-company-submit").click()
        expect(dialog.locator("#company-created")).to_be_visible()
        company_id = dialog.locator("#company-created").get_attribute("data-company-id")
        assert company_id
        link_url = dialog.locator("#link-url").input_value()
        assert link_url.startswith(server + "/link/company/")
        dialog.locator("#copy-link-url").click()
        assert page.evaluate("navigator.clipboard.readText()") == link_url
        dialog.locator("details#email-template-preview summary").click()
        template = dialog.locator("textarea#email-template").input_value()
        assert link_url in template
        dialog.locator("#copy-email-template").click()
        assert page.evaluate("navigator.clipboard.readText()") == template
        page.screenshot(path=str(shots / "03-onboarding.png"))
        page.keyboard.press("Escape")
        expect(dialog).not_to_be_visible()
        page.reload()
        row = page.locator(f"tr#company-{company_id}")
        expect(row).to_contain_text("Hairosmith")

        # The SMB links the sandbox through the Link page (its own browser tab).
        link = context.new_page()
        link.goto(link_url)
        link.screenshot(path=str(shots / "04-link-choose.png"))
        sandbox = link.locator("li", has_text="Sandbox")
        sandbox.get_by_role("button", name="Connect").click()
        link.get_by_role("button", name="Connect Sandbox").click()
        expect(link.get_by_role("heading", name="Sandbox connected")).to_be_visible()
        link.screenshot(path=str(shots / "05-link-done.png"))
        link.close()
        page.reload()
        expect(row.locator(".status-linked")).to_be_visible()

        # The company page: refresh, and watch the data history reach Complete.
        row.locator(f"#open-company-{company_id}").click()
        page.locator("#refresh-data").click()
        expect(page.locator("#refresh-message")).to_be_visible()
        page.locator("#tab-history").click()
        history = page.locator("#data-history")
        expect(history).to_be_visible()
        page.screenshot(path=str(shots / "06-history-running.png"))
        expect(history).to_have_attribute("data-polling", "off", timeout=90_000)
        statuses = history.locator("tr[id^='pull-']")
        assert statuses.count() > 0
        for n in range(statuses.count()):
            assert statuses.nth(n).get_attribute("data-status") == "Complete"
        page.screenshot(path=str(shots / "07-history-complete.png"))

        # Summary: revenue, operating profit and equity, from the pulled books.
        page.locator("#tab-summary").click()
        for figure in ("#summary-revenue", "#summary-operating-profit", "#summary-equity"):
            expect(page.locator(figure)).to_be_visible()
            assert page.locator(figure).get_attribute("data-value") not in (None, "")
        page.screenshot(path=str(shots / "08-summary.png"))

        # Spend Insights for the company.
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Spend Insights"
        ).click()
        expect(page.get_by_role("heading", name=re.compile("Spend Insights"))).to_be_visible()
        page.goto(f"{server}/spend-insights/{company_id}")
        expect(page.get_by_role("heading", name=re.compile("Hairosmith"))).to_be_visible()
        expect(page.get_by_role("heading", name="No spend analysis yet")).to_be_visible()
        page.get_by_role("button", name="Generate report").click()
        expect(page.locator("svg[role='img']").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(shots / "09-spend-insights.png"), full_page=True)

        # Rename in place.
        page.goto(server + "/")
        page.locator(f"#edit-{company_id}").click()
        name = page.locator(f"#edit-name-{company_id}")
        name.fill("Hairosmith & Co")
        page.locator(f"#save-{company_id}").click()
        expect(page.locator(f"tr#company-{company_id}")).to_contain_text("Hairosmith & Co")

        # Data type settings: invoices weekly.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        page.locator("#schedule-invoices").select_option(label="Weekly")
        page.locator("#save-data-types").click()
        expect(page.locator("#data-types-saved")).to_be_visible()
        page.reload()
        assert page.locator("#schedule-invoices").input_value() == "168"
        page.screenshot(path=str(shots / "10-data-types.png"))

        # API keys: create (shown once), then revoke.
        page.locator("#settings-tab-api-keys").click()
        page.locator("#api-key-name").fill("walkthrough")
        page.locator("#create-api-key").click()
        key = page.locator("#new-api-key").input_value()
        assert len(key) == 40
        page.screenshot(path=str(shots / "11-api-key.png"))
        table = page.locator("#api-keys-table")
        expect(table).to_contain_text(key[-4:])
        table.get_by_role("link", name=re.compile("Revoke API key walkthrough")).click()
        page.locator("#confirm-revoke").click()
        expect(table.locator("tr", has_text="walkthrough")).to_have_count(0)

        # Delete the company: the confirmation says what it means.
        page.goto(server + "/")
        page.locator(f"#delete-{company_id}").click()
        expect(page.locator("#delete-warning")).to_contain_text("This cannot be undone")
        page.screenshot(path=str(shots / "12-delete.png"))
        page.locator("#confirm-delete").click()
        expect(page.locator(f"tr#company-{company_id}")).to_have_count(0)
        expect(page.locator("#companies-empty")).to_be_visible()
    finally:
        context.close()
    assert errors == [], errors
