"""Link's *Upload files*: a company without connectable software uploads spreadsheets and
PDF bills on its Link page, corrects how a spreadsheet was read, and finishes; its bills
and suppliers are then the company's data, in the API and the spend analysis. And the
company's *Uploaded files* tab in the portal.

Every form is submitted as the page renders it (fields read from the HTML), so what is
tested is what a person's browser would send."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from ledgerport.domain.pulls import PullStatus
from ledgerport.portal import csrf
from ledgerport.services import Services
from ledgerport.storage.tables import ConnectionRow, UploadedFileRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import reports as report_jobs
from tests.api.test_uploads import _run_queued
from tests.factories.uploads import ENGLISH, GERMAN, US_CSV, pdf, xlsx_bytes
from tests.portal.portal_session import cheap_passwords, sign_in  # noqa: F401 - autouse

# -- the files: dated in the last months, so the spend analysis counts them ----------


def _months_back(today: date, months: int, day: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, day)


TODAY = utcnow().date()
# Days and months all 12 or less: every date reads both ways, so a person must choose.
AC101, AC102, BN7 = (
    _months_back(TODAY, 1, 5),
    _months_back(TODAY, 2, 7),
    _months_back(TODAY, 2, 9),
)
SHEET = (
    "Vendor,Bill number,Bill date,Total,Currency,Notes,Cost centre\n"
    f'Acme Supplies Ltd,AC-101,{AC101:%d/%m/%Y},"1,200.00",GBP,Paper for the shop,Shop\n'
    f"Acme Supplies Ltd,AC-102,{AC102:%d/%m/%Y},300.00,GBP,Toner,Shop\n"
    f"Bolt & Nut LLC,BN-7,{BN7:%d/%m/%Y},45.00,GBP,Spare bolts,Workshop\n"
)
B900 = _months_back(TODAY, 1, 14)
R9 = _months_back(TODAY, 3, 23)


def _dated(lines: list[str], replacements: dict[str, str]) -> list[str]:
    return [replacements.get(line.split(":")[0], line) for line in lines]


BOLT_PDF = pdf(
    _dated(
        ENGLISH,
        {
            "Invoice date": f"Invoice date: {B900.day} {B900:%B %Y}",
            "Due date": f"Due date: {B900 + timedelta(days=30):%d %B %Y}",
        },
    )
)
MUELLER_PDF = pdf(_dated(GERMAN, {"Rechnungsdatum": f"Rechnungsdatum: {R9:%d.%m.%Y}"}))


# -- reading pages as a browser does ----------------------------------------------------


class _Forms(HTMLParser):
    """Each form's action, method, enctype and the fields it would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({**a, "fields": {}, "disabled": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    fields[a["name"]] = "on"
            elif kind != "file":
                fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select, self._first = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = a.get("value", "")
                fields.setdefault(self._select, self._first)
            if "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "button" and "disabled" in a:
            self.forms[-1]["disabled"].append(a.get("id", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form(html: str, action_ends: str) -> dict[str, Any]:
    found = [f for f in forms(html) if f.get("action", "").endswith(action_ends)]
    assert len(found) == 1, (action_ends, [f.get("action") for f in forms(html)])
    return found[0]


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# -- steps ---------------------------------------------------------------------------


def _company(client: TestClient, name: str = "Hairosmith") -> dict[str, Any]:
    made = client.post("/companies", json={"name": name})
    assert made.status_code == 200, made.text
    return dict(made.json())


def choose_upload(client: TestClient, company: dict[str, Any]) -> str:
    """Open the company's Link page and choose Upload files: the upload page's URL."""
    page = client.get(_relative(company["redirect"]))
    assert page.status_code == 200, page.text
    assert "Upload files instead" in page.text
    chosen = [f for f in forms(page.text) if f["fields"].get("platformKey") == "fupl"]
    assert len(chosen) == 1
    response = client.post(chosen[0]["action"], data=chosen[0]["fields"], follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def send(client: TestClient, upload_url: str, *files: tuple[str, bytes]) -> httpx.Response:
    """Fill the upload page's form with ``files`` and submit it."""
    page = client.get(upload_url)
    assert page.status_code == 200, page.text
    upload = form(page.text, "/files")
    assert upload["enctype"] == "multipart/form-data"
    response: httpx.Response = client.post(
        upload["action"],
        data=upload["fields"],
        files=[
            ("file", (name, io.BytesIO(data), "application/octet-stream")) for name, data in files
        ],
        follow_redirects=False,
    )
    return response


def _connection_of(upload_url: str) -> tuple[str, str]:
    parts = urlsplit(upload_url).path.split("/")
    return parts[3], parts[5]


def _uploads(services: Services) -> list[UploadedFileRow]:
    with services.sessions() as session:
        return list(session.scalars(select(UploadedFileRow).order_by(UploadedFileRow.file_name)))


def _stored(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(UploadedFileRow)) or 0)


def _blob_files(services: Services) -> list[Path]:
    root = Path(services.settings.resolved_files_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _status(client: TestClient, company: str, connection: str) -> str:
    return str(client.get(f"/companies/{company}/connections/{connection}").json()["status"])


def linked_with_files(
    client: TestClient, *files: tuple[str, bytes]
) -> tuple[dict[str, Any], str, httpx.Response]:
    """A company whose Link page took ``files`` (not yet confirmed): the company, the
    upload page's URL and the review page."""
    company = _company(client)
    upload_url = choose_upload(client, company)
    sent = send(client, upload_url, *files)
    assert sent.status_code == 303, sent.text
    review = client.get(sent.headers["location"])
    assert review.status_code == 200, review.text
    return company, upload_url, review


# -- the end-to-end test ---------------------------------------------------------------


def test_upload_files_in_link_confirm_finish_and_see_the_data(
    client: TestClient, services: Services
) -> None:
    company, upload_url, review = linked_with_files(
        client, ("bills.csv", SHEET.encode()), ("bolt.pdf", BOLT_PDF), ("mueller.pdf", MUELLER_PDF)
    )
    company_id, connection_id = _connection_of(upload_url)
    assert company_id == company["id"]
    assert _status(client, company_id, connection_id) == "PendingAuth"
    rows = {r.file_name: r for r in _uploads(services)}
    sheet, bolt = rows["bills.csv"], rows["bolt.pdf"]
    assert (sheet.status, bolt.status) == ("AwaitingConfirmation", "Ready")

    # The review page: the sheet's mapping to confirm, the PDFs as read.
    html = review.text
    assert "bills.csv" in html
    assert "mueller.pdf" in html
    assert html.count("read 1 bill and 1 supplier") == 2
    assert "<td>B-900</td><td>Bolt &amp; Nut LLC</td>" in html  # what each PDF was read as
    assert "<td>28.80 GBP</td>" in html
    assert f"<td>{R9.isoformat()}</td>" in html
    # A few values under each column, kept when the sheet was understood.
    assert re.search(r'<td class="samples">AC-101 · AC-102', html), html
    mapping = form(html, f"/uploads/{sheet.id}/confirm")
    fields = mapping["fields"]
    assert fields["sheet-0-column-0"] == "supplierName"
    assert fields["sheet-0-column-6"] == "ignore"  # "Cost centre": not recognised
    assert fields["sheet-0-dateOrder"] == ""  # every date reads both ways
    assert "Choose: the dates could be read either way" in html
    assert "Acme Supplies Ltd" in html  # the column's first values
    assert "finish" not in form(html, "/finish")["disabled"]  # the PDFs are ready

    # Confirmed as detected: refused on the page, the file stays as it was.
    refused = client.post(mapping["action"], data=fields)
    assert refused.status_code == 400
    assert f'id="upload-{sheet.id}-error"' in refused.text
    shown = unescape(refused.text)
    assert f"Dates such as '{AC101:%d/%m/%Y}' read both as day/month and month/day" in shown
    assert _uploads(services)[0].status == "AwaitingConfirmation"

    # Corrected: dates are day first, the cost centre is the account.
    corrected = {**fields, "sheet-0-dateOrder": "DMY", "sheet-0-column-6": "account"}
    confirmed = client.post(mapping["action"], data=corrected, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    assert _status(client, company_id, connection_id) == "PendingAuth"  # until Finish
    review = client.get(confirmed.headers["location"])
    assert "read 3 bills and 2 suppliers" in review.text
    again = form(review.text, f"/uploads/{sheet.id}/confirm")["fields"]
    assert (again["sheet-0-dateOrder"], again["sheet-0-column-6"]) == ("DMY", "account")

    finish = form(review.text, "/finish")
    done = client.post(finish["action"], data=finish["fields"], follow_redirects=False)
    assert done.status_code == 200, done.text
    assert "File upload connected" in done.text
    assert _status(client, company_id, connection_id) == "Linked"
    assert client.get(_relative(str(review.url))).status_code == 410

    assert _run_queued(services) == [PullStatus.COMPLETE, PullStatus.COMPLETE]

    bills = client.get(f"/companies/{company_id}/data/bills", params={"pageSize": 100}).json()
    by_ref = {b["reference"]: b for b in bills["results"]}
    assert set(by_ref) == {"AC-101", "AC-102", "BN-7", "B-900", "R-2024-9"}
    assert by_ref["AC-101"]["issueDate"] == f"{AC101.isoformat()}T00:00:00"  # day first
    assert by_ref["AC-101"]["totalAmount"] == 1200
    assert by_ref["AC-101"]["lineItems"][0]["accountRef"]["name"] == "Shop"
    assert by_ref["B-900"]["issueDate"] == f"{B900.isoformat()}T00:00:00"
    suppliers = client.get(f"/companies/{company_id}/data/suppliers").json()["results"]
    names = sorted(s["supplierName"] for s in suppliers)
    assert len([n for n in names if "Bolt" in n]) == 1  # the CSV's and the PDF's, merged
    assert len(names) == 3

    # The spend analysis (Spend Insights API) sees the uploaded bills and suppliers.
    started = client.post(f"/companies/{company_id}/reports/spendAnalysis")
    assert started.status_code == 202, started.text
    assert report_jobs.run(services, uuid.UUID(started.json()["id"])) == "Complete"
    analysed = client.get(f"/companies/{company_id}/reports/spendAnalysis/latest/suppliers")
    assert analysed.status_code == 200, analysed.text
    rows_by_name = {r["supplierName"]: r for r in analysed.json()["results"]}
    acme = next(r for n, r in rows_by_name.items() if n.startswith("Acme"))
    bolt_row = next(r for n, r in rows_by_name.items() if n.startswith("Bolt"))
    assert (acme["billsCount"], acme["billsAmount"]) == (2, 1500.0)
    assert bolt_row["billsCount"] == 2  # BN-7 from the sheet, B-900 from the PDF
    assert any(n.startswith("M") and "ller" in n for n in rows_by_name)


# -- refusals --------------------------------------------------------------------------


def test_every_upload_form_needs_its_csrf_token(client: TestClient, services: Services) -> None:
    _, upload_url, review = linked_with_files(client, ("bills.csv", SHEET.encode()))
    company_id, connection_id = _connection_of(upload_url)
    (sheet,) = _uploads(services)
    mapping = form(review.text, f"/uploads/{sheet.id}/confirm")
    finish = form(review.text, "/finish")
    upload = form(client.get(upload_url).text, "/files")
    forged = {"csrf_token": "forged"}
    refused = [
        client.post(
            upload["action"],
            data={**upload["fields"], **forged},
            files=[("file", ("more.pdf", io.BytesIO(BOLT_PDF), "application/pdf"))],
        ),
        client.post(
            mapping["action"], data={**mapping["fields"], "sheet-0-dateOrder": "DMY", **forged}
        ),
        client.post(finish["action"], data={**finish["fields"], **forged}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert all("Session expired" in r.text for r in refused)
    client.cookies.delete(csrf.COOKIE)  # the token without its cookie is no better
    assert client.post(finish["action"], data=finish["fields"]).status_code == 403
    assert [(r.file_name, r.status) for r in _uploads(services)] == [
        ("bills.csv", "AwaitingConfirmation")
    ]
    assert _status(client, company_id, connection_id) == "PendingAuth"


def test_used_expired_and_wrong_link_urls_are_refused(
    client: TestClient, services: Services
) -> None:
    _, upload_url, review = linked_with_files(client, ("bolt.pdf", BOLT_PDF))
    company_id, connection_id = _connection_of(upload_url)
    review_url = _relative(str(review.url))
    finish = form(review.text, "/finish")
    token = finish["fields"]["csrf_token"]
    otp = finish["fields"]["otp"]
    base = f"/link/companies/{company_id}/connections/{connection_id}"

    # Another connection's token, or none, opens nothing.
    other = client.post(f"/companies/{company_id}/connections", json={"platformKey": "mqjo"})
    other_otp = urlsplit(other.json()["linkUrl"]).query
    assert client.get(f"{base}/review?{other_otp}").status_code == 403
    assert client.get(f"{base}/review").status_code == 403
    sandbox_review = f"/link/companies/{company_id}/connections/{other.json()['id']}/review"
    assert client.get(f"{sandbox_review}?{other_otp}").status_code == 403  # takes no files

    def every_page() -> list[httpx.Response]:
        """The upload and review pages, and the upload and Finish forms, with the token."""
        return [
            client.get(upload_url),
            client.get(review_url),
            client.post(
                f"{base}/files",
                data={"otp": otp, "csrf_token": token},
                files=[("file", ("b.csv", io.BytesIO(SHEET.encode()), "text/csv"))],
            ),
            client.post(finish["action"], data=finish["fields"]),
        ]

    # Expired: every page and form says so.
    with services.engine.begin() as db:
        db.execute(
            update(ConnectionRow)
            .where(ConnectionRow.id == uuid.UUID(connection_id))
            .values(link_issued_at=utcnow() - timedelta(days=31))
        )
    expired = every_page()
    assert [r.status_code for r in expired] == [410] * 4
    assert all("expired" in r.text for r in expired)
    with services.engine.begin() as db:
        db.execute(
            update(ConnectionRow)
            .where(ConnectionRow.id == uuid.UUID(connection_id))
            .values(link_issued_at=utcnow())
        )

    # Used: Finish consumes it, once.
    assert client.post(finish["action"], data=finish["fields"]).status_code == 200
    used = [
        *every_page(),
        client.post(f"{base}/uploads/{_uploads(services)[0].id}/confirm", data=finish["fields"]),
    ]
    assert [r.status_code for r in used] == [410] * 5
    assert all("already been used" in r.text for r in used)
    assert _stored(services) == 1


def test_finish_waits_for_a_confirmed_file(client: TestClient, services: Services) -> None:
    _, upload_url, review = linked_with_files(client, ("bills.csv", SHEET.encode()))
    finish = form(review.text, "/finish")
    assert finish["disabled"] == ["finish"]
    refused = client.post(finish["action"], data=finish["fields"])
    assert refused.status_code == 400
    assert "Confirm at least one file" in refused.text
    assert _status(client, *_connection_of(upload_url)) == "PendingAuth"


def _truncated_xlsx() -> bytes:
    whole = xlsx_bytes(lambda book: book.active.append(["Supplier", "Invoice No", "Amount"]))  # type: ignore[union-attr]
    return whole[: len(whole) // 2]


BAD = [
    ("broken.xlsx", _truncated_xlsx(), "could not be read"),
    ("colours.csv", b"colour,size\nred,12\nblue,14\n", "columns"),
    ("empty.csv", b"", "is empty"),
    ("notes.docx", b"PK\x03\x04rest", "Allowed types: CSV, PDF, XLSX"),
    ("fake.pdf", b"MZ\x90\x00 an executable", "does not contain PDF data"),
]


def test_a_bad_file_is_named_on_the_page_and_nothing_is_kept(
    client: TestClient, services: Services
) -> None:
    upload_url = choose_upload(client, _company(client))
    for name, data, says in BAD:
        refused = send(client, upload_url, ("bills.csv", SHEET.encode()), (name, data))
        assert refused.status_code == 400, (name, refused.text)
        assert 'id="upload-error"' in refused.text
        assert name in refused.text
        assert says in refused.text
        assert form(refused.text, "/files")["enctype"] == "multipart/form-data"  # try again
        assert _stored(services) == 0
        assert _blob_files(services) == []
    # A form sent without choosing a file (a browser without `required`).
    upload = form(client.get(upload_url).text, "/files")
    refused = client.post(
        upload["action"],
        data=upload["fields"],
        files=[("file", ("", io.BytesIO(b""), "application/octet-stream"))],
    )
    assert refused.status_code == 400
    assert "Choose at least one file" in refused.text
    assert _stored(services) == 0


def test_mapping_mistakes_are_shown_and_the_choices_kept(
    client: TestClient, services: Services
) -> None:
    _, _, review = linked_with_files(client, ("bills.csv", SHEET.encode()))
    (sheet,) = _uploads(services)
    mapping = form(review.text, f"/uploads/{sheet.id}/confirm")
    twice = {**mapping["fields"], "sheet-0-dateOrder": "DMY", "sheet-0-column-5": "supplierName"}
    refused = client.post(mapping["action"], data=twice)
    assert refused.status_code == 400
    assert "'Vendor' and 'Notes' are both read as Supplier name" in unescape(refused.text)
    kept = form(refused.text, f"/uploads/{sheet.id}/confirm")["fields"]
    assert (kept["sheet-0-dateOrder"], kept["sheet-0-column-5"]) == ("DMY", "supplierName")
    currency = {**mapping["fields"], "sheet-0-dateOrder": "DMY", "sheet-0-defaultCurrency": "£"}
    assert "three-letter code" in client.post(mapping["action"], data=currency).text
    unknown = {**mapping["fields"], "sheet-0-dateOrder": "DMY", "sheet-0-column-6": "colour"}
    assert "The mapping is not valid" in client.post(mapping["action"], data=unknown).text
    assert _uploads(services)[0].status == "AwaitingConfirmation"
    missing = mapping["action"].replace(str(sheet.id), str(uuid.uuid4()))
    assert client.post(missing, data=mapping["fields"]).status_code == 404


# -- the portal's Uploaded files tab ----------------------------------------------------


def _tab(client: TestClient, company_id: str) -> str:
    page = client.get(f"/portal/companies/{company_id}/files")
    assert page.status_code == 200, page.text
    return str(page.text)


def test_the_portal_lists_uploads_and_downloads_them(
    client: TestClient, services: Services
) -> None:
    company, upload_url, _ = linked_with_files(client, ("us.csv", US_CSV.encode()))
    assert send(client, upload_url, ("bolt.pdf", BOLT_PDF)).status_code == 303  # newer
    company_id = company["id"]
    download = f"/portal/companies/{company_id}/files/{_uploads(services)[0].id}/download"
    signed_out = client.get(download, follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/sign-in")
    assert (
        client.get(f"/portal/companies/{company_id}/files", follow_redirects=False).status_code
        == 303
    )
    sign_in(client, services)

    html = _tab(client, company_id)
    assert 'id="files-empty"' not in html
    assert html.index("bolt.pdf") < html.index("us.csv")  # newest first
    rows = {r.file_name: r for r in _uploads(services)}
    pdf_row, csv_row = rows["bolt.pdf"], rows["us.csv"]
    assert "File upload" in html
    assert "Waiting for confirmation" in html
    assert "Ready" in html
    assert f'href="/portal/companies/{company_id}/files/{pdf_row.id}/download"' in html
    pdf_cells = html[html.index(f'id="file-{pdf_row.id}"') :].split("</tr>")[0]
    assert ">1</td>" in pdf_cells  # one bill, one supplier
    assert ">No</td>" in pdf_cells  # not pulled yet

    got = client.get(f"/portal/companies/{company_id}/files/{pdf_row.id}/download")
    assert got.status_code == 200
    assert got.content == BOLT_PDF
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"] == 'attachment; filename="bolt.pdf"'
    assert client.get(f"/portal/companies/{company_id}/files/{csv_row.id}/download").content == (
        US_CSV.encode()
    )
    # Another company's file is not found through this one; nor is nonsense.
    other = _company(client, "Other")
    assert (
        client.get(f"/portal/companies/{other['id']}/files/{pdf_row.id}/download").status_code
        == 404
    )
    assert client.get(f"/portal/companies/{company_id}/files/nope/download").status_code == 404
    assert 'id="files-empty"' in _tab(client, other["id"])

    # Confirmed, finished and pulled: imported, and the review items listed.
    review = client.get(_relative(upload_url).replace("/start", "/review"))
    confirm = form(review.text, f"/uploads/{csv_row.id}/confirm")
    assert (
        client.post(confirm["action"], data=confirm["fields"], follow_redirects=False).status_code
        == 303
    )
    finish = form(client.get(_relative(upload_url).replace("/start", "/review")).text, "/finish")
    assert client.post(finish["action"], data=finish["fields"]).status_code == 200
    _run_queued(services)
    html = _tab(client, company_id)
    csv_cells = html[html.index(f'id="file-{csv_row.id}"') :].split("</tr>")[0]
    assert ">Yes</td>" in csv_cells
    reviewed = _uploads(services)
    assert any(r.review for r in reviewed)
    for r in reviewed:
        if r.review:
            assert f'id="review-{r.id}"' in html


NAMES = ["<script>alert(1)</script>.csv", "<img src=x onerror=alert(1)>.csv"]


def test_file_names_are_shown_as_text(client: TestClient, services: Services) -> None:
    company, _, review = linked_with_files(
        client, *((name, SHEET.encode() + str(i).encode()) for i, name in enumerate(NAMES))
    )
    sign_in(client, services)
    stored = sorted(r.file_name for r in _uploads(services))
    # A name is its last path segment: "<script>alert(1)</" goes with the path.
    assert stored == ["<img src=x onerror=alert(1)>.csv", "script>.csv"]
    for html in (review.text, _tab(client, company["id"])):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;.csv" in html
    img = next(r for r in _uploads(services) if r.file_name.startswith("<img"))
    got = client.get(f"/portal/companies/{company['id']}/files/{img.id}/download")
    assert got.headers["content-disposition"] == (
        'attachment; filename="<img src=x onerror=alert(1)>.csv"'
    )


def test_a_file_can_be_removed_from_the_review_page(client: TestClient, services: Services) -> None:
    _, _, review = linked_with_files(client, ("bills.csv", SHEET.encode()), ("bolt.pdf", BOLT_PDF))
    rows = {r.file_name: r for r in _uploads(services)}
    remove = form(review.text, f"/uploads/{rows['bolt.pdf'].id}/remove")
    forged = client.post(remove["action"], data={**remove["fields"], "csrf_token": "forged"})
    assert forged.status_code == 403
    assert len(_uploads(services)) == 2

    removed = client.post(remove["action"], data=remove["fields"])
    assert removed.status_code == 200  # back on the review page, without the file
    assert "bolt.pdf" not in removed.text
    assert [r.file_name for r in _uploads(services)] == ["bills.csv"]
    assert len(_blob_files(services)) == 1
    again = client.post(remove["action"], data=remove["fields"])
    assert again.status_code == 404
