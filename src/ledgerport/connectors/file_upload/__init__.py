"""The file-upload platform: suppliers and bills read from spreadsheets and PDF bills a
company uploads instead of linking an accounting platform (Codat's *intelligent file
upload*). ``understanding`` turns bytes into Codat records without touching storage;
``reader`` serves them to the pull engine like any platform's pages.

Link offers it as *Upload files*. A spreadsheet's mapping is detected on upload and
confirmed (or corrected) by a person before it is read; a PDF bill is read as it is,
with what it could not read confidently listed for review. Every pull reads all of the
connection's ready files again: ids come from content, so the same bill in two files, or
a file sent twice, is one record, and a file removed takes its records with it.
"""

from collections.abc import Mapping
from typing import Any

from ledgerport.connectors.file_upload.reader import FileUploadReader, from_pdf
from ledgerport.connectors.spec import Branding, Connector, FileUpload, ReadStream
from ledgerport.domain.enums import DataType, SourceType

KEY = "fupl"


def _as_is(record: Mapping[str, Any]) -> dict[str, Any]:
    # The understanding step already produced validated Codat records.
    return dict(record)


CONNECTOR = Connector(
    key=KEY,
    name="File upload",
    source_type=SourceType.OTHER,
    auth=FileUpload(),
    branding=Branding(colour="#475569", initials="FU"),
    linkable=True,
    description=(
        "Upload spreadsheets (CSV, XLSX) or PDF bills with your suppliers and bills "
        "instead of connecting accounting software."
    ),
    reads=(
        ReadStream(DataType.SUPPLIERS, _as_is),
        # A bill read from a PDF carries that PDF as its file; a spreadsheet row names
        # its file, sheet and rows in supplementalData instead of copying the sheet.
        ReadStream(DataType.BILLS, _as_is, attachments=True, has_attachments=from_pdf),
    ),
    reader=FileUploadReader,
)
