"""Why an uploaded file could not be understood. Every failure is one of these, raised
before any record is returned, so a caller never holds half an import.

::

    FileImportError                 message says what to fix, for the person who uploaded
    ├── FileTooLargeError           over the size, row or unpacked-size limit
    ├── EmptyFileError              no bytes, or no rows below the header
    ├── UnsupportedFileError        not a CSV, XLSX or PDF we can tell apart
    ├── CorruptFileError            an XLSX or PDF that its parser refuses
    ├── UndecodableTextError        a CSV in no text encoding we can read
    ├── UnrecognizedColumnsError    no header row names enough columns we know
    ├── AmbiguousDateOrderError     every date reads both day-first and month-first
    └── InvalidMappingError         a (corrected) mapping that cannot apply to the file
"""

from __future__ import annotations

from ledgerport.errors import LedgerportError


class FileImportError(LedgerportError):
    """Base of every upload failure; ``str(error)`` is meant for the end user."""


class FileTooLargeError(FileImportError):
    """Over a limit: bytes, rows, unpacked XLSX size or PDF pages (``Limits``)."""


class EmptyFileError(FileImportError):
    """No bytes, or no rows or text worth reading."""


class UnsupportedFileError(FileImportError):
    """Not CSV, XLSX or PDF (an old ``.xls``, an image...)."""


class CorruptFileError(FileImportError):
    """Claims a format its bytes do not hold (a truncated XLSX, a broken PDF)."""


class UndecodableTextError(FileImportError):
    """Text in no encoding we can tell (BOM, UTF-16, UTF-8, Windows-1252)."""


class UnrecognizedColumnsError(FileImportError):
    """No header row with at least two columns we understand."""


class AmbiguousDateOrderError(FileImportError):
    """Raised by the import, not the detection: the detected mapping says
    ``date_order=None`` so a person can choose before anything is imported."""


class InvalidMappingError(FileImportError):
    """A corrected mapping that does not fit the file (a missing column, a meaning twice)."""
