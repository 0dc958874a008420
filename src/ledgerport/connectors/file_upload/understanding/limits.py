"""How much of a file we agree to read: checked before parsing, so a hostile upload
(a 2 GB CSV, a 40 KB XLSX that unzips to 4 GB) costs nothing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024
    max_rows: int = 250_000
    max_unpacked_bytes: int = 250 * 1024 * 1024  # an XLSX's XML once unzipped
    max_pdf_pages: int = 50
