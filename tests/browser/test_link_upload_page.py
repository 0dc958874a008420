"""Link's *Upload files* in a real browser: choose it, pick a spreadsheet and a PDF in
the file input, correct the date order on the review page, Finish. Each page is saved as
a screenshot (``link-upload-1-choose.png`` … ``link-upload-5-done.png``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ledgerport.app import create_app
from ledgerport.domain import links
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.tables import CompanyRow, ConnectionRow
from tests.factories import platform
from tests.live_server import serve
from tests.portal.test_link_upload import BOLT_PDF, SHEET

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_upload_files_in_link_by_browser(services: Services, page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    company = platform.company(services, name="Hairosmith")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with serve(create_app(services=services)) as url:
        with services.sessions() as session:
            row = session.get(CompanyRow, company.id)
            assert row is not None
            nonce = row.link_nonce
        page.goto(links.company_link_url(url, services.secret, str(company.id), nonce))
        page.get_by_role("heading", name="Don't use any of these? Upload files instead").wait_for()
        page.screenshot(path=str(shots / "link-upload-1-choose.png"), full_page=True)
        page.get_by_role("button", name="Upload files").click()

        page.get_by_label("Files").set_input_files(
            [
                {"name": "bills.csv", "mimeType": "text/csv", "buffer": SHEET.encode()},
                {"name": "bolt.pdf", "mimeType": "application/pdf", "buffer": BOLT_PDF},
            ]
        )
        page.screenshot(path=str(shots / "link-upload-2-upload.png"))
        page.get_by_role("button", name="Upload").click()

        page.get_by_role("heading", name="Review Hairosmith's files").wait_for()
        expect(page.get_by_role("button", name="Finish")).to_be_enabled()  # the PDF is ready
        page.screenshot(path=str(shots / "link-upload-3-review.png"), full_page=True)
        sheet = page.locator("section.upload", has_text="bills.csv")
        sheet.get_by_label("Dates are written").select_option("DMY")
        sheet.get_by_role("combobox", name="Holds Cost centre").select_option("account")
        sheet.get_by_role("button", name="Confirm").click()

        confirmed = page.locator("section.upload", has_text="bills.csv")
        expect(confirmed).to_contain_text("read 3 bills and 2 suppliers")
        expect(confirmed.get_by_role("combobox", name="Holds Cost centre")).to_have_value("account")
        page.screenshot(path=str(shots / "link-upload-4-confirmed.png"), full_page=True)
        page.get_by_role("button", name="Finish").click()
        page.get_by_role("heading", name="File upload connected").wait_for()
        page.screenshot(path=str(shots / "link-upload-5-done.png"))
    assert errors == []
    with services.sessions() as session:
        (connection,) = session.query(ConnectionRow).filter_by(company_id=company.id).all()
        assert connection.platform_key == "fupl"
        assert connection.status == ConnectionStatus.LINKED.value
