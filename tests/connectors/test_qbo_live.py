"""The QBO connector against the QBO simulator on a real port (``tests/live_server``):
every stream read in full and checked against Codat's schemas and the books' own
arithmetic, then writes (create, update, delete) seen again by an incremental (CDC)
pull, and a refused token. The simulator is built from Intuit's docs independently of
the connector, so agreement here is evidence, not an echo."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from starlette.applications import Starlette

from ledgerport.connectors.errors import AccessTokenRejectedError, RejectedError
from ledgerport.connectors.quickbooks_online import CONNECTOR
from ledgerport.connectors.quickbooks_online.reader import QboReader
from ledgerport.connectors.quickbooks_online.writer import QboWriter
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.spec import ReaderContext
from ledgerport.connectors.writes import WriteKind, WriteRequest
from ledgerport.domain.enums import DataType
from ledgerport.simulators.qbo.app import create_app
from tests.conformance.codat_schema import errors
from tests.connectors.test_qbo_mapping import SCHEMAS
from tests.connectors.test_qbo_reader import pull
from tests.live_server import serve

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
SIZE = {"invoices": 60, "bills": 40, "customers": 10, "suppliers": 10, "historyDays": 90}
D = Decimal


@dataclass
class Company:
    app: Starlette
    url: str
    token: str

    def context(self) -> ReaderContext:
        return ReaderContext(
            company_id="c",
            connection_id="k",
            connection_info={"realmId": self.app.state.qbo.realm_id},
            base_url=self.url,
            access_token=lambda: self.token,
            now=NOW,
        )


@pytest.fixture(scope="module")
def company() -> Iterator[Company]:
    app = create_app(
        seed="qbo-live", clock=lambda: NOW, size=Size.from_connection_info({"sandbox": SIZE})
    )
    with serve(app) as url:  # type: ignore[arg-type]  # any ASGI app serves
        yield Company(app, url, app.state.qbo.issue_tokens().access_token)


@pytest.fixture(scope="module")
def books(company: Company) -> dict[DataType, list[dict[str, Any]]]:
    reader = QboReader(company.context())
    found: dict[DataType, list[dict[str, Any]]] = {}
    for stream in CONNECTOR.reads:
        if stream.data_type is DataType.COMPANY:
            continue  # see test_company_info
        found[stream.data_type] = pull(reader, stream.data_type)
    return found


def test_every_stream_reads_codats_records(books: dict[DataType, list[dict[str, Any]]]) -> None:
    for data_type, records in books.items():
        assert len({r["id"] for r in records}) == len(records), data_type
        for record in records:
            assert errors(record, SCHEMAS[data_type], spec="accounting") == [], (
                data_type,
                record["id"],
            )
    for data_type in (DataType.INVOICES, DataType.BILLS, DataType.CUSTOMERS, DataType.ITEMS):
        assert books[data_type], data_type


def test_the_books_agree_with_themselves(books: dict[DataType, list[dict[str, Any]]]) -> None:
    customers = {c["id"] for c in books[DataType.CUSTOMERS]}
    suppliers = {s["id"] for s in books[DataType.SUPPLIERS]}
    accounts = {a["id"]: a for a in books[DataType.CHART_OF_ACCOUNTS]}
    for invoice in books[DataType.INVOICES]:
        assert invoice["customerRef"]["id"] in customers
        assert 0 <= D(str(invoice["amountDue"])) <= D(str(invoice["totalAmount"]))
        lines = sum(D(str(line["subTotal"])) for line in invoice["lineItems"])
        assert lines - D(str(invoice["totalDiscount"])) == D(str(invoice["subTotal"]))
    for bill in books[DataType.BILLS]:
        assert bill["supplierRef"]["id"] in suppliers
    for payment in books[DataType.PAYMENTS]:
        total = sum(D(str(line["amount"])) for line in payment["lines"])
        assert total == D(str(payment["totalAmount"])), payment["id"]
    for entry in books[DataType.JOURNAL_ENTRIES]:
        assert sum(D(str(line["netAmount"])) for line in entry["journalLines"]) == 0
    for bank in books[DataType.BANK_ACCOUNTS]:
        assert accounts[bank["id"]]["isBankAccount"]
        assert bank["balance"] == accounts[bank["id"]]["currentBalance"]


def test_invoice_files_are_read(
    company: Company, books: dict[DataType, list[dict[str, Any]]]
) -> None:
    reader = QboReader(company.context())
    stream = CONNECTOR.stream(DataType.INVOICES)
    assert stream is not None
    files = [
        f for inv in books[DataType.INVOICES][:5] for f in reader.attachments(stream, inv["id"])
    ]
    assert files  # the sandbox books keep a PDF on every invoice
    for file in files:
        assert file.name
        assert file.content.startswith(b"%PDF")


def test_company_info(company: Company) -> None:
    (info,) = pull(QboReader(company.context()), DataType.COMPANY)
    assert info["companyName"] == company.app.state.qbo.company_name()
    assert info["baseCurrency"]
    assert errors(info, "CompanyDataset", spec="accounting") == []


def _write(company: Company, data_type: DataType, kind: WriteKind, **fields: Any) -> Any:
    request = WriteRequest(data_type=data_type, kind=kind, key=str(uuid.uuid4()), **fields)
    return QboWriter(company.context()).write(request)


def test_a_repeated_requestid_writes_once(
    company: Company, books: dict[DataType, list[dict[str, Any]]]
) -> None:
    """What ``find`` relies on: the same request id again gets the first answer."""
    supplier = books[DataType.SUPPLIERS][0]["id"]
    account = next(a for a in books[DataType.CHART_OF_ACCOUNTS] if a["type"] == "Expense")
    vat = next(r for r in books[DataType.TAX_RATES] if r["effectiveTaxRate"] == 20)
    request = WriteRequest(
        data_type=DataType.BILLS,
        kind=WriteKind.CREATE,
        key=str(uuid.uuid4()),
        record={
            "supplierRef": {"id": supplier},
            "issueDate": "2026-11-01T00:00:00",
            "lineItems": [
                {
                    "unitAmount": 12,
                    "quantity": 1,
                    "accountRef": {"id": account["id"]},
                    "taxRateRef": {"id": vat["id"]},
                }
            ],
        },
    )
    first = QboWriter(company.context()).write(request)
    again = QboWriter(company.context()).find(request)
    assert again is not None
    assert again.record["id"] == first.record["id"]
    reader = QboReader(company.context())
    bills = pull(reader, DataType.BILLS, NOW - timedelta(hours=1))
    assert [b["id"] for b in bills].count(first.record["id"]) == 1


def test_writes_are_read_back_by_an_incremental_pull(
    company: Company, books: dict[DataType, list[dict[str, Any]]]
) -> None:
    item = next(i for i in books[DataType.ITEMS] if i["isInvoiceItem"])
    customer = _write(
        company, DataType.CUSTOMERS, WriteKind.CREATE, record={"customerName": "Live Test Ltd"}
    ).record
    invoice = _write(
        company,
        DataType.INVOICES,
        WriteKind.CREATE,
        record={
            "customerRef": {"id": customer["id"]},
            "issueDate": "2026-11-01T00:00:00",
            "lineItems": [{"unitAmount": 40, "quantity": 2, "itemRef": {"id": item["id"]}}],
        },
    )
    assert invoice.record["lineItems"][0]["subTotal"] == 80
    updated = _write(
        company,
        DataType.INVOICES,
        WriteKind.UPDATE,
        record={"customerRef": {"id": customer["id"]}, "invoiceNumber": "LIVE-1", "lineItems": []}
        | {"lineItems": [{"unitAmount": 50, "quantity": 2, "itemRef": {"id": item["id"]}}]},
        record_id=invoice.record["id"],
    )
    assert updated.record["invoiceNumber"] == "LIVE-1"
    assert updated.record["totalAmount"] >= 100
    bank = books[DataType.BANK_ACCOUNTS][0]["id"]
    paid = _write(
        company,
        DataType.PAYMENTS,
        WriteKind.CREATE,
        record={
            "customerRef": {"id": customer["id"]},
            "accountRef": {"id": bank},
            "totalAmount": 30,
            "date": "2026-11-02T00:00:00",
            "lines": [{"amount": 30, "links": [{"type": "Invoice", "id": invoice.record["id"]}]}],
        },
    )
    assert (DataType.INVOICES, invoice.record["id"]) in {
        (c.data_type, c.record_id) for c in paid.changes
    }
    deleted = _write(
        company, DataType.PAYMENTS, WriteKind.DELETE, record={}, record_id=paid.record["id"]
    )
    assert deleted.record["metadata"]["isDeleted"] is True

    reader = QboReader(company.context())
    since = NOW - timedelta(hours=1)
    invoices = {r["id"]: r for r in pull(reader, DataType.INVOICES, since)}
    assert invoices[invoice.record["id"]]["invoiceNumber"] == "LIVE-1"
    payments = {r["id"]: r for r in pull(reader, DataType.PAYMENTS, since)}
    assert payments[paid.record["id"]]["metadata"] == {"isDeleted": True}
    customers = {r["id"] for r in pull(reader, DataType.CUSTOMERS, since)}
    assert customer["id"] in customers


def test_a_refused_write_carries_qbos_message(company: Company) -> None:
    with pytest.raises(RejectedError) as refused:
        _write(
            company,
            DataType.INVOICES,
            WriteKind.CREATE,
            record={
                "customerRef": {"id": "999999"},
                "lineItems": [{"unitAmount": 1, "quantity": 1, "itemRef": {"id": "1"}}],
            },
        )
    assert refused.value.message


def test_an_expired_token_is_refused_for_the_engine_to_refresh(company: Company) -> None:
    stale = Company(company.app, company.url, "not-a-token")
    with pytest.raises(AccessTokenRejectedError):
        pull(QboReader(stale.context()), DataType.ITEMS)
