"""Codat's Files API: upload (checked, all or nothing, deduplicated), list, download."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.tables import UploadedFileRow
from tests.api.test_auth import assert_codat_error
from tests.factories import platform

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CSV = b"date,amount\n2024-01-01,10.00\n"


def _setup(services: Services) -> tuple[str, str]:
    company = platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))
    return str(company.id), str(company.connections[0].id)


def _upload(client: TestClient, company: str, connection: str, *files: tuple[str, bytes]):  # type: ignore[no-untyped-def]
    return client.post(
        f"/companies/{company}/connections/{connection}/files",
        files=[("file", (name, content, "application/octet-stream")) for name, content in files],
    )


def _count(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(UploadedFileRow)) or 0


def test_upload_list_and_download(client: TestClient, services: Services) -> None:
    company, connection = _setup(services)
    response = _upload(client, company, connection, ("a.pdf", PDF), ("b.png", PNG), ("c.csv", CSV))
    assert response.status_code == 200, response.text
    assert response.content == b""

    listed = client.get(f"/companies/{company}/files")
    assert listed.status_code == 200
    body = listed.json()
    assert sorted(f["fileName"] for f in body) == ["a.pdf", "b.png", "c.csv"]
    assert all(set(f) == {"fileName", "displayName", "sourceType", "uploaded"} for f in body)

    today = datetime.now(UTC).date().isoformat()
    download = client.get(f"/companies/{company}/files/download", params={"date": today})
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/octet-stream"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert sorted(archive.namelist()) == ["a.pdf", "b.png", "c.csv"]
        assert archive.read("a.pdf") == PDF

    # Same bytes again, under another name too: stored once per connection.
    again = _upload(client, company, connection, ("a.pdf", PDF), ("copy.pdf", PDF))
    assert again.status_code == 200
    assert _count(services) == 3

    # One file on a day: the file itself, not a zip.
    with transaction(services.sessions) as session:
        session.execute(
            update(UploadedFileRow)
            .where(UploadedFileRow.file_name == "b.png")
            .values(uploaded=datetime(2024, 5, 1, 23, 59, tzinfo=UTC))
        )
    single = client.get(f"/companies/{company}/files/download", params={"date": "2024-05-01"})
    assert single.status_code == 200
    assert single.content == PNG
    assert 'filename="b.png"' in single.headers["content-disposition"]

    none = client.get(f"/companies/{company}/files/download", params={"date": "2024-05-02"})
    assert_codat_error(none, 404)
    bad = client.get(f"/companies/{company}/files/download", params={"date": "2024-13-45"})
    assert_codat_error(bad, 400)


def test_refusals_store_nothing(client: TestClient, services: Services) -> None:
    company, connection = _setup(services)
    cases = [
        [("ok.pdf", PDF), ("virus.exe", b"MZ\x90\x00")],  # wrong type
        [("ok.pdf", PDF), ("fake.pdf", PNG)],  # content does not match extension
        [("ok.pdf", PDF), ("empty.csv", b"")],  # empty
        [("ok.pdf", PDF), ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))],  # too big
        [(f"{i}.csv", f"n\n{i}\n".encode()) for i in range(21)],  # too many
        [("ok.pdf", PDF), ("binary.csv", b"a,b\n\x00\x01")],  # not text
    ]
    for files in cases:
        body = assert_codat_error(_upload(client, company, connection, *files), 400)
        assert body["error"]
    assert _count(services) == 0
    assert client.get(f"/companies/{company}/files").json() == []
    assert_codat_error(client.get(f"/companies/{company}/files/download"), 404)


def test_unknown_company_or_connection(client: TestClient, services: Services) -> None:
    company, _ = _setup(services)
    missing = "00000000-0000-0000-0000-000000000000"
    assert_codat_error(_upload(client, company, missing, ("a.pdf", PDF)), 404)
    assert_codat_error(client.get(f"/companies/{missing}/files"), 404)
    assert_codat_error(client.get(f"/companies/{missing}/files/download"), 404)
