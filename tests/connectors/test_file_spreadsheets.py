"""Spreadsheet uploads: layouts, languages, date and number conventions, encodings, bad
input. Every fixture is generated here; outputs are compared with
tests/golden/file_upload/ (LEDGERPORT_REGENERATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from ledgerport.connectors.file_upload.understanding import (
    AmbiguousDateOrderError,
    CorruptFileError,
    DateOrder,
    EmptyFileError,
    FileTooLargeError,
    InvalidMappingError,
    Limits,
    Meaning,
    UnrecognizedColumnsError,
    UnsupportedFileError,
    UploadedFile,
    import_file,
    import_files,
    understand_file,
)
from ledgerport.domain.accounting.payables import Bill, Supplier
from tests.factories.uploads import GERMAN_CSV, US_CSV, xlsx_bytes

GOLDEN = Path(__file__).parent.parent / "golden" / "file_upload"
REGENERATE = os.environ.get("LEDGERPORT_REGENERATE_GOLDEN") == "1"


def french_workbook(book: openpyxl.Workbook) -> None:
    """Two sheets: suppliers, then bills below a title block, with Excel dates/numbers."""
    suppliers = book.active
    suppliers.title = "Fournisseurs"
    suppliers.append(["Nom du fournisseur", "Numéro de TVA", "Courriel", "Téléphone"])
    suppliers.append(["Société Générale de Café SARL", "FR12345678901", "a@cafe.fr", "+33 1 23"])
    suppliers.append(["Papeterie Dupont S.A.R.L.", None, "=cmd|' /C calc'!A0", "@SUM(A1)"])
    bills = book.create_sheet("Factures")
    bills.append(["Export comptable"])
    bills.append(["Période : mars 2024"])
    bills.append([])
    bills.append(
        [
            "Fournisseur",
            "N° facture",
            "Date facture",
            "Échéance",
            "Montant HT",
            "TVA",
            "Montant TTC",
            "Devise",
            "Statut",
            "Compte",
        ]
    )
    bills.append(
        [
            "Societe Generale de Cafe",
            "F-1",
            datetime(2024, 3, 1),
            datetime(2024, 3, 31),
            100,
            20,
            120,
            "EUR",
            "Payé",
            "6064 Fournitures",
        ]
    )
    bills.append(
        [
            "Papeterie Dupont",
            "F-2",
            datetime(2024, 3, 2),
            None,
            240.1,
            48.02,
            288.12,
            "EUR",
            "Impayé",
            None,
        ]
    )
    bills.append(
        ["Papeterie Dupont", "F-2", datetime(2024, 3, 2), None, 10, 2, 12, "EUR", "Impayé", None]
    )


def check_golden(name: str, result) -> None:
    doc = {
        "suppliers": result.suppliers,
        "bills": result.bills,
        "review": [
            {
                "rows": list(r.source.rows),
                "page": r.source.page,
                "field": r.field,
                "message": r.message,
                "candidate": r.candidate,
            }
            for r in result.review
        ],
    }
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    # Workbook and PDF bytes carry save times: compare everything but the hash.
    for record in result.bills:
        sha = record["supplementalData"]["content"]["fileUpload"]["sha256"]
        text = text.replace(sha, "<sha256>")
    path = GOLDEN / f"{name}.json"
    if REGENERATE:
        path.write_text(text + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text)


def valid(result) -> None:
    for supplier in result.suppliers:
        Supplier.model_validate(supplier)
    for bill in result.bills:
        Bill.model_validate(bill)


def test_us_layout_reads_month_first_dates_parentheses_and_neutralises_formulas():
    understanding = understand_file(US_CSV.encode(), "us.csv")
    mapping = understanding.sheets[0]
    assert mapping.date_order is DateOrder.MONTH_FIRST
    assert {c.header: c.meaning for c in mapping.columns}["Amount"] is Meaning.TOTAL_AMOUNT
    result = import_file(US_CSV.encode(), "us.csv")
    valid(result)
    by_ref = {b["reference"]: b for b in result.bills}
    assert by_ref["INV-001"]["issueDate"] == "2024-03-14T00:00:00"
    assert by_ref["INV-001"]["subTotal"] == 1000
    assert by_ref["INV-002"]["totalAmount"] == -50
    assert by_ref["B-77"]["lineItems"][0]["description"].startswith("'=HYPERLINK")
    assert by_ref["B-77"]["status"] == "Open"
    assert len(result.suppliers) == 2  # ACME Ltd and Acme Limited are one
    assert by_ref["INV-001"]["supplierRef"]["id"] == by_ref["INV-002"]["supplierRef"]["id"]
    assert any("totals row" in r.message for r in result.review)
    check_golden("us_csv", result)


def test_windows_1252_german_layout_is_day_first_with_decimal_commas():
    data = GERMAN_CSV.encode("cp1252")
    understanding = understand_file(data, "de.csv")
    assert understanding.encoding == "cp1252"
    mapping = understanding.sheets[0]
    assert mapping.date_order is DateOrder.DAY_FIRST
    assert mapping.decimal_comma
    assert mapping.default_currency == "EUR"
    result = import_file(data, "de.csv")
    valid(result)
    first = result.bills[0]
    assert first["issueDate"] == "2024-03-05T00:00:00"
    assert (first["subTotal"], first["taxAmount"], first["totalAmount"]) == (1000, 190, 1190)
    assert first["currency"] == "EUR"
    names = sorted(s["supplierName"] for s in result.suppliers)
    assert len(names) == 2
    assert "Bäckerei Groß e.K." in names
    muller = next(s for s in result.suppliers if "ller" in s["supplierName"])
    assert muller["taxNumber"] == "DE123456789"
    check_golden("de_csv", result)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_every_supported_encoding_reads_the_same_bills(encoding):
    baseline = import_file(GERMAN_CSV.encode("utf-8"), "de.csv")
    result = import_file(GERMAN_CSV.encode(encoding), "de.csv")
    strip = lambda bills: [{k: v for k, v in b.items() if k != "supplementalData"} for b in bills]  # noqa: E731
    assert strip(result.bills) == strip(baseline.bills)


def test_a_csv_mixing_utf8_and_windows_1252_lines_reads_both_halves():
    header, *rows = GERMAN_CSV.splitlines(keepends=True)
    mixed = (header + rows[0] + rows[1]).encode("utf-8") + rows[2].encode("cp1252")
    result = import_file(mixed, "mixed.csv")
    baseline = import_file(GERMAN_CSV.encode("utf-8"), "mixed.csv")
    names = sorted(s["supplierName"] for s in result.suppliers)
    assert names == sorted(s["supplierName"] for s in baseline.suppliers)
    assert "Bäckerei Groß e.K." in names
    # A file with no UTF-8 line is plain Windows-1252, never a mix.
    plain = import_file(GERMAN_CSV.encode("cp1252"), "de.csv").suppliers
    assert [s["supplierName"] for s in plain] == [s["supplierName"] for s in baseline.suppliers]


def test_french_workbook_holds_suppliers_and_bills_and_groups_line_rows():
    data = xlsx_bytes(french_workbook)
    understanding = understand_file(data, "fr.xlsx")
    sheets = {m.sheet: m for m in understanding.sheets}
    assert sheets["Fournisseurs"].holds_suppliers
    assert not sheets["Fournisseurs"].holds_bills
    assert sheets["Factures"].header_row == 4
    result = import_file(data, "fr.xlsx")
    valid(result)
    assert len(result.suppliers) == 2
    cafe = next(s for s in result.suppliers if "Caf" in s["supplierName"])
    assert cafe["taxNumber"] == "FR12345678901"
    dupont = next(s for s in result.suppliers if "Dupont" in s["supplierName"])
    # A formula cell is read as its cached value (none here), never as formula text;
    # text that a spreadsheet would run is kept, made inert.
    assert dupont["emailAddress"] is None
    assert dupont["phone"] == "'@SUM(A1)"
    f2 = next(b for b in result.bills if b["reference"] == "F-2")
    assert len(f2["lineItems"]) == 2
    assert f2["totalAmount"] == 300.12
    assert f2["supplementalData"]["content"]["fileUpload"]["rows"] == [6, 7]
    f1 = next(b for b in result.bills if b["reference"] == "F-1")
    assert f1["status"] == "Paid"
    assert f1["lineItems"][0]["accountRef"]["name"] == "6064 Fournitures"
    assert f1["supplierRef"]["id"] == cafe["id"]
    check_golden("fr_xlsx", result)


def test_reimporting_gives_the_same_ids_and_suppliers_merge_across_files():
    once = import_files([UploadedFile("us.csv", US_CSV.encode())])
    twice = import_files(
        [UploadedFile("us.csv", US_CSV.encode()), UploadedFile("us-copy.csv", US_CSV.encode())]
    )
    assert [b["id"] for b in once.bills] == [b["id"] for b in twice.bills]
    assert [s["id"] for s in once.suppliers] == [s["id"] for s in twice.suppliers]
    other = "Vendor,Bill No,Date,Total\nBolt & Nutt Inc,X-1,2024-05-01,10\n"
    merged = import_files(
        [UploadedFile("us.csv", US_CSV.encode()), UploadedFile("x.csv", other.encode())]
    )
    assert len(merged.suppliers) == 2  # the typo is within the fuzzy threshold


def test_different_tax_numbers_keep_similar_names_apart():
    data = "Supplier,VAT number\nNorth Wind Ltd,GB111111111\nNorthwind Ltd,GB222222222\n"
    assert len(import_file(data.encode(), "s.csv").suppliers) == 2


def test_names_that_differ_by_a_number_stay_apart():
    data = "Supplier,Email\nShop 12 Ltd,\nShop 13 Ltd,\nShop 12 Limited,\n"
    assert len(import_file(data.encode(), "s.csv").suppliers) == 2


def test_ambiguous_dates_are_reported_and_a_chosen_order_is_used():
    data = "Supplier,Date,Amount\nA Ltd,03/04/2024,10\nB Ltd,05/06/2024,20\n"
    mapping = understand_file(data.encode(), "a.csv").sheets[0]
    assert mapping.date_order is None
    assert "choose" in mapping.date_order_reason
    with pytest.raises(AmbiguousDateOrderError, match="03/04/2024"):
        import_file(data.encode(), "a.csv")
    chosen = mapping.model_copy(update={"date_order": DateOrder.DAY_FIRST})
    result = import_file(data.encode(), "a.csv", [chosen])
    assert result.bills[0]["issueDate"] == "2024-04-03T00:00:00"


def test_a_corrected_mapping_is_obeyed_and_a_bad_one_refused():
    data = "Who,When,How much,Memo\nA Ltd,2024-01-02,10.00,x\nB Ltd,2024-01-03,20.00,y\n"
    with pytest.raises(UnrecognizedColumnsError):
        understand_file(data.encode(), "a.csv")
    data = "Supplier,When,How much,Memo\nA Ltd,2024-01-02,10.00,x\nB Ltd,2024-01-03,20.00,y\n"
    mapping = understand_file(data.encode(), "a.csv").sheets[0]
    by_header = {c.header: c for c in mapping.columns}
    assert by_header["When"].meaning is Meaning.ISSUE_DATE
    assert by_header["When"].confidence < 0.9
    assert by_header["How much"].meaning is Meaning.TOTAL_AMOUNT
    columns = [
        c.model_copy(update={"meaning": Meaning.BILL_NUMBER}) if c.header == "Memo" else c
        for c in mapping.columns
    ]
    result = import_file(data.encode(), "a.csv", [mapping.model_copy(update={"columns": columns})])
    assert [b["reference"] for b in result.bills] == ["x", "y"]
    doubled = [c.model_copy(update={"meaning": Meaning.SUPPLIER_NAME}) for c in mapping.columns]
    with pytest.raises(InvalidMappingError):
        import_file(data.encode(), "a.csv", [mapping.model_copy(update={"columns": doubled})])


def test_mapping_round_trips_as_json():
    mapping = understand_file(US_CSV.encode(), "us.csv").sheets[0]
    again = type(mapping).model_validate_json(mapping.model_dump_json())
    assert again == mapping


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"", "a.csv", EmptyFileError),
        (b"   \n\n", "a.csv", EmptyFileError),
        (b"foo,bar\n1,2\n", "a.csv", UnrecognizedColumnsError),
        (b"PK\x03\x04garbage-not-a-zip", "a.xlsx", CorruptFileError),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.xls", UnsupportedFileError),
        (b"not really", "a.xlsx", UnsupportedFileError),
    ],
)
def test_bad_input_raises_a_typed_error(data, name, error):
    with pytest.raises(error) as raised:
        import_file(data, name)
    assert str(raised.value)


def test_a_truncated_workbook_is_corrupt():
    data = xlsx_bytes(french_workbook)
    with pytest.raises(CorruptFileError):
        import_file(data[: len(data) // 2], "fr.xlsx")


def test_a_zip_that_is_not_a_workbook_is_corrupt():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(CorruptFileError, match="not an Excel"):
        import_file(out.getvalue(), "a.xlsx")


def test_limits_on_bytes_rows_and_unpacked_size():
    with pytest.raises(FileTooLargeError):
        import_file(US_CSV.encode(), "us.csv", limits=Limits(max_bytes=100))
    with pytest.raises(FileTooLargeError):
        import_file(US_CSV.encode(), "us.csv", limits=Limits(max_rows=3))
    with pytest.raises(FileTooLargeError):
        import_file(xlsx_bytes(french_workbook), "fr.xlsx", limits=Limits(max_unpacked_bytes=1000))
