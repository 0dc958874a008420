"""Hostile input: file names that climb directories, bodies too large to hold, JSON
nested past any parser's stack, and query-language strings written as SQL injection.
Each gets a 4xx with Codat's error body (or a correct answer), never a 500, and the
data is intact afterwards."""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledgerport.api.uploads import checked_upload
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.tables import CompanyRow, PushOperationRow, RecordRow, UploadedFileRow
from tests.api.test_auth import ERROR_FIELDS, assert_codat_error
from tests.factories import platform
from tests.factories.records import pulled

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

TRAVERSALS = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\config.pdf",
    "/etc/shadow.pdf",
    "C:\\Users\\victim\\secret.pdf",
    "a/../../b.pdf",
    "....//....//deep.pdf",
    "%2e%2e%2fencoded.pdf",
    "./hidden.pdf",
]


def _safe(name: str) -> bool:
    return "/" not in name and "\\" not in name and name not in ("", ".", "..")


def _linked(services: Services) -> Any:
    return platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))


# -- path traversal in file names ----------------------------------------------------


def _cleaned(name: str) -> str:
    return checked_upload(name, None, b"x", max_bytes=10, default_name="file").name


def test_the_upload_helper_keeps_only_the_last_segment() -> None:
    for name in [*TRAVERSALS, "..\\", "/", "a/"]:
        assert _safe(_cleaned(name)), (name, _cleaned(name))


def test_the_upload_helper_refuses_dot_segments_and_control_characters_as_names() -> None:
    # A bare '..' pushed to Xero (PUT /{Resource}/{id}/Attachments/{FileName}) would be
    # resolved in the URL and write to PUT /{Resource}/{id}.
    for name in ("..", ".", "x/..", "a\\.."):
        assert _safe(_cleaned(name)), (name, _cleaned(name))
        assert _cleaned(name) == "file"
    assert _cleaned("in\x00voice\r\n.pdf") == "invoice.pdf"


def test_files_api_upload_stores_and_serves_bare_names(
    client: TestClient, services: Services
) -> None:
    company = _linked(services)
    url = f"/companies/{company.id}/connections/{company.connections[0].id}/files"
    files = [("file", (name, PDF + name.encode(), "application/pdf")) for name in TRAVERSALS]
    response = client.post(url, files=files)
    assert response.status_code == 200, response.text
    listed = client.get(f"/companies/{company.id}/files").json()
    names = [f["fileName"] for f in listed]
    assert len(names) == len(TRAVERSALS)
    assert all(_safe(n) for n in names), names
    with services.sessions() as session:
        stored = session.scalars(select(UploadedFileRow.file_name)).all()
    assert all(_safe(n) for n in stored), stored
    # The download zip holds no entry a careless unzip would write outside its folder.
    download = client.get(f"/companies/{company.id}/files/download")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        entries = archive.namelist()
    assert len(entries) == len(TRAVERSALS)
    assert all(_safe(n) for n in entries), entries


def test_values_postgresql_cannot_store_are_a_400(
    client: TestClient, services: Services, api_key: str
) -> None:
    """A NUL character in a string or a file name, an id longer than its column:
    SQLite keeps them, PostgreSQL refuses them; either way the caller gets a 4xx."""
    company = _linked(services)
    connection = company.connections[0].id
    pulled(services, company, "invoices", [_invoice(1, "Acme Ltd")])
    base = f"/companies/{company.id}/connections/{connection}"
    for method, path, body in [
        ("POST", "/companies", {"name": "Nul Ltd", "description": "a\u0000b"}),
        ("POST", "/companies", {"name": "Nul Ltd", "tags": {"k": "a\u0000b"}}),
        ("PUT", "/profile", {"name": "a\u0000", "redirectUrl": "https://example.com"}),
        ("POST", "/apiKeys", {"name": "a\u0000"}),
        ("POST", f"{base}/push/bills", {"supplierRef": {"id": "a\u0000"}}),
        ("PUT", f"{base}/push/bills/{'r' * 300}", {"supplierRef": {"id": "a"}}),
        ("GET", f"/companies/{company.id}/data/invoices/x%00", None),
    ]:
        response = client.request(method, path, json=body)
        assert response.status_code < 500, (method, path, response.text)
        if response.status_code >= 400:
            assert_codat_error(response, response.status_code)
    # A NUL in an uploaded file's name, as a raw multipart client can send it.
    raw = (
        b'--bnd\r\nContent-Disposition: form-data; name="file"; filename="a\x00b.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--bnd--\r\n"
    )
    for path in (f"{base}/files", f"{base}/push/invoices/inv-1/attachment"):
        response = client.post(
            path, content=raw, headers={"Content-Type": "multipart/form-data; boundary=bnd"}
        )
        assert response.status_code in (200, 400), (path, response.text)


@SQLITE_ONLY
def test_a_download_name_cannot_inject_headers(client: TestClient, services: Services) -> None:
    company = _linked(services)
    url = f"/companies/{company.id}/connections/{company.connections[0].id}/files"
    name = 'evil"; filename="x.exe\r\nSet-Cookie: a=b.pdf'
    response = client.post(url, files=[("file", (name, PDF, "application/pdf"))])
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        download = client.get(f"/companies/{company.id}/files/download")
        assert "set-cookie" not in download.headers
        disposition = download.headers["content-disposition"]
        assert "\r" not in disposition
        assert "\n" not in disposition


@SQLITE_ONLY
def test_push_attachment_names_are_bare(client: TestClient, services: Services) -> None:
    company = _linked(services)
    base = f"/companies/{company.id}/connections/{company.connections[0].id}/push"
    # Codat's two paths: .../attachment (invoices, direct costs) and .../attachments (bills).
    for name in TRAVERSALS[:4]:
        for path in ("invoices/inv-1/attachment", "bills/bill-1/attachments"):
            response = client.post(f"{base}/{path}", files={"file": (name, PDF, "application/pdf")})
            assert response.status_code == 200, response.text
    with services.sessions() as session:
        stored = session.scalars(select(PushOperationRow.file_name)).all()
    assert len(stored) == 8
    assert all(n is not None and _safe(n) for n in stored), stored


# -- bodies too large ----------------------------------------------------------------


class Streamed:
    """Drives the ASGI app directly with a body of ``total`` bytes in 1 MB chunks and
    counts how many the app read: proof that a refusal read (almost) nothing."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def send(
        self,
        method: str,
        path: str,
        total: int,
        *,
        declare: bool,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        first: bytes = b"",
    ) -> tuple[int, dict[str, Any], int]:
        raw_headers = [(b"content-type", content_type.encode())]
        raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if declare:
            raw_headers.append((b"content-length", str(total).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": raw_headers,
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
            "state": {},
        }
        sent = 0
        chunk = b"\x00" * MB
        answer: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent >= total:
                await asyncio.sleep(3600)  # the client waits for the answer
            piece = (first + chunk)[:MB] if sent == 0 else chunk
            piece = piece[: total - sent]
            sent += len(piece)
            return {"type": "http.request", "body": piece, "more_body": sent < total}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        # On a thread of its own: an earlier test on this worker (Playwright's sync API)
        # may have left an event loop running on this one.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, asyncio.wait_for(self.app(scope, receive, send), 60)).result()

        return answer["status"], orjson.loads(answer["body"]), sent


def _multipart_start(boundary: str) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-"
    ).encode()


@SQLITE_ONLY
def test_oversized_bodies_are_a_413_without_being_read(
    client: TestClient, services: Services, api_key: str
) -> None:
    company = _linked(services)
    connection = company.connections[0].id
    streamed = Streamed(client.app)
    auth = platform.basic(api_key)
    boundary = "b0undary"
    multipart = f"multipart/form-data; boundary={boundary}"
    targets = [
        ("POST", "/companies", "application/json", b""),
        ("PUT", f"/companies/{company.id}", "application/json", b""),
        (
            "POST",
            f"/companies/{company.id}/connections/{connection}/push/bills",
            "application/json",
            b"",
        ),
        (
            "POST",
            f"/companies/{company.id}/connections/{connection}/push/invoices/i1/attachment",
            multipart,
            _multipart_start(boundary),
        ),
    ]
    limit = services.settings.max_body_mb * MB
    for method, path, content_type, first in targets:
        for idempotent in ({}, {"Idempotency-Key": str(uuid.uuid4())}):
            headers = {**auth, **idempotent}
            # 200 MB, declared: refused before a byte is read.
            status, body, read = streamed.send(
                method, path, 200 * MB, declare=True, content_type=content_type,
                headers=headers, first=first,
            )  # fmt: skip
            assert status == 413, (path, body)
            assert set(body) == ERROR_FIELDS
            assert "larger than" in body["error"]
            assert read == 0, path
            # 200 MB, chunked without a length: refused at the limit, the rest never read.
            status, body, read = streamed.send(
                method, path, 200 * MB, declare=False, content_type=content_type,
                headers=headers, first=first,
            )  # fmt: skip
            assert status == 413, (path, body)
            assert set(body) == ERROR_FIELDS
            assert read <= limit + MB, (path, read)
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CompanyRow)) == 1
        assert session.scalar(select(func.count()).select_from(PushOperationRow)) == 0


@SQLITE_ONLY
def test_the_files_upload_takes_twenty_files_but_not_more_than_its_limit(
    client: TestClient, services: Services, api_key: str
) -> None:
    company = _linked(services)
    path = f"/companies/{company.id}/connections/{company.connections[0].id}/files"
    boundary = "b0undary"
    status, body, read = Streamed(client.app).send(
        "POST", path, 250 * MB, declare=True, headers=platform.basic(api_key),
        content_type=f"multipart/form-data; boundary={boundary}",
        first=_multipart_start(boundary),
    )  # fmt: skip
    assert status == 413
    assert read == 0
    assert "201 MB" in body["error"]
    # A body within the general limit is no problem for the Files API either.
    ok = client.post(
        path, files=[("file", ("a.pdf", PDF + b"\x00" * (11 * MB), "application/pdf"))]
    )
    body = assert_codat_error(ok, 400)
    assert "larger than 10 MB" in body["error"]


@SQLITE_ONLY
def test_the_files_upload_limit_holds_with_an_idempotency_key(
    client: TestClient, services: Services, api_key: str
) -> None:
    """The Idempotency-Key middleware reads the body before routing: the Files API's own
    limit must hold there too, not the general one."""
    company = _linked(services)
    path = f"/companies/{company.id}/connections/{company.connections[0].id}/files"
    total = (services.settings.max_body_mb + 2) * MB
    # Not multipart: the middleware reads it all whatever it is, and the route refuses it.
    status, body, read = Streamed(client.app).send(
        "POST", path, total, declare=False,
        headers={**platform.basic(api_key), "Idempotency-Key": str(uuid.uuid4())},
        content_type="application/octet-stream",
    )  # fmt: skip
    assert status != 413, body
    assert read == total


# -- deeply nested JSON --------------------------------------------------------------

DEPTH = 100_000


@SQLITE_ONLY
def test_deeply_nested_json_is_a_400(client: TestClient, services: Services) -> None:
    company = _linked(services)
    connection = company.connections[0].id
    arrays = b"[" * DEPTH + b"]" * DEPTH
    objects = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH
    for method, path in (
        ("POST", f"/companies/{company.id}/connections/{connection}/push/bills"),
        ("PUT", f"/companies/{company.id}/connections/{connection}/push/bills/b1"),
        ("POST", "/companies"),
        ("POST", f"/companies/{company.id}/connections"),
        ("POST", "/profile/syncSettings"),
        ("POST", f"/companies/{company.id}/connections/{connection}/payables/suppliers"),
    ):
        for body in (arrays, b'{"name": ' + arrays + b"}", objects):
            response = client.request(
                method, path, content=body, headers={"Content-Type": "application/json"}
            )
            assert_codat_error(response, 400)
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PushOperationRow)) == 0


# -- SQL injection through the query language ----------------------------------------

COMPANY_QUERIES = [
    "name='x' OR 1=1--",
    "name=x' OR '1'='1",
    "id=1;DROP TABLE companies",
    "name=a'; DROP TABLE companies; --",
    "name=x' UNION SELECT password_hash FROM portal_users--",
    "name~%' OR '1'='1",
    "name=Acme\x00' OR 1=1",
    "name=Acme Ltd&&id=1 OR 1=1",
    "name=Acme Ltd||1=1",
    "tags=x') OR ('1'='1",
]
INVOICE_QUERIES = [
    "customerRef.companyName=x' OR '1'='1",
    "customerRef.companyName=Acme Ltd'--",
    "id=inv-1' OR 'a'='a",
    "totalAmount>0 OR 1=1",
    "totalAmount>0;DROP TABLE records",
    "status=Submitted') OR 1=1--",
    "invoiceNumber~%'--",
    "metadata.isDeleted=true); DELETE FROM records; --",
    "issueDate>2020-01-01' OR '1'='1",
    "customerRef.companyName=\x00",
]
ORDER_BYS = ["name; DROP TABLE companies", "(SELECT 1)", "name DESC, 1=1--", "-name'--"]


def _invoice(n: int, customer: str) -> dict[str, Any]:
    return {
        "id": f"inv-{n}",
        "invoiceNumber": f"INV-{n}",
        "customerRef": {"id": f"cus-{n}", "companyName": customer},
        "issueDate": "2026-01-01T00:00:00",
        "status": "Submitted",
        "currency": "GBP",
        "totalAmount": 10.0 * n,
        "amountDue": 10.0 * n,
        "lineItems": [],
        "modifiedDate": "2026-01-01T00:00:00Z",
    }


def _answer(response: Any) -> list[dict[str, Any]] | None:
    """None for a clean 400, the results for a 200; anything else fails."""
    if response.status_code == 400:
        assert_codat_error(response, 400)
        return None
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_query_language_injection_changes_nothing(client: TestClient, services: Services) -> None:
    acme = platform.company(
        services, name="Acme Ltd", connections=(("mqjo", ConnectionStatus.LINKED),)
    )
    platform.company(services, name="Beta Bikes")
    pulled(services, acme, "invoices", [_invoice(1, "Acme Ltd"), _invoice(2, "Beta Bikes")])

    def tables() -> tuple[int, int]:
        with services.sessions() as session:
            return (
                session.scalar(select(func.count()).select_from(CompanyRow)) or 0,
                session.scalar(select(func.count()).select_from(RecordRow)) or 0,
            )

    before = tables()
    for query in COMPANY_QUERIES:
        results = _answer(client.get("/companies", params={"query": query}))
        # A string compared as a string matches no company: none is named like SQL.
        assert results in (None, []), (query, results)
    for order_by in ORDER_BYS:
        _answer(client.get("/companies", params={"orderBy": order_by}))
    invoices = f"/companies/{acme.id}/data/invoices"
    for query in INVOICE_QUERIES:
        results = _answer(client.get(invoices, params={"query": query}))
        if results is not None and query.startswith("totalAmount>0"):
            pytest.fail(f"{query!r} was read as a filter: {results}")
        assert results in (None, []), (query, results)
    for order_by in ORDER_BYS:
        _answer(client.get(invoices, params={"orderBy": order_by}))
    # The record routes take ids as plain strings.
    for record_id in ("inv-1' OR '1'='1", "x%00", "inv-1;DROP TABLE records"):
        response = client.get(f"{invoices}/{record_id}")
        assert_codat_error(response, 400 if response.status_code == 400 else 404)

    assert tables() == before
    assert [
        c["name"] for c in _answer(client.get("/companies", params={"orderBy": "name"})) or []
    ] == [
        "Acme Ltd",
        "Beta Bikes",
    ]
    found = _answer(client.get(invoices, params={"query": "customerRef.companyName=Acme Ltd"}))
    assert [i["id"] for i in found or []] == ["inv-1"]
