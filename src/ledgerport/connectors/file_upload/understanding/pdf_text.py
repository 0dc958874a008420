"""The text layer of a PDF, page by page (pdfplumber keeps the visual line order that
label-and-value heuristics need)."""

from __future__ import annotations

import io

from ledgerport.connectors.file_upload.understanding.errors import (
    CorruptFileError,
    FileTooLargeError,
)
from ledgerport.connectors.file_upload.understanding.limits import Limits


def pdf_pages(data: bytes, limits: Limits) -> list[str]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > limits.max_pdf_pages:
                raise FileTooLargeError(
                    f"The PDF has {len(pdf.pages)} pages; the limit is {limits.max_pdf_pages}."
                )
            return [page.extract_text() or "" for page in pdf.pages]
    except FileTooLargeError:
        raise
    except Exception as error:  # pdfminer raises many unrelated types for broken files
        raise CorruptFileError("The PDF is damaged or encrypted and cannot be read.") from error
