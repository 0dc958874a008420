"""An uploaded file as the pages show it (the Link review page and the company's
*Uploaded files* tab): its size in words, its status in words, and what needs review,
each item saying where in the file it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ledgerport.domain.uploads import UploadStatus
from ledgerport.storage.tables import UploadedFileRow

STATUS_TEXT = {
    UploadStatus.STORED.value: ("Stored", "status-unlinked"),
    UploadStatus.AWAITING_CONFIRMATION.value: ("Waiting for confirmation", "status-pending"),
    UploadStatus.READY.value: ("Ready", "status-linked"),
}


def size_text(size: int) -> str:
    """``812 bytes``, ``12.4 KB``, ``3.1 MB``."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def status_text(row: UploadedFileRow) -> tuple[str, str]:
    """(label, tone class) of the file's status."""
    return STATUS_TEXT.get(row.status, (row.status, "status-unlinked"))


@dataclass(frozen=True)
class ReviewView:
    where: str
    message: str
    candidate: str | None


def _where(source: Mapping[str, Any]) -> str:
    parts = []
    if source.get("sheet") and source.get("sheet") != "csv":
        parts.append(f"sheet {source['sheet']}")
    rows: Sequence[int] = source.get("rows") or ()
    if rows:
        parts.append(f"row{'s' if len(rows) > 1 else ''} {', '.join(str(r) for r in rows[:5])}")
        if len(rows) > 5:
            parts[-1] += "…"
    if source.get("page"):
        parts.append(f"page {source['page']}")
    return ", ".join(parts)


def review_items(row: UploadedFileRow) -> list[ReviewView]:
    return [
        ReviewView(
            where=_where(item.get("source") or {}),
            message=str(item.get("message", "")),
            candidate=item.get("candidate"),
        )
        for item in row.review or []
    ]
