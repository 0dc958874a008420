"""Bytes of a CSV as text, whatever wrote them.

Order of belief: a byte-order mark (UTF-8, UTF-16, UTF-32) is certain; NUL bytes in every
other position mean UTF-16 without a mark; bytes that are valid UTF-8 are UTF-8 (other
encodings almost never produce valid multi-byte sequences by chance); the rest is
Windows-1252, what Excel on a Western-European Windows writes for "CSV". A file stitched
together from both (rows appended by another program) is read line by line: each line
that is valid UTF-8 as UTF-8, the others as Windows-1252, so neither half turns to
mojibake.

charset-normalizer was tried for the last step and left out: on short exports it named
``mac_iceland`` for German and ``cp1250`` for French Windows-1252 text (``Crčme``), which
is worse than the fixed choice for the languages these files come in.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ledgerport.connectors.file_upload.understanding.errors import UndecodableTextError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _mixed_lines(data: bytes) -> str | None:
    """The text when some lines are UTF-8 with non-ASCII characters and the others
    Windows-1252; None when no line proves UTF-8 (then the whole file is Windows-1252)."""
    lines = data.split(b"\n")
    decoded, proved_utf8 = [], False
    for line in lines:
        try:
            text = line.decode("utf-8")
            proved_utf8 = proved_utf8 or not line.isascii()
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                return None
        if "\x00" in text:
            return None
        decoded.append(text)
    return "\n".join(decoded).removeprefix("\ufeff") if proved_utf8 else None


def decode_text(data: bytes) -> DecodedText:
    """The text of ``data`` and the encoding it was read in."""
    candidates: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            candidates = [encoding]
            break
    else:
        utf16 = _utf16_without_bom(data)
        candidates = [utf16] if utf16 else ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            if encoding == "utf-8" and (mixed := _mixed_lines(data)) is not None:
                return DecodedText(mixed, "utf-8+cp1252")
            continue
        if "\x00" in text:
            continue
        return DecodedText(text.removeprefix("\ufeff"), encoding)
    raise UndecodableTextError(
        "The file is not text in an encoding we can read (UTF-8, UTF-16 or Windows-1252); "
        "save it as CSV UTF-8 and upload it again."
    )
