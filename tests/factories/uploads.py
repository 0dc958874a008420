"""Uploaded files the tests make themselves: spreadsheets in several layouts and date
conventions (CSV in UTF-8 and Windows-1252, XLSX with openpyxl) and PDF bills rendered
with fpdf2, shared by the understanding, API, Link and end-to-end tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import openpyxl
from fpdf import FPDF

US_CSV = (
    "Supplier,Invoice No,Invoice Date,Due Date,Amount,VAT,Currency,Status,Description\n"
    'ACME Ltd,INV-001,03/14/2024,04/13/2024,"$1,200.00",$200.00,USD,Paid,Widgets\n'
    "Acme Limited,INV-002,03/02/2024,04/01/2024,(50.00),0,USD,Open,Refund\n"
    'Bolt & Nut LLC,B-77,12/31/2024,01/30/2025,$99.99,,USD,unpaid,"=HYPERLINK(""http://x"",""y"")"\n'
    ",,,,,,,,\n"
    'Total,,,,"$1,249.99",,,,\n'
)

GERMAN_CSV = (
    "Lieferant;Rechnungsnummer;Rechnungsdatum;Fälligkeitsdatum;Nettobetrag;MwSt;Bruttobetrag;"
    "USt-IdNr\n"
    "Müller GmbH;R-2024-1;05.03.2024;04.04.2024;1.000,00 €;190,00 €;1.190,00 €;DE123456789\n"
    "Mueller GmbH;R-2024-2;06.03.2024;05.04.2024;10,00 €;1,90 €;11,90 €;DE 123 456 789\n"
    "Bäckerei Groß e.K.;77;07.03.2024;;@SUM(1+1);0,00 €;5,00 €;\n"
)


def xlsx_bytes(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(lines: list[str], pages: int = 1) -> bytes:
    doc = FPDF()
    doc.set_creation_date(datetime(2024, 1, 1))
    doc.set_font("Helvetica", size=11)
    for _ in range(pages):
        doc.add_page()
        for line in lines:
            doc.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


ENGLISH = [
    "INVOICE",
    "From: Bolt & Nut LLC",
    "VAT No: GB 123 4567 89",
    "Invoice No: B-900",
    "Invoice date: 14 March 2024",
    "Due date: 13/04/2024",
    "Description Qty Unit price Amount",
    "Hex bolts M8 10 1.50 15.00",
    "Washers 4 2.25 9.00",
    "Subtotal 24.00",
    "VAT 20% 4.80",
    "Total due GBP 28.80",
]

GERMAN = [
    "Lieferant: Müller GmbH",
    "Rechnungsnummer: R-2024-9",
    "Rechnungsdatum: 23.11.2024",
    "Nettobetrag 1.000,00 EUR",
    "MwSt 19% 190,00 EUR",
    "Gesamtbetrag 1.190,00 EUR",
]
