"""Every sandbox invoice and bill has its PDF: a valid file (checked here against the
PDF structure rules: header, objects where the cross-reference table says, stream
lengths, trailer) showing the document's number, party and total, the same bytes every
time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ledgerport.connectors.sandbox import CONNECTOR
from ledgerport.connectors.sandbox.books import AS_OF, books
from ledgerport.connectors.sandbox.pdf import pounds
from ledgerport.connectors.sandbox.reader import SandboxReader
from ledgerport.connectors.spec import AttachmentReader, ReaderContext, SourceAttachment
from ledgerport.domain.enums import DataType

SEED = "seed-a"


def _reader() -> SandboxReader:
    return SandboxReader(ReaderContext("company", SEED, {}), clock=lambda: AS_OF)


def _attachments(data_type: DataType, record_id: str) -> list[SourceAttachment]:
    stream = CONNECTOR.stream(data_type)
    assert stream is not None
    return list(_reader().attachments(stream, record_id))


def pdf_problems(content: bytes) -> list[str]:
    """What is wrong with a PDF's structure (empty when nothing is)."""
    problems = []
    if not content.startswith(b"%PDF-1."):
        problems.append("no %PDF header")
    if not content.rstrip().endswith(b"%%EOF"):
        problems.append("no %%EOF")
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", content)
    if not found:
        return [*problems, "no startxref"]
    xref = int(found.group(1))
    if content[xref : xref + 4] != b"xref":
        return [*problems, f"startxref {xref} does not point at the xref table"]
    header = re.match(rb"xref\s+0 (\d+)\s+", content[xref:])
    if not header:
        return [*problems, "bad xref subsection"]
    count, at = int(header.group(1)), xref + header.end()
    entries = [content[at + 20 * n : at + 20 * (n + 1)] for n in range(count)]
    if not entries[0].startswith(b"0000000000 65535 f"):
        problems.append("object 0 is not free")
    for n, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        if len(entry) != 20 or entry[17:18] != b"n" or not entry.endswith((b" \n", b"\r\n")):
            problems.append(f"xref entry {n} is malformed: {entry!r}")
        if not content[offset:].startswith(b"%d 0 obj" % n):
            problems.append(f"object {n} is not at offset {offset}")
    trailer = content[at + 20 * count :]
    if not re.match(rb"trailer\s*<<.*/Size %d\b.*/Root 1 0 R" % count, trailer, re.S):
        problems.append("trailer /Size or /Root is wrong")
    for match in re.finditer(rb"<< /Length (\d+) >>\nstream\n", content):
        end = match.end() + int(match.group(1))
        if content[end : end + 10] != b"\nendstream":
            problems.append("a stream's /Length is wrong")
    return problems


def shown_text(content: bytes) -> list[str]:
    """The strings a PDF's pages show (``(...) Tj``), decoded from WinAnsiEncoding."""
    texts = []
    for raw in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", content):
        unescaped = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        texts.append(re.sub(rb"\\(.)", rb"\1", unescaped).decode("cp1252"))
    return texts


def test_invoices_and_bills_declare_attachments_and_the_reader_supplies_them() -> None:
    with_files = {s.data_type for s in CONNECTOR.reads if s.attachments}
    # Invoices and bills have generated PDFs; direct costs and incomes take uploads.
    assert with_files == {
        DataType.INVOICES,
        DataType.BILLS,
        DataType.DIRECT_COSTS,
        DataType.DIRECT_INCOMES,
    }
    assert isinstance(_reader(), AttachmentReader)


@pytest.mark.parametrize(
    ("data_type", "party"), [(DataType.INVOICES, "customerRef"), (DataType.BILLS, "supplierRef")]
)
def test_every_document_has_a_valid_pdf_showing_it(data_type: DataType, party: str) -> None:
    records = books(SEED).records(data_type)
    for record in records[:40] + records[-40:]:
        (attachment,) = _attachments(data_type, record["id"])
        number = record.get("invoiceNumber") or record["reference"]
        assert attachment.content_type == "application/pdf"
        assert attachment.name == f"{number}.pdf"
        assert pdf_problems(attachment.content) == [], record["id"]
        text = shown_text(attachment.content)
        name = record[party].get("companyName") or record[party]["supplierName"]
        assert f"Number: {number}" in text
        assert name in text
        total = round(record["totalAmount"] * 100)
        assert text[-1] == pounds(total)
        assert text[-1].startswith("£")
        assert 1_000 < len(attachment.content) < 4_000
        assert attachment.date_created is not None
        assert attachment.source_modified_date is not None
        assert attachment.date_created <= attachment.source_modified_date


def test_the_pdf_is_the_same_bytes_every_time_and_differs_between_documents() -> None:
    first = _attachments(DataType.INVOICES, "inv-00001")[0].content
    assert _attachments(DataType.INVOICES, "inv-00001")[0].content == first
    assert _attachments(DataType.INVOICES, "inv-00002")[0].content != first


def test_a_record_without_a_file_has_no_attachments() -> None:
    assert _attachments(DataType.INVOICES, "inv-99999") == []
    assert _attachments(DataType.INVOICES, "bill-00001") == []  # a bill, not an invoice
    # A deleted draft's file goes with it.
    year_on = books(SEED, as_of=AS_OF + timedelta(days=365))
    deleted = next(doc for doc in year_on.company.invoices if doc.deleted)
    assert year_on.attachment(DataType.INVOICES, deleted.id) is None


def test_approving_a_draft_changes_its_file() -> None:
    """A draft is re-dated when approved, and its PDF shows the date: the file's
    modified date is the approval."""
    history = books(SEED).company
    draft = next(d for d in history.invoices if d.posted and d.posted > d.created)
    pdf = books(SEED).attachment(DataType.INVOICES, draft.id)
    assert pdf is not None
    assert pdf.created == history.moment(draft.created)
    assert pdf.modified == history.moment(draft.posted or 0)
