"""What a file says about one bill or supplier, before ids and de-duplication: the
common form of spreadsheet rows and PDF pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Source:
    """Where a record came from: the file (by name and content hash), and the sheet and
    rows, or the page, inside it."""

    file_name: str
    sha256: str
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    page: int | None = None

    def as_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"fileName": self.file_name, "sha256": self.sha256}
        if self.sheet is not None:
            doc["sheet"] = self.sheet
        if self.rows:
            doc["rows"] = list(self.rows)
        if self.page is not None:
            doc["page"] = self.page
        return doc


@dataclass(frozen=True)
class ReviewItem:
    """Something a person should look at; ``candidate`` is what we would have guessed."""

    source: Source
    message: str
    field: str | None = None
    candidate: str | None = None


@dataclass(frozen=True)
class SupplierDraft:
    name: str
    source: Source
    tax_number: str | None = None
    email: str | None = None
    phone: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class LineDraft:
    description: str | None
    quantity: Decimal
    unit_amount: Decimal
    sub_total: Decimal
    tax_amount: Decimal | None = None
    total_amount: Decimal | None = None
    account: str | None = None


@dataclass
class BillDraft:
    source: Source
    issue_date: date
    sub_total: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    supplier: SupplierDraft | None = None
    reference: str | None = None
    due_date: date | None = None
    currency: str | None = None
    status: str = "Unknown"
    amount_due: Decimal | None = None
    note: str | None = None
    lines: list[LineDraft] = field(default_factory=list)
