"""Generating a report: read the company's pulled documents, run the pure analysis,
store the result. Runs as a job; a report is finished once (Complete or Error), so a
job delivered twice does nothing the second time.

Reading and computing happen outside any write transaction (SQLite has one writer, and
a pull must not wait on a report); only the result is written, in a short one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ledgerport.domain.enums import DataType
from ledgerport.domain.spend import SpendInputs, SpendOptions, analyse_spend
from ledgerport.errors import LedgerportError
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import ledger, records
from ledgerport.storage.repositories import reports as report_repo
from ledgerport.storage.tables import ReportRow
from ledgerport.storage.types import utcnow

log = logging.getLogger("ledgerport.sync.reports")

# What a spend analysis reads. Bills are required (a report is refused until they were
# pulled); without the others the figures they feed are empty, and the report says so.
REQUIRED = (DataType.BILLS,)
READS = (
    DataType.BILLS,
    DataType.BILL_PAYMENTS,
    DataType.SUPPLIERS,
    DataType.BILL_CREDIT_NOTES,
    DataType.CHART_OF_ACCOUNTS,
    DataType.PAYMENT_METHODS,
    DataType.DIRECT_COSTS,
    DataType.COMPANY,
)


def missing_required(session: Session, company_id: uuid.UUID) -> list[str]:
    return [t.value for t in REQUIRED if not records.has_dataset(session, company_id, t.value)]


class NotPulledError(LedgerportError):
    """The data a spend analysis needs has not been pulled for the company."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def request(session: Session, company_id: uuid.UUID, report_type: str, now: datetime) -> ReportRow:
    """A new InProgress report as of ``now``'s day, in the caller's transaction (the
    caller queues ``run_report`` once it has committed): what the API's POST and the
    portal's *Generate report* both do."""
    missing = missing_required(session, company_id)
    if missing:
        raise NotPulledError(missing)
    return report_repo.create(
        session, company_id, report_type, {"today": now.date().isoformat()}, now
    )


def load_inputs(session: Session, company_id: uuid.UUID) -> tuple[SpendInputs, list[str]]:
    """Every live document the analysis reads, and the data types never pulled."""

    def read(data_type: DataType) -> list[dict[str, Any]]:
        with closing(ledger.documents(session, company_id, data_type.value)) as docs:
            return list(docs)

    missing = [t.value for t in READS if not records.has_dataset(session, company_id, t.value)]
    infos = read(DataType.COMPANY)
    inputs = SpendInputs(
        bills=read(DataType.BILLS),
        bill_payments=read(DataType.BILL_PAYMENTS),
        suppliers=read(DataType.SUPPLIERS),
        bill_credit_notes=read(DataType.BILL_CREDIT_NOTES),
        accounts=read(DataType.CHART_OF_ACCOUNTS),
        payment_methods=read(DataType.PAYMENT_METHODS),
        direct_costs=read(DataType.DIRECT_COSTS),
        company_info=infos[0] if infos else None,
    )
    return inputs, missing


def spend_options(options: dict[str, Any]) -> SpendOptions:
    return SpendOptions(today=date.fromisoformat(options["today"]))


def run(services: Services, report_id: uuid.UUID, clock: Callable[[], datetime] = utcnow) -> str:
    """Generate one report; returns its final status."""
    with services.sessions() as session:
        row = session.get(ReportRow, report_id)
        if row is None or row.status != report_repo.IN_PROGRESS:
            return row.status if row is not None else "Missing"
        company_id, options = row.company_id, dict(row.options)
        inputs, missing = load_inputs(session, company_id)
    try:
        result = analyse_spend(inputs, spend_options(options))
        result["dataTypesNotPulled"] = missing
    except Exception:
        log.exception("spend analysis %s failed", report_id)
        with transaction(services.sessions) as session:
            report_repo.fail(
                session,
                report_id,
                "The report could not be generated from the company's data (internal error).",
                clock(),
            )
        return report_repo.ERROR
    with transaction(services.sessions) as session:
        report_repo.complete(session, report_id, result, clock())
    return report_repo.COMPLETE
