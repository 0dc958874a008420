"""``GET /companies/{companyId}/sync/{datasetId}/validation`` on both backends: the
findings a pull recorded, in Codat's ``ValidationResult`` shape, and 404s."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from ledgerport.domain.enums import ConnectionStatus
from ledgerport.domain.pulls import PullStatus
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import pulls
from ledgerport.storage.types import utcnow
from ledgerport.sync.validation import validate
from tests.api.test_auth import assert_codat_error
from tests.api.test_financials import store
from tests.conformance.codat_schema import errors
from tests.factories import ledger as f
from tests.factories import platform


def _company(services: Services) -> Any:
    return platform.company(services, connections=(("mqjo", ConnectionStatus.LINKED),))


def _pull(services: Services, company: Any, data_type: str, *, validated: bool) -> uuid.UUID:
    """A pull of ``data_type`` that completed, validated as the engine does."""
    connection = company.connections[0]
    with transaction(services.sessions) as session:
        row, _ = pulls.queue(session, company.id, connection.id, data_type, utcnow())
    audit: dict[str, Any] = {"mode": "full"}
    if validated:
        audit["validation"] = validate(
            services.sessions,
            company_id=company.id,
            connection_id=connection.id,
            data_type=data_type,
            today=utcnow().date(),
        )
    with transaction(services.sessions) as session:
        pulls.finish(session, row.id, PullStatus.COMPLETE, utcnow(), audit=audit)
    return row.id


def test_validation_results_of_a_pull(client: TestClient, services: Services) -> None:
    company = _company(services)
    invoices = f.trading_year_documents()["invoices"]
    invoices[0]["amountDue"] = 10.0
    store(services, company, "invoices", invoices)
    pull_id = _pull(services, company, "invoices", validated=True)
    response = client.get(f"/companies/{company.id}/sync/{pull_id}/validation")
    assert response.status_code == 200, response.text
    body = response.json()
    assert errors(body, "ValidationResult") == []
    assert set(body) == {"errors", "warnings"}
    assert [(e["ruleId"], e["itemId"], e["validatorName"]) for e in body["errors"]] == [
        ("accounting-invoice-040", "inv-1", "InvoiceValidator")
    ]
    assert [w["ruleId"] for w in body["warnings"]] == ["accounting-invoice-041"]
    # The pull's own representation carries the findings and their summary.
    history = client.get(f"/companies/{company.id}/data/history/{pull_id}").json()
    assert history["audit"]["validation"]["summary"]["errors"] == 1
    assert history["audit"]["validation"]["errors"] == body["errors"]


def test_a_pull_without_validation_has_empty_results(
    client: TestClient, services: Services
) -> None:
    company = _company(services)
    pull_id = _pull(services, company, "customers", validated=False)
    body = client.get(f"/companies/{company.id}/sync/{pull_id}/validation").json()
    assert body == {"errors": [], "warnings": []}


def test_unknown_datasets_and_companies_are_404(client: TestClient, services: Services) -> None:
    company, other = _company(services), _company(services)
    pull_id = _pull(services, other, "customers", validated=False)
    for path in (
        f"/companies/{company.id}/sync/{pull_id}/validation",  # another company's pull
        f"/companies/{company.id}/sync/{uuid.uuid4()}/validation",
        f"/companies/{company.id}/sync/not-an-id/validation",
        f"/companies/{uuid.uuid4()}/sync/{pull_id}/validation",
    ):
        assert_codat_error(client.get(path), 404)
