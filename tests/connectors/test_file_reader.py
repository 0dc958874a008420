"""The file-upload reader: records dated by their upload and linked to it, and one
import shared by the suppliers and bills pulls of the same files."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from ledgerport.connectors.file_upload import CONNECTOR
from ledgerport.connectors.file_upload import reader as module
from ledgerport.connectors.file_upload.reader import LAST_IMPORT, FileUploadReader
from ledgerport.connectors.file_upload.understanding import understand_file
from ledgerport.connectors.spec import ReaderContext, SourceFile
from ledgerport.domain.enums import DataType
from tests.factories.uploads import ENGLISH, US_CSV, pdf

UPLOADED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(date_order: str = "MDY") -> list[SourceFile]:
    sheets = [
        s.model_dump(mode="json", by_alias=True)
        for s in understand_file(US_CSV.encode(), "us.csv").sheets
    ]
    for sheet in sheets:
        sheet["dateOrder"] = date_order
    return [
        SourceFile(
            "u-1", "us.csv", "text/csv", _sha(US_CSV.encode()), UPLOADED, US_CSV.encode(), sheets
        ),
        SourceFile(
            "u-2", "bolt.pdf", "application/pdf", _sha(pdf(ENGLISH)), UPLOADED, pdf(ENGLISH)
        ),
    ]


def _reader(files: list[SourceFile]) -> FileUploadReader:
    return FileUploadReader(ReaderContext("c", "x", {}, files=lambda: files))


@pytest.fixture
def imports(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    LAST_IMPORT.clear()
    calls: list[int] = []
    real = module.import_files

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "import_files", counted)
    yield calls
    LAST_IMPORT.clear()


def _page(files: list[SourceFile], data_type: DataType) -> list[dict[str, Any]]:
    stream = CONNECTOR.stream(data_type)
    assert stream is not None
    return [dict(r) for r in _reader(files).fetch(stream, {}, None).records]


def test_records_name_their_upload_and_its_time(imports: list[int]) -> None:
    files = _files()
    bills = _page(files, DataType.BILLS)
    sources = {b["reference"]: b["supplementalData"]["content"]["fileUpload"] for b in bills}
    assert sources["INV-001"]["uploadId"] == "u-1"
    assert sources["B-900"]["uploadId"] == "u-2"
    assert {b["sourceModifiedDate"] for b in bills} == {"2024-06-01T12:00:00.000000Z"}
    suppliers = _page(files, DataType.SUPPLIERS)
    bolt = next(s for s in suppliers if "Bolt" in s["supplierName"])
    linked = bolt["supplementalData"]["content"]["fileUpload"]["files"]
    assert sorted(f["uploadId"] for f in linked) == ["u-1", "u-2"]


def test_the_pulls_of_the_same_files_share_one_import(imports: list[int]) -> None:
    files = _files()
    first = _page(files, DataType.BILLS)
    _page(files, DataType.SUPPLIERS)
    assert len(imports) == 1
    # The shared result is never changed by a reader: each gets its own copies.
    assert first == _page(files, DataType.BILLS)
    shared = LAST_IMPORT.get(files)
    assert "uploadId" not in shared.bills[0]["supplementalData"]["content"]["fileUpload"]
    assert len(imports) == 1
    # Another mapping (a person corrected the date order) is another import.
    corrected = _page(_files("DMY"), DataType.BILLS)
    assert len(imports) == 2
    dates = {b["reference"]: b["issueDate"] for b in corrected}
    assert dates["INV-002"] == "2024-02-03T00:00:00"  # 03/02 read day first


def test_the_shared_import_is_dropped_after_a_while(
    imports: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "_KEEP_SECONDS", 0.05)
    files = _files()
    _page(files, DataType.BILLS)
    time.sleep(0.3)
    _page(files, DataType.SUPPLIERS)
    assert len(imports) == 2
