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
    pass


class EmptyFileError(FileImportError):
    pass


class UnsupportedFileError(FileImportError):
    pass


class CorruptFileError(FileImportError):
    pass


class UndecodableTextError(FileImportError):
    pass


class UnrecognizedColumnsError(FileImportError):
    pass


class AmbiguousDateOrderError(FileImportError):
    """Raised by the import, not the detection: the detected mapping says
    ``date_order=None`` so a person can choose before anything is imported."""


class InvalidMappingError(FileImportError):
    pass
