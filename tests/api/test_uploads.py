"""File upload through the API: Codat's Files API on a file-upload connection, the
uploads routes (mapping, confirmation, download), and the records a pull makes."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.tables import PullOperationRow, UploadedFileRow
from ledgerport.sync.engine import Engine
from tests.factories.uploads import ENGLISH, GERMAN, GERMAN_CSV, US_CSV, pdf, xlsx_bytes

AMBIGUOUS_CSV = (
    "Vendor,Bill number,Bill date,Total\n"
    "Alpha Co,A-1,01/02/2024,100.00\n"
    "Beta Co,B-1,03/04/2024,50.00\n"
)


def _company(client: TestClient) -> str:
    company = client.post("/companies", json={"name": "Hairosmith"})
    assert company.status_code == 200, company.text
    return str(company.json()["id"])


def _connection(client: TestClient, company: str) -> str:
    made = client.post(f"/companies/{company}/connections", json={"platformKey": "fupl"})
    assert made.status_code == 200, made.text
    assert made.json()["status"] == "PendingAuth"
    assert made.json()["sourceType"] == "Other"
    return str(made.json()["id"])


def _upload(client: TestClient, company: str, connection: str, *files: tuple[str, bytes]):  # type: ignore[no-untyped-def]
    return client.post(
        f"/companies/{company}/connections/{connection}/files",
        files=[
            ("file", (name, io.BytesIO(data), "application/octet-stream")) for name, data in files
        ],
    )


def _uploads(client: TestClient, company: str, connection: str) -> list[dict]:  # type: ignore[type-arg]
    listed = client.get(f"/companies/{company}/connections/{connection}/uploads")
    assert listed.status_code == 200, listed.text
    return list(listed.json()["results"])


def _run_queued(services: Services) -> list[PullStatus]:
    engine = Engine(services, sleep=lambda _s: None)
    with services.sessions() as session:
        queued = list(
            session.scalars(
                select(PullOperationRow.id)
                .where(PullOperationRow.status == PullStatus.QUEUED.value)
                .order_by(PullOperationRow.requested)
            )
        )
    return [engine.run(pull_id) for pull_id in queued]


def test_upload_confirm_pull_and_read(client: TestClient, services: Services) -> None:
    company = _company(client)
    connection = _connection(client, company)
    sent = _upload(
        client,
        company,
        connection,
        ("us.csv", US_CSV.encode()),
        ("bolt.pdf", pdf(ENGLISH)),
        ("mueller.pdf", pdf(GERMAN)),
    )
    assert sent.status_code == 200, sent.text
    uploads = {u["fileName"]: u for u in _uploads(client, company, connection)}
    csv, bolt = uploads["us.csv"], uploads["bolt.pdf"]
    assert csv["status"] == "AwaitingConfirmation"
    assert csv["format"] == "csv"
    meanings = {c["header"]: c["meaning"] for c in csv["sheets"][0]["columns"]}
    assert meanings["Supplier"] == "supplierName"
    assert csv["sheets"][0]["dateOrder"] == "MDY"
    assert bolt["status"] == "Ready"
    assert bolt["billsFound"] == 1
    assert bolt["sheets"] == []
    assert not csv["imported"]

    # Nothing is pulled before a person confirms: the connection is still waiting.
    assert _run_queued(services) == []

    confirmed = client.post(
        f"/companies/{company}/connections/{connection}/uploads/{csv['id']}/confirm"
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "Ready"
    assert confirmed.json()["billsFound"] == 3
    assert client.get(f"/companies/{company}/connections/{connection}").json()["status"] == (
        "Linked"
    )
    assert _run_queued(services) == [PullStatus.COMPLETE, PullStatus.COMPLETE]

    bills = client.get(f"/companies/{company}/data/bills", params={"pageSize": 100}).json()
    by_ref = {b["reference"]: b for b in bills["results"]}
    assert set(by_ref) == {"INV-001", "INV-002", "B-77", "B-900", "R-2024-9"}
    assert by_ref["INV-001"]["totalAmount"] == 1200
    assert by_ref["INV-001"]["sourceModifiedDate"]
    source = by_ref["INV-001"]["supplementalData"]["content"]["fileUpload"]
    assert source["fileName"] == "us.csv"
    assert source["uploadId"] == csv["id"]
    # A formula is kept as text, never as a formula.
    assert not str(by_ref["B-77"]["lineItems"][0]["description"]).startswith("=")

    # A bill read from a PDF carries that PDF as its file.
    b900 = by_ref["B-900"]["id"]
    base = f"/companies/{company}/connections/{connection}/data/bills/{b900}/attachments"
    files = client.get(base).json()
    assert [f["name"] for f in files["attachments"]] == ["bolt.pdf"]
    download = client.get(f"{base}/{files['attachments'][0]['id']}/download")
    assert download.content == pdf(ENGLISH)

    suppliers = client.get(f"/companies/{company}/data/suppliers", params={"pageSize": 100}).json()
    names = sorted(s["supplierName"] for s in suppliers["results"])
    assert len([n for n in names if "Bolt" in n]) == 1  # one supplier across CSV and PDF

    uploads = {u["fileName"]: u for u in _uploads(client, company, connection)}
    assert all(u["imported"] for u in uploads.values())
    got = client.get(f"/companies/{company}/connections/{connection}/uploads/{csv['id']}/download")
    assert got.content == US_CSV.encode()

    # The same file again: no new upload, no new records.
    again = _upload(client, company, connection, ("us-copy.csv", US_CSV.encode()))
    assert again.status_code == 200
    assert len(_uploads(client, company, connection)) == 3
    client.post(f"/companies/{company}/data/queue/bills")
    _run_queued(services)
    bills = client.get(f"/companies/{company}/data/bills", params={"pageSize": 100}).json()
    assert bills["totalResults"] == 5


def test_a_corrected_mapping_is_used_and_a_bad_one_refused(
    client: TestClient, services: Services
) -> None:
    company = _company(client)
    connection = _connection(client, company)
    assert (
        _upload(client, company, connection, ("b.csv", AMBIGUOUS_CSV.encode())).status_code == 200
    )
    (upload,) = _uploads(client, company, connection)
    sheet = upload["sheets"][0]
    assert sheet["dateOrder"] is None  # 01/02 and 03/04 read both ways: a person chooses
    path = f"/companies/{company}/connections/{connection}/uploads/{upload['id']}/confirm"

    refused = client.post(path)
    assert refused.status_code == 400
    assert "b.csv" in refused.json()["error"]
    assert client.get(path.removesuffix("/confirm")).json()["status"] == "AwaitingConfirmation"

    bad = dict(sheet, columns=[dict(c, index=99) for c in sheet["columns"]])
    assert client.post(path, json={"sheets": [bad]}).status_code == 400
    unknown = dict(sheet, colour="red")
    assert client.post(path, json={"sheets": [unknown]}).status_code == 400

    chosen = dict(sheet, dateOrder="DMY")
    ok = client.post(path, json={"sheets": [chosen]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["sheets"][0]["dateOrder"] == "DMY"
    _run_queued(services)
    bills = client.get(f"/companies/{company}/data/bills").json()["results"]
    assert {b["reference"]: b["issueDate"] for b in bills} == {
        "A-1": "2024-02-01T00:00:00",
        "B-1": "2024-04-03T00:00:00",
    }


def _stored(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(UploadedFileRow)) or 0)


def _blob_files(services: Services) -> list[Path]:
    root = services.settings.resolved_files_dir
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def _truncated_xlsx() -> bytes:
    whole = xlsx_bytes(lambda book: book.active.append(["Supplier", "Invoice No", "Amount"]))  # type: ignore[union-attr]
    return whole[: len(whole) // 2]


BAD = [
    ("empty.csv", b"", "empty"),
    ("nothing.csv", b"colour,size\nred,12\nblue,14\n", "column"),
    ("broken.xlsx", _truncated_xlsx(), "xlsx"),
]


@pytest.mark.parametrize(("name", "data", "says"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_and_nothing_is_kept(
    client: TestClient, services: Services, name: str, data: bytes, says: str
) -> None:
    company = _company(client)
    connection = _connection(client, company)
    good = ("us.csv", US_CSV.encode())
    refused = _upload(client, company, connection, good, (name, data))
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["statusCode"] == 400
    assert says in body["error"].lower()
    assert _stored(services) == 0
    assert _blob_files(services) == []


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_csv_in_each_encoding_is_read(client: TestClient, encoding: str) -> None:
    company = _company(client)
    connection = _connection(client, company)
    sent = _upload(client, company, connection, ("de.csv", GERMAN_CSV.encode(encoding)))
    assert sent.status_code == 200, sent.text
    (upload,) = _uploads(client, company, connection)
    assert upload["encoding"]
    path = f"/companies/{company}/connections/{connection}/uploads/{upload['id']}/confirm"
    confirmed = client.post(path)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["billsFound"] == 3


def test_files_on_another_platform_are_only_kept(client: TestClient, services: Services) -> None:
    company = _company(client)
    made = client.post(f"/companies/{company}/connections", json={"platformKey": "mqjo"})
    connection = made.json()["id"]
    assert _upload(client, company, connection, ("us.csv", US_CSV.encode())).status_code == 200
    (upload,) = _uploads(client, company, connection)
    assert upload["status"] == "Stored"
    confirm = client.post(
        f"/companies/{company}/connections/{connection}/uploads/{upload['id']}/confirm"
    )
    assert confirm.status_code == 400


def test_unknown_uploads_are_404(client: TestClient) -> None:
    company = _company(client)
    connection = _connection(client, company)
    base = f"/companies/{company}/connections/{connection}/uploads"
    assert client.get(f"{base}/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{base}/not-an-id").status_code == 404
    assert client.post(f"{base}/{uuid.uuid4()}/confirm").status_code == 404
    with transaction(client.app.state.services.sessions):  # type: ignore[attr-defined]
        pass


def test_deleting_a_connection_or_company_removes_its_files(
    client: TestClient, services: Services
) -> None:
    company = _company(client)
    first, second = _connection(client, company), _connection(client, company)
    assert _upload(client, company, first, ("us.csv", US_CSV.encode())).status_code == 200
    assert _upload(client, company, second, ("bolt.pdf", pdf(ENGLISH))).status_code == 200
    assert len(_blob_files(services)) == 2

    assert client.delete(f"/companies/{company}/connections/{first}").status_code == 200
    assert [p.name for p in _blob_files(services)] == [
        _uploads(client, company, second)[0]["sha256"]
    ]
    assert client.delete(f"/companies/{company}").status_code == 204
    assert _blob_files(services) == []
    assert _stored(services) == 0


def test_deleting_an_upload_takes_its_records_and_bytes_with_it(
    client: TestClient, services: Services
) -> None:
    company = _company(client)
    connection = _connection(client, company)
    sent = _upload(
        client, company, connection, ("us.csv", US_CSV.encode()), ("bolt.pdf", pdf(ENGLISH))
    )
    assert sent.status_code == 200, sent.text
    uploads = {u["fileName"]: u for u in _uploads(client, company, connection)}
    base = f"/companies/{company}/connections/{connection}/uploads"
    assert client.post(f"{base}/{uploads['us.csv']['id']}/confirm").status_code == 200
    _run_queued(services)

    assert client.delete(f"{base}/{uploads['bolt.pdf']['id']}").status_code == 204
    assert client.get(f"{base}/{uploads['bolt.pdf']['id']}").status_code == 404
    assert [u["fileName"] for u in _uploads(client, company, connection)] == ["us.csv"]
    assert len(_blob_files(services)) == 1
    assert _run_queued(services) == [PullStatus.COMPLETE, PullStatus.COMPLETE]
    bills = client.get(f"/companies/{company}/data/bills", params={"pageSize": 100}).json()
    deleted = {b["reference"]: b["metadata"]["isDeleted"] for b in bills["results"]}
    assert deleted["B-900"] is True
    assert deleted["INV-001"] is False
    assert client.delete(f"{base}/{uploads['bolt.pdf']['id']}").status_code == 404
