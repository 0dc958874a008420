"""The attachment routes: list, metadata and download per parent, the invoice PDF, their
404s and 409s, Codat's schemas, and a file going from a platform to a download."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledgerport.api.routes.attachments import PARENTS
from ledgerport.connectors.spec import SourceAttachment
from ledgerport.domain.accounting.registry import URL_SEGMENTS
from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.pulls import PullStatus
from ledgerport.domain.uploaded_files import content_disposition
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import attachments, pulls, records
from ledgerport.storage.tables import AttachmentRow, CompanyRow
from ledgerport.storage.types import utcnow
from ledgerport.sync.engine import Engine
from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import errors
from tests.factories import platform
from tests.sync.test_attachments import FilingPlatform, connector

PDF = b"%PDF-1.7\n\x00\xff binary invoice"
PNG = b"\x89PNG\r\n\x1a\n receipt"


def _file(file_id: str, name: str, content_type: str | None, content: bytes) -> attachments.NewFile:
    document: dict[str, Any] = {
        "id": file_id,
        "name": name,
        "contentType": content_type,
        "dateCreated": "2026-01-02T03:04:05Z",
        "fileSize": len(content),
        "includeWhenSent": False,
        "sourceModifiedDate": "2026-01-02T03:04:05Z",
    }
    return attachments.NewFile(document=document, content=content)


def _seed(
    services: Services,
    company: CompanyRow,
    data_type: str,
    record_ids: list[str],
    files: dict[str, list[attachments.NewFile]],
    *,
    connection_index: int = 0,
) -> None:
    """What a pull leaves behind: the records, the data set marked pulled, their files."""
    connection = company.connections[connection_index]
    now = utcnow()
    with transaction(services.sessions) as session:
        records.save_batch(
            session,
            company_id=company.id,
            connection_id=connection.id,
            data_type=data_type,
            documents=[
                {"id": record_id, "metadata": {"isDeleted": None}} for record_id in record_ids
            ],
            now=now,
        )
        records.mark_dataset(
            session,
            company_id=company.id,
            connection_id=connection.id,
            data_type=data_type,
            now=now,
        )
        for record_id, listed in files.items():
            attachments.replace(
                session,
                company_id=company.id,
                connection_id=connection.id,
                data_type=data_type,
                record_id=record_id,
                files=listed,
                now=now,
            )


def _company(services: Services, connections: int = 1) -> CompanyRow:
    return platform.company(
        services, connections=(("mqjo", ConnectionStatus.LINKED),) * connections
    )


def _base(company: CompanyRow, segment: str = "invoices", index: int = 0) -> str:
    connection = company.connections[index]
    return f"/companies/{company.id}/connections/{connection.id}/data/{segment}"


def test_list_get_and_download_an_invoices_files(client: TestClient, services: Services) -> None:
    company = _company(services)
    _seed(
        services,
        company,
        "invoices",
        ["inv-1", "inv-2"],
        {
            "inv-1": [
                _file("b-receipt", "receipt.png", "image/png", PNG),
                _file("a-invoice", "INV-0001.pdf", "application/pdf", PDF),
            ]
        },
    )
    base = _base(company)

    listed = client.get(f"{base}/inv-1/attachments")
    assert listed.status_code == 200, listed.text
    assert listed.headers["content-type"] == "application/json"
    body = listed.json()
    assert list(body) == ["attachments"]
    assert [a["id"] for a in body["attachments"]] == ["a-invoice", "b-receipt"]
    assert errors(body, "AttachmentsDataset", spec="accounting") == []
    for document in body["attachments"]:
        assert errors(document, "Attachment", spec="accounting") == []
        assert document["modifiedDate"].endswith("Z")

    one = client.get(f"{base}/inv-1/attachments/b-receipt")
    assert one.status_code == 200
    assert one.json() == body["attachments"][1]
    assert one.json()["fileSize"] == len(PNG)
    assert one.json()["contentType"] == "image/png"

    download = client.get(f"{base}/inv-1/attachments/a-invoice/download")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"] == 'attachment; filename="INV-0001.pdf"'
    png = client.get(f"{base}/inv-1/attachments/b-receipt/download")
    assert png.content == PNG

    assert client.get(f"{base}/inv-2/attachments").json() == {"attachments": []}


def test_unknown_parents_attachments_and_connections_are_404(
    client: TestClient, services: Services
) -> None:
    company = _company(services)
    _seed(services, company, "invoices", ["inv-1"], {"inv-1": [_file("f", "f.pdf", None, PDF)]})
    base = _base(company)
    assert_codat_error(client.get(f"{base}/nope/attachments"), 404)
    assert_codat_error(client.get(f"{base}/nope/attachments/f"), 404)
    assert_codat_error(client.get(f"{base}/nope/attachments/f/download"), 404)
    assert_codat_error(client.get(f"{base}/inv-1/attachments/nope"), 404)
    assert_codat_error(client.get(f"{base}/inv-1/attachments/nope/download"), 404)
    other = f"/companies/{company.id}/connections/{uuid.uuid4()}/data/invoices"
    assert_codat_error(client.get(f"{other}/inv-1/attachments"), 404)
    assert_codat_error(
        client.get(f"/companies/{uuid.uuid4()}/connections/x/data/bills/b/attachments"), 404
    )


def test_a_parent_never_pulled_on_the_connection_is_409(
    client: TestClient, services: Services
) -> None:
    company = _company(services, connections=2)
    _seed(services, company, "invoices", ["inv-1"], {"inv-1": [_file("f", "f.pdf", None, PDF)]})
    body = assert_codat_error(client.get(f"{_base(company, 'bills')}/b-1/attachments"), 409)
    assert "has not been requested" in body["error"]
    assert_codat_error(client.get(f"{_base(company, 'bills')}/b-1/attachments/f"), 409)
    assert_codat_error(client.get(f"{_base(company, 'bills')}/b-1/attachments/f/download"), 409)
    # Pulled on the first connection only: the second has no data set yet.
    assert_codat_error(client.get(f"{_base(company, index=1)}/inv-1/attachments"), 409)


@pytest.mark.parametrize("parent", PARENTS, ids=lambda p: p.data_type.value)
def test_every_parent_codat_serves_files_on(
    client: TestClient, services: Services, parent: Any
) -> None:
    company = _company(services)
    data_type = parent.data_type.value
    _seed(
        services, company, data_type, ["r-1"], {"r-1": [_file("f-1", "scan.png", "image/png", PNG)]}
    )
    base = f"{_base(company, URL_SEGMENTS[parent.data_type])}/r-1/attachments"
    assert [a["id"] for a in client.get(base).json()["attachments"]] == ["f-1"]
    assert client.get(f"{base}/f-1").json()["name"] == "scan.png"
    assert client.get(f"{base}/f-1/download").content == PNG


def test_no_attachment_routes_where_codat_has_none(client: TestClient, services: Services) -> None:
    company = _company(services)
    _seed(services, company, "purchaseOrders", ["po-1"], {})
    response = client.get(f"{_base(company, 'purchaseOrders')}/po-1/attachments")
    assert response.status_code == 404


def test_the_invoice_pdf(client: TestClient, services: Services) -> None:
    company = _company(services, connections=2)
    url = f"/companies/{company.id}/data/invoices/inv-1/pdf"
    assert_codat_error(client.get(url), 409)
    _seed(
        services,
        company,
        "invoices",
        ["inv-1", "inv-2", "inv-3"],
        {
            "inv-1": [_file("png", "receipt.png", "image/png", PNG)],
            "inv-3": [_file("typeless", "Invoice 3.PDF", None, b"%PDF three")],
        },
    )
    _seed(  # the PDF is on the company's other connection
        services,
        company,
        "invoices",
        ["inv-1"],
        {"inv-1": [_file("pdf", "INV-0001.pdf", "application/pdf; version=1.7", PDF)]},
        connection_index=1,
    )
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.content == PDF
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == 'attachment; filename="INV-0001.pdf"'
    third = client.get(f"/companies/{company.id}/data/invoices/inv-3/pdf")
    assert third.content == b"%PDF three"
    body = assert_codat_error(client.get(f"/companies/{company.id}/data/invoices/inv-2/pdf"), 404)
    assert "no PDF" in body["error"]
    assert_codat_error(client.get(f"/companies/{company.id}/data/invoices/nope/pdf"), 404)
    assert_codat_error(client.get(f"/companies/{uuid.uuid4()}/data/invoices/inv-1/pdf"), 404)


def test_file_names_reach_the_header_safely() -> None:
    assert content_disposition("INV-1.pdf") == 'attachment; filename="INV-1.pdf"'
    assert content_disposition('a"b\\c.pdf') == (
        "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''" + quote('a"b\\c.pdf', safe="")
    )
    assert content_disposition("Rechnung Müller €.pdf") == (
        'attachment; filename="Rechnung M_ller _.pdf"; '
        "filename*=UTF-8''Rechnung%20M%C3%BCller%20%E2%82%AC.pdf"
    )
    assert "\r" not in content_disposition("evil\r\nSet-Cookie: x=1.pdf")
    assert content_disposition("\n") == 'attachment; filename="attachment"'


def test_a_non_ascii_name_downloads(client: TestClient, services: Services) -> None:
    company = _company(services)
    _seed(
        services, company, "bills", ["b-1"], {"b-1": [_file("f", "Quittung Köln.pdf", None, PDF)]}
    )
    response = client.get(f"{_base(company, 'bills')}/b-1/attachments/f/download")
    assert response.content == PDF
    assert "filename*=UTF-8''Quittung%20K%C3%B6ln.pdf" in response.headers["content-disposition"]


def test_files_go_with_their_company(client: TestClient, services: Services) -> None:
    company = _company(services)
    _seed(services, company, "invoices", ["inv-1"], {"inv-1": [_file("f", "f.pdf", None, PDF)]})
    count = select(func.count()).select_from(AttachmentRow)
    with services.sessions() as session:
        assert session.scalar(count) == 1
    assert client.delete(f"/companies/{company.id}").status_code == 204
    with services.sessions() as session:
        assert session.scalar(count) == 0


def test_from_the_platform_to_a_download(client: TestClient, services: Services) -> None:
    """The whole way: a pull stores a platform's files, the API serves them."""
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    fake = FilingPlatform(
        invoices={"i1": {"ID": "i1", "Customer": "Acme", "Total": 10, "Updated": t0}},
        files={
            "i1": [
                SourceAttachment(
                    id="att-1",
                    name="INV-I1.pdf",
                    content_type="application/pdf",
                    content=PDF,
                    date_created=t0,
                    include_when_sent=True,
                )
            ]
        },
    )
    services.connectors._by_key["tstf"] = connector(fake)
    company = platform.company(services, connections=(("tstf", ConnectionStatus.LINKED),))
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(session, company.id, company.connections[0].id, "invoices", utcnow())
    assert Engine(services, sleep=lambda _s: None).run(row.id) == PullStatus.COMPLETE

    base = f"{_base(company)}/i1/attachments"
    [document] = client.get(base).json()["attachments"]
    assert document["id"] == "att-1"
    assert document["fileSize"] == len(PDF)
    assert document["includeWhenSent"] is True
    assert document["dateCreated"] == "2026-03-01T00:00:00Z"
    assert errors(document, "Attachment", spec="accounting") == []
    assert client.get(f"{base}/att-1/download").content == PDF
    assert client.get(f"/companies/{company.id}/data/invoices/i1/pdf").content == PDF
