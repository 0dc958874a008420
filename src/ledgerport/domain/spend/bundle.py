"""The report bundle Codat's *Download report bundle* returns: a ZIP of every file the
latest spend analysis produces (the workbook and the analysis as JSON), with a
``manifest.txt`` saying what the bundle is and, per expected file, ``INCLUDED`` or
``FAILED`` with the reason. A file that cannot be built is recorded as failed rather
than failing the bundle; the caller answers 500 only when no file could be built.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from ledgerport.domain.spend.workbook import spend_workbook

# Zip entries carry a fixed timestamp, so a bundle's bytes depend on the report only.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Bundle:
    filename: str
    content: bytes
    included: int
    total: int

    @property
    def is_partial(self) -> bool:
        return self.included < self.total


def bundle_filename(company_name: str, lang: str, day: datetime) -> str:
    """``{companyName}_SpendReports[_{lang}]_{yyyy-MM-dd}.zip``, the name kept to
    letters, digits, ``-`` and ``_``."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", company_name).strip("_") or "Company"
    marker = "" if lang.startswith("en") else f"_{lang}"
    return f"{safe}_SpendReports{marker}_{day.date().isoformat()}.zip"


def report_bundle(
    report: Mapping[str, Any],
    *,
    report_id: str,
    company_id: str,
    company_name: str,
    lang: str,
    created: datetime,
    correlation_id: str,
) -> Bundle:
    suffix = "" if lang.startswith("en") else f"_{lang}"
    files: list[tuple[str, Callable[[], bytes]]] = [
        (f"SpendAnalysis{suffix}.xlsx", lambda: spend_workbook(report, lang)),
        ("SpendAnalysis.json", lambda: orjson.dumps(report, option=orjson.OPT_INDENT_2)),
    ]
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = [
        "reportType: spendAnalysis",
        f"reportId: {report_id}",
        f"companyId: {company_id}",
        f"createdUtc: {stamp}",
        f"correlationId: {correlation_id}",
        "",
    ]
    built: list[tuple[str, bytes]] = []
    for name, build in files:
        try:
            built.append((name, build()))
        except Exception as failure:
            manifest.append(f"{name}\tFAILED\t{stamp}\t{type(failure).__name__}: {failure}")
        else:
            manifest.append(f"{name}\tINCLUDED\t{stamp}\t")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [("manifest.txt", "\n".join(manifest).encode() + b"\n"), *built]:
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return Bundle(
        filename=bundle_filename(company_name, lang, created),
        content=out.getvalue(),
        included=len(built),
        total=len(files),
    )
