"""What a company may upload, wherever it uploads it: Codat's Files API and the Link
upload page apply the same limits and the same type rules, so a file one accepts the
other accepts too.

A file's type is judged twice: by its extension (the types Codat accepts) and by its
first bytes, so a renamed executable or a zip called ``.pdf`` is refused before
anything reads it. Every check raises a :class:`BadRequestError` whose message names
the file and says what to do.
"""

from __future__ import annotations

from urllib.parse import quote

from ledgerport.errors import BadRequestError

MAX_FILES = 20
MAX_FILE_BYTES = 10 * 1024 * 1024

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "xlsx": _ZIP,
    "xlsb": _ZIP,
    "docx": _ZIP,
    "pptx": _ZIP,
    "xls": _OLE,
    "doc": _OLE,
    "ppt": _OLE,
    "csv": (),  # text: see is_text
}
"""The types Codat accepts, by extension, and how each file of that type begins
(Office Open XML files are zip archives; the older Office formats are OLE2 files)."""


def is_text(content: bytes) -> bool:
    """Text as a CSV holds it: no NUL bytes, unless it is UTF-16 with its byte-order
    mark (what Excel's "Unicode text" export writes)."""
    return content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in content


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def clean_name(raw: str | None, default: str) -> str:
    """The file's name without any path the browser sent (``../../etc/passwd`` or
    ``C:\\x\\y.pdf`` keep just ``passwd``/``y.pdf``) or control characters, at most 255
    characters. A bare ``.`` or ``..`` is no name: a platform would resolve it in the
    URL a file is written to (Xero's ``.../Attachments/{FileName}``)."""
    printable = "".join(c for c in raw or "" if c.isprintable())
    name = printable.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    return default if name in ("", ".", "..") else name


def check_size(name: str, content: bytes, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse an empty file, or one over ``max_bytes`` (``content`` may hold one byte
    more, read to tell)."""
    if not content:
        raise BadRequestError(f"File '{name}' is empty.")
    if len(content) > max_bytes:
        raise BadRequestError(
            f"File '{name}' is larger than {max_bytes // (1024 * 1024)} MB, the most a file may be."
        )


def check_count(count: int) -> None:
    if count > MAX_FILES:
        raise BadRequestError(
            f"Too many files: {count} were sent, at most {MAX_FILES} can be uploaded at a time."
        )


def check_type(name: str, content: bytes, allowed: frozenset[str] | None = None) -> None:
    """Refuse a file whose extension is not an accepted type (of ``allowed``, when
    given: a narrower set such as the spreadsheets and PDFs Link reads) or whose content
    does not begin as that type's files do."""
    accepted = SIGNATURES.keys() if allowed is None else allowed & SIGNATURES.keys()
    kind = extension(name)
    if kind not in accepted:
        listed = ", ".join(sorted(e.upper() for e in accepted))
        raise BadRequestError(
            f"File '{name}' has a type that cannot be uploaded. Allowed types: {listed}."
        )
    signatures = SIGNATURES[kind]
    looks_right = any(content.startswith(s) for s in signatures) if signatures else is_text(content)
    if not looks_right:
        raise BadRequestError(
            f"File '{name}' does not contain {kind.upper()} data: its content does not "
            "match its extension."
        )


def content_disposition(filename: str) -> str:
    """``attachment`` with the file's name, for handing a file back (an upload, a
    record's attachment): a plain ASCII ``filename`` every client reads, plus RFC 6266's
    ``filename*`` when the real name is not plain ASCII. Quotes, backslashes and control
    characters never reach the header."""
    cleaned = "".join(c for c in filename if c.isprintable()) or "attachment"
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in cleaned)
    header = f'attachment; filename="{fallback}"'
    if fallback != cleaned:
        header += f"; filename*=UTF-8''{quote(cleaned, safe='')}"
    return header
