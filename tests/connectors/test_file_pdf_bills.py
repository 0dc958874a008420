"""PDF bills, generated here with fpdf2: a labelled English bill with lines, a German
one with decimal commas, and bills that must go to review instead of being guessed."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from ledgerport.connectors.file_upload.understanding import (
    CorruptFileError,
    FileTooLargeError,
    Limits,
    UploadedFile,
    import_file,
    import_files,
)
from ledgerport.domain.accounting.payables import Bill
from tests.connectors.test_file_spreadsheets import check_golden
from tests.factories.uploads import ENGLISH, GERMAN, US_CSV, pdf


def test_labelled_bill_is_read_with_lines_and_merges_with_spreadsheet_supplier():
    result = import_files(
        [UploadedFile("bolt.pdf", pdf(ENGLISH)), UploadedFile("us.csv", US_CSV.encode())]
    )
    bill = next(b for b in result.bills if b["reference"] == "B-900")
    Bill.model_validate(bill)
    assert bill["issueDate"] == "2024-03-14T00:00:00"
    assert bill["dueDate"] == "2024-04-13T00:00:00"
    assert (bill["subTotal"], bill["taxAmount"], bill["totalAmount"]) == (24, 4.8, 28.8)
    assert bill["currency"] == "GBP"
    assert [(li["description"], li["quantity"]) for li in bill["lineItems"]] == [
        ("Hex bolts M8", 10),
        ("Washers", 4),
    ]
    assert bill["supplementalData"]["content"]["fileUpload"]["page"] == 1
    bolt = [s for s in result.suppliers if "Bolt" in s["supplierName"]]
    assert len(bolt) == 1
    assert bolt[0]["taxNumber"] == "GB123456789"
    pdf_only = import_file(pdf(ENGLISH), "bolt.pdf")
    check_golden("bolt_pdf", pdf_only)


def test_german_bill_reads_decimal_commas_and_dotted_dates():
    result = import_file(pdf(GERMAN), "mueller.pdf")
    (bill,) = result.bills
    assert bill["issueDate"] == "2024-11-23T00:00:00"
    assert (bill["subTotal"], bill["taxAmount"], bill["totalAmount"]) == (1000, 190, 1190)
    assert bill["currency"] == "EUR"
    assert bill["supplierRef"]["supplierName"] == "Müller GmbH"


def test_unlabelled_supplier_and_ambiguous_date_are_flagged_not_guessed():
    lines = ["Acme Widgets Ltd", "Invoice No: 7", "Invoice date: 03/04/2024", "Total 10.00"]
    result = import_file(pdf(lines), "acme.pdf")
    assert result.bills == []
    assert result.suppliers == []
    fields = {r.field: r for r in result.review}
    assert fields["supplierName"].candidate == "Acme Widgets Ltd"
    assert fields["issueDate"].candidate == "03/04/2024"


def test_totals_that_do_not_add_up_make_no_bill():
    lines = ["From: X Ltd", "Invoice date: 2024-01-05", "Subtotal 10.00", "VAT 2.00", "Total 13.00"]
    result = import_file(pdf(lines), "x.pdf")
    assert result.bills == []
    assert any("not the total" in r.message for r in result.review)


def test_a_pdf_without_text_is_sent_to_review():
    doc = FPDF()
    doc.add_page()
    result = import_file(bytes(doc.output()), "scan.pdf")
    assert result.bills == []
    assert "no text layer" in result.review[0].message


def test_broken_and_oversized_pdfs_raise():
    with pytest.raises(CorruptFileError):
        import_file(b"%PDF-1.7\n garbage", "x.pdf")
    with pytest.raises(FileTooLargeError):
        import_file(pdf(GERMAN, pages=3), "x.pdf", limits=Limits(max_pdf_pages=2))
