"""Reading and requesting a company's spend analysis reports.

``request`` does what ``POST /companies/{id}/reports/spendAnalysis`` does (the portal
may not import the API): refuse until bills were pulled, store an ``InProgress`` report
whose window ends on the day it was requested, and leave the caller to enqueue
``run_report``, the job that fills it in. Same repository calls, same options, so a
report generated from the portal is the report the API would have generated.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledgerport.domain.spend import REPORT_TYPE
from ledgerport.storage.repositories import reports as report_repo
from ledgerport.storage.tables import DatasetRow, ReportRow
from ledgerport.sync import reports as report_jobs

NotPulledError = report_jobs.NotPulledError


@dataclass(frozen=True)
class Reports:
    """What the company page shows: the latest complete report (its figures), the latest
    requested one (still generating, or failed), and the state of the pulled data."""

    complete: ReportRow | None
    latest: ReportRow | None
    missing_required: list[str]
    last_pulled: datetime | None  # of any data type the analysis reads

    @property
    def result(self) -> dict[str, Any] | None:
        return self.complete.result if self.complete is not None else None

    @property
    def generating(self) -> ReportRow | None:
        latest = self.latest
        return latest if latest is not None and latest.status == report_repo.IN_PROGRESS else None

    @property
    def failed(self) -> ReportRow | None:
        latest = self.latest
        return latest if latest is not None and latest.status == report_repo.ERROR else None

    @property
    def is_stale(self) -> bool:
        """Data was pulled after the report shown was requested."""
        return (
            self.complete is not None
            and self.last_pulled is not None
            and self.last_pulled > self.complete.requested
        )


def read(session: Session, company_id: uuid.UUID) -> Reports:
    last_pulled = session.scalar(
        select(func.max(DatasetRow.last_pulled)).where(
            DatasetRow.company_id == company_id,
            DatasetRow.data_type.in_([t.value for t in report_jobs.READS]),
        )
    )
    return Reports(
        complete=report_repo.latest_complete(session, company_id, REPORT_TYPE),
        latest=report_repo.find(session, company_id, REPORT_TYPE, None),
        missing_required=report_jobs.missing_required(session, company_id),
        last_pulled=last_pulled,
    )


def find(session: Session, company_id: uuid.UUID, report_id: uuid.UUID) -> ReportRow | None:
    return report_repo.find(session, company_id, REPORT_TYPE, report_id, with_result=True)


def request(session: Session, company_id: uuid.UUID, now: datetime) -> ReportRow:
    """A new InProgress spend analysis as of ``now``'s day (the API's own function)."""
    return report_jobs.request(session, company_id, REPORT_TYPE, now)
