"""The data API over the records store: 409 before a pull, pages, queries, ordering,
change detection (modifiedDate moves only when content changes) and scoping."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.services import Services
from ledgerport.storage.types import utcnow
from tests.api.test_auth import assert_codat_error
from tests.conformance.codat_schema import errors
from tests.domain.accounting import factories
from tests.factories import platform
from tests.factories.records import pulled


def _invoice(n: int, customer: str, status: str, total: str) -> dict:
    doc = factories.invoice().model_dump(mode="json", by_alias=True)
    doc.update(
        id=f"inv-{n}",
        invoiceNumber=f"INV-{n:04d}",
        status=status,
        totalAmount=float(Decimal(total)),
        customerRef={"id": f"cus-{customer}", "companyName": customer},
    )
    return doc


def _pull(services: Services, company, data_type: str, docs: list[dict], when=None):
    """What the pull engine does with a batch: save it and mark the data set pulled."""
    return pulled(services, company, data_type, docs, when=when)


def _company(services: Services):
    return platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))


def test_never_pulled_is_409_and_unknown_company_404(client: TestClient, services) -> None:
    company = _company(services)
    body = assert_codat_error(client.get(f"/companies/{company.id}/data/invoices"), 409)
    assert "has not been requested" in body["error"]
    assert_codat_error(client.get(f"/companies/{company.id}/data/invoices/x"), 409)
    assert_codat_error(client.get(f"/companies/{company.id}/data/info"), 409)
    assert_codat_error(client.get(f"/companies/{uuid.uuid4()}/data/invoices"), 404)


def test_list_query_order_and_get(client: TestClient, services) -> None:
    company = _company(services)
    docs = [
        _invoice(1, "Acme Ltd", "Submitted", "100.50"),
        _invoice(2, "Acme Ltd", "Paid", "20"),
        _invoice(3, "Beta Bikes", "Submitted", "300"),
    ]
    assert _pull(services, company, "invoices", docs).created == 3
    base = f"/companies/{company.id}/data/invoices"

    page = client.get(base, params={"page": 1, "pageSize": 2}).json()
    assert page["totalResults"] == 3
    assert len(page["results"]) == 2
    assert errors(page["results"][0], "Invoice", spec="accounting") == []

    def ids(**params: str) -> list[str]:
        response = client.get(base, params=params)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["results"]]

    # The seeds' own example: a customer's open invoices.
    assert ids(query="customerRef.companyName=Acme Ltd&&status=Submitted") == ["inv-1"]
    assert ids(query="totalAmount>50", orderBy="-totalAmount") == ["inv-3", "inv-1"]
    assert ids(query="metadata.isDeleted!=true", orderBy="invoiceNumber") == [
        "inv-1",
        "inv-2",
        "inv-3",
    ]
    assert_codat_error(client.get(base, params={"query": "lineItems.unitAmount=1"}), 400)

    one = client.get(f"{base}/inv-2").json()
    assert one["id"] == "inv-2"
    assert one["lineItems"]
    assert_codat_error(client.get(f"{base}/nope"), 404)


def test_modified_date_moves_only_when_content_changes(client: TestClient, services) -> None:
    company = _company(services)
    first = utcnow() - timedelta(hours=1)
    _pull(
        services,
        company,
        "invoices",
        [_invoice(1, "Acme", "Submitted", "10"), _invoice(2, "Acme", "Submitted", "20")],
        first,
    )
    later = utcnow()
    again = _pull(
        services,
        company,
        "invoices",
        [_invoice(1, "Acme", "Submitted", "10"), _invoice(2, "Acme", "Paid", "20")],
        later,
    )
    assert (again.created, again.changed, again.unchanged) == (0, 1, 1)
    cutoff = (first + timedelta(minutes=30)).isoformat()
    response = client.get(
        f"/companies/{company.id}/data/invoices", params={"query": f"modifiedDate>{cutoff}"}
    ).json()
    assert [r["id"] for r in response["results"]] == ["inv-2"]
    assert response["results"][0]["status"] == "Paid"


def test_records_are_scoped_to_their_company_and_connection(client: TestClient, services) -> None:
    mine, other = _company(services), _company(services)
    _pull(services, mine, "invoices", [_invoice(1, "Acme", "Submitted", "10")])
    _pull(services, other, "invoices", [_invoice(9, "Zed", "Submitted", "10")])
    listed = client.get(f"/companies/{mine.id}/data/invoices").json()
    assert [r["id"] for r in listed["results"]] == ["inv-1"]
    assert_codat_error(client.get(f"/companies/{mine.id}/data/invoices/inv-9"), 404)
    conn = mine.connections[0].id
    scoped = client.get(f"/companies/{mine.id}/connections/{conn}/data/invoices").json()
    assert [r["id"] for r in scoped["results"]] == ["inv-1"]
    foreign = other.connections[0].id
    assert_codat_error(client.get(f"/companies/{mine.id}/connections/{foreign}/data/invoices"), 404)


def test_deleting_the_company_deletes_its_records(client: TestClient, services) -> None:
    from sqlalchemy import func, select

    from ledgerport.storage.tables import DatasetRow, RecordRow

    company = _company(services)
    _pull(services, company, "invoices", [_invoice(1, "Acme", "Submitted", "10")])
    assert client.delete(f"/companies/{company.id}").status_code == 204
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RecordRow)) == 0
        assert session.scalar(select(func.count()).select_from(DatasetRow)) == 0


def test_unfiltered_totals_come_from_the_pull_and_agree_with_a_count(
    client: TestClient, services
) -> None:
    """An unfiltered page takes ``totalResults`` from what the pull recorded instead of
    counting every row; it must agree with a counted total, on both scopes."""
    company = platform.company(
        services,
        connections=(("mqjo", ConnectionStatus.LINKED), ("mqjo", ConnectionStatus.LINKED)),
    )
    first = [_invoice(n, "Acme Ltd", "Submitted", "10") for n in range(5)]
    _pull(services, company, "invoices", first)
    second = [_invoice(n, "Beta Bikes", "Paid", "20") for n in range(3)]
    connection = company.connections[1]
    pulled(services, company, "invoices", second, connection_id=connection.id)
    base = f"/companies/{company.id}/data/invoices"
    counted = client.get(base, params={"query": "id!=none", "pageSize": 2}).json()
    unfiltered = client.get(base, params={"pageSize": 2}).json()
    assert unfiltered["totalResults"] == counted["totalResults"] == 8
    assert "next" in unfiltered["_links"]
    scoped = f"/companies/{company.id}/connections/{connection.id}/data/invoices"
    assert client.get(scoped).json()["totalResults"] == 3
    last = client.get(base, params={"page": 4, "pageSize": 2}).json()
    assert (len(last["results"]), last["totalResults"]) == (2, 8)


def test_a_bank_accounts_transactions_at_codats_path(client: TestClient, services) -> None:
    """``/connections/{id}/data/bankAccounts/{accountId}/bankTransactions`` (where Codat
    and its Accounting SDK read them) lists that account's transactions only."""
    company = _company(services)
    connection = company.connections[0]
    pulled(
        services,
        company,
        "bankAccounts",
        [{"id": account, "accountName": account, "metadata": {}} for account in ("cur", "sav")],
    )
    transactions = [
        {"id": f"t{n}", "accountId": "cur" if n % 3 else "sav", "amount": n, "metadata": {}}
        for n in range(10)
    ]
    pulled(services, company, "bankTransactions", transactions)
    base = f"/companies/{company.id}/connections/{connection.id}/data/bankAccounts"
    page = client.get(f"{base}/cur/bankTransactions", params={"pageSize": 4}).json()
    expected = sorted(t["id"] for t in transactions if t["accountId"] == "cur")
    assert page["totalResults"] == len(expected) == 6
    everything = client.get(f"{base}/cur/bankTransactions", params={"pageSize": 100}).json()
    assert sorted(r["id"] for r in everything["results"]) == expected
    assert len(page["results"]) == 4
    assert "next" in page["_links"]
    queried = client.get(f"{base}/sav/bankTransactions", params={"query": "amount>3"}).json()
    assert sorted(r["id"] for r in queried["results"]) == ["t6", "t9"]
    body = assert_codat_error(client.get(f"{base}/nope/bankTransactions"), 404)
    assert "nope" in body["error"]
