"""A document's PDF, written by hand: a one-page PDF 1.4 file with the standard
Helvetica fonts, a correct cross-reference table and nothing that varies between runs,
so the same invoice always has the same bytes (and the same hash in storage).

Small on purpose (about 2 KB): attachments are fetched for every new or changed invoice
and bill, and a real platform's PDF would not teach the pipeline anything more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class PdfLine:
    description: str
    quantity: int | Decimal
    unit: int  # pence
    amount: int  # pence, before VAT


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}\u00a3{whole:,}.{part:02d}"


def _text(value: str) -> str:
    """A PDF literal string's content in WinAnsiEncoding (so "£" is one byte)."""
    out = []
    for ch in value:
        if ch in "\\()":
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.extend(f"\\{byte:03o}" for byte in ch.encode("cp1252", errors="replace"))
    return "".join(out)


def document_pdf(
    *,
    title: str,
    number: str,
    issuer: Sequence[str],
    recipient: Sequence[str],
    issued: date,
    due: date | None,
    lines: Sequence[PdfLine],
    sub: int,
    tax: int,
    created: datetime,
) -> bytes:
    """One page: who sends it to whom, the number and dates, the lines and the totals."""
    ops: list[str] = []

    def show(x: int, y: int, text: str, size: int = 10, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        ops.append(f"BT /{font} {size} Tf {x} {y} Td ({_text(text)}) Tj ET")

    show(50, 780, title, 22, bold=True)
    for n, text in enumerate(issuer):
        show(50, 750 - 14 * n, text, bold=n == 0)
    show(350, 750, f"Number: {number}", bold=True)
    show(350, 736, f"Date: {issued.strftime('%d %B %Y')}")
    if due is not None:
        show(350, 722, f"Due: {due.strftime('%d %B %Y')}")
    show(50, 670, "To:", bold=True)
    for n, text in enumerate(recipient):
        show(50, 656 - 14 * n, text)
    y = 590
    show(50, y, "Description", bold=True)
    show(330, y, "Qty", bold=True)
    show(380, y, "Unit price", bold=True)
    show(480, y, "Amount", bold=True)
    ops.append(f"50 {y - 6} m 545 {y - 6} l S")
    for line in lines:
        y -= 18
        show(50, y, line.description[:48])
        show(330, y, str(line.quantity))
        show(380, y, pounds(line.unit))
        show(480, y, pounds(line.amount))
    y -= 30
    totals = (("Subtotal", sub, False), ("VAT", tax, False), ("Total", sub + tax, True))
    for label, pence, bold in totals:
        show(380, y, label, bold=bold)
        show(480, y, pounds(pence), bold=bold)
        y -= 16
    content = "\n".join(ops).encode("latin-1")
    stamp = created.strftime("D:%Y%m%d%H%M%SZ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        f"<< /Title ({_text(f'{title} {number}')}) /Producer (ledgerport sandbox) "
        f"/CreationDate ({stamp}) >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
