"""Codat's read validation results: the data-quality findings of one pull, as the pull
engine recorded them in the pull's audit once its data was committed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.financials import ValidationResult
from ledgerport.api.responses import JSONBytes
from ledgerport.api.routes.companies import load_company
from ledgerport.errors import NotFoundError
from ledgerport.storage.tables import PullOperationRow

router = APIRouter(tags=["Refresh data"], responses=ERROR_RESPONSES)


@router.get(
    "/companies/{companyId}/sync/{datasetId}/validation",
    response_model=ValidationResult,
    response_class=JSONBytes,
    operation_id="get-read-validation-results",
    summary="Get validation results",
)
def get_validation_results(companyId: str, datasetId: str, services: ServicesDep) -> Response:
    """The errors and warnings the data-quality checks found after the pull. A pull
    that has not completed successfully (queued, running, failed) has none."""
    with services.sessions() as session:
        company = load_company(session, companyId)
        row = session.get(PullOperationRow, parse_id(datasetId, "Dataset"))
        if row is None or row.company_id != company.id:
            raise NotFoundError(f"Dataset {datasetId} not found.")
        found = (row.audit or {}).get("validation") or {}
    return JSONBytes({"errors": found.get("errors", []), "warnings": found.get("warnings", [])})
