"""Uploaded spreadsheets and PDF bills as Codat suppliers and bills: pure, no storage.

Two steps: :func:`understand_file` proposes each sheet's mapping (column → meaning, with
confidence; date order; decimal mark) for a person to confirm or correct, and
:func:`import_files` reads files with their mappings into validated Codat records, one
supplier per business across all files, plus what needs review.
"""

from ledgerport.connectors.file_upload.understanding.dates import DateOrder
from ledgerport.connectors.file_upload.understanding.drafts import ReviewItem, Source
from ledgerport.connectors.file_upload.understanding.errors import (
    AmbiguousDateOrderError,
    CorruptFileError,
    EmptyFileError,
    FileImportError,
    FileTooLargeError,
    InvalidMappingError,
    UndecodableTextError,
    UnrecognizedColumnsError,
    UnsupportedFileError,
)
from ledgerport.connectors.file_upload.understanding.formats import FileFormat
from ledgerport.connectors.file_upload.understanding.importer import (
    FileUnderstanding,
    ImportResult,
    UploadedFile,
    import_file,
    import_files,
    understand_file,
)
from ledgerport.connectors.file_upload.understanding.limits import Limits
from ledgerport.connectors.file_upload.understanding.mapping import ColumnMapping, SheetMapping
from ledgerport.connectors.file_upload.understanding.vocabulary import Meaning

__all__ = [
    "AmbiguousDateOrderError",
    "ColumnMapping",
    "CorruptFileError",
    "DateOrder",
    "EmptyFileError",
    "FileFormat",
    "FileImportError",
    "FileTooLargeError",
    "FileUnderstanding",
    "ImportResult",
    "InvalidMappingError",
    "Limits",
    "Meaning",
    "ReviewItem",
    "SheetMapping",
    "Source",
    "UndecodableTextError",
    "UnrecognizedColumnsError",
    "UnsupportedFileError",
    "UploadedFile",
    "import_file",
    "import_files",
    "understand_file",
]
