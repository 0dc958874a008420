"""The blob store: one behavioural suite run against the disk store and against a real
S3-compatible server (moto's, started as a separate process), then what only the disk
store promises (its temporary files, its permissions), then the settings that choose
the store."""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from pydantic import SecretStr, ValidationError

from ledgerport.config import Settings
from ledgerport.errors import LedgerportError
from ledgerport.services import Services
from ledgerport.storage.blobs import (
    BlobNotFoundError,
    BlobStore,
    BlobStoreError,
    DiskBlobStore,
    S3BlobStore,
    blob_store,
)
from ledgerport.storage.blobs import s3 as s3_module
from ledgerport.storage.blobs.s3 import s3_client

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

BUCKET = "ledgerport-test"
ACCESS_KEY_ID = "test-access-key-id"
SECRET = "test-secret-access-key-do-not-print"
COMPANY = "3f2c1a9e-6c1d-4e0b-9a53-1b2c3d4e5f60"
SHA = hashlib.sha256(b"a file").hexdigest()


# -- the S3 server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_moto(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """moto's S3 server on a free port; a port taken between the probe and the bind
    makes the process exit, and we try another."""
    for _ in range(3):
        port = _free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            except OSError:
                time.sleep(0.05)
            else:
                return process, f"http://127.0.0.1:{port}"
        process.kill()
        process.wait()
    pytest.fail(f"moto's S3 server did not start:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, endpoint = _start_moto(tmp_path_factory.mktemp("moto") / "server.log")
    try:
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _s3_settings(endpoint: str, storage: str = f"s3://{BUCKET}") -> Settings:
    return Settings(
        _env_file=None,
        file_storage=storage,
        s3_endpoint_url=endpoint,
        s3_region="us-east-1",
        s3_access_key_id=ACCESS_KEY_ID,
        s3_secret_access_key=SecretStr(SECRET),
    )


@pytest.fixture(scope="session")
def s3_settings(s3_endpoint: str) -> Settings:
    return _s3_settings(s3_endpoint)


@pytest.fixture(scope="session")
def s3(s3_settings: Settings) -> S3Client:
    """One client for the session (making one costs a few hundred ms) and the bucket."""
    client = s3_client(s3_settings)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(params=["disk", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """A fresh, empty store: a new directory, or a new prefix in the test bucket."""
    if request.param == "disk":
        return DiskBlobStore(tmp_path / "blobs")
    client: S3Client = request.getfixturevalue("s3")
    return S3BlobStore(client, BUCKET, f"test-{uuid.uuid4().hex}")


# -- what every store does -----------------------------------------------------------


def test_a_blob_reads_back_as_it_was_put(store: BlobStore) -> None:
    key = f"{COMPANY}/{SHA}"
    assert not store.exists(key)

    store.put(key, b"a file")

    assert store.get(key) == b"a file"
    assert store.exists(key)


def test_a_put_replaces_the_blob_under_the_same_key(store: BlobStore) -> None:
    store.put("c/k", b"first version, the longer one")
    store.put("c/k", b"second")

    assert store.get("c/k") == b"second"


def test_a_missing_blob_is_blob_not_found(store: BlobStore) -> None:
    store.put("c/present", b"x")

    with pytest.raises(BlobNotFoundError) as raised:
        store.get("c/absent")

    assert raised.value.key == "c/absent"
    assert isinstance(raised.value, LedgerportError)
    assert not store.exists("c/absent")
    # A "directory" of other keys is not a blob either.
    with pytest.raises(BlobNotFoundError):
        store.get("c")
    assert not store.exists("c")


def test_delete_removes_the_blob_and_may_be_repeated(store: BlobStore) -> None:
    store.put("c/k", b"x")
    store.put("c/other", b"y")

    store.delete("c/k")
    store.delete("c/k")
    store.delete("never/was")

    assert not store.exists("c/k")
    with pytest.raises(BlobNotFoundError):
        store.get("c/k")
    assert store.get("c/other") == b"y"


def test_delete_prefix_removes_a_companys_blobs_and_no_others(store: BlobStore) -> None:
    mine = [f"{COMPANY}/{n}" for n in ("a", "b", "nested/c")]
    for key in mine:
        store.put(key, b"mine")
    # Same leading characters, different company: whole segments only.
    store.put(f"{COMPANY}0/a", b"theirs")
    store.put("another-company/a", b"theirs")

    assert store.delete_prefix(COMPANY) == 3

    assert not any(store.exists(key) for key in mine)
    assert store.get(f"{COMPANY}0/a") == b"theirs"
    assert store.get("another-company/a") == b"theirs"
    assert store.delete_prefix(COMPANY) == 0
    assert store.delete_prefix("another-company/") == 1
    assert store.delete_prefix("nobody") == 0
    # The company can store again afterwards.
    store.put(mine[0], b"again")
    assert store.get(mine[0]) == b"again"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        bytes(range(256)),
        b"\x00\r\n\x1a%PDF-1.7\r\n\xff\xfe",
        "€ Zürich, 東京".encode("utf-16"),
    ],
    ids=["empty", "all-bytes", "binary-control", "utf16"],
)
def test_binary_content_is_kept_byte_for_byte(store: BlobStore, data: bytes) -> None:
    store.put("c/k", data)

    assert store.get("c/k") == data


def test_a_10_mb_file_is_kept_byte_for_byte(store: BlobStore) -> None:
    data = os.urandom(10 * 1024 * 1024)

    store.put(f"{COMPANY}/{hashlib.sha256(data).hexdigest()}", data)

    read = store.get(f"{COMPANY}/{hashlib.sha256(data).hexdigest()}")
    assert len(read) == len(data)
    assert hashlib.sha256(read).digest() == hashlib.sha256(data).digest()


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside",
    "a/../../outside",
    "a/..",
    "..",
    "./a",
    "a/./b",
    "a//b",
    "a/",
    "a\\..\\b",
    "C:\\Windows",
    "C:/x",
    ".hidden",
    "a/.k.tmp",
    "a b",
    "a\nb",
    "a\x00b",
    "%2e%2e/x",
    "caf\u00e9",
    "\uff41",  # a fullwidth "a"
    "a/" + "b" * 256,
    "k" * 513,
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_keys_that_could_escape_or_mislead_are_refused(
    store: BlobStore, key: str, tmp_path: Path
) -> None:
    before = sorted(tmp_path.rglob("*"))

    with pytest.raises(ValueError, match=r"[Bb]lob key"):
        store.put(key, b"x")
    with pytest.raises(ValueError, match=r"[Bb]lob key"):
        store.get(key)
    with pytest.raises(ValueError, match=r"[Bb]lob key"):
        store.exists(key)
    with pytest.raises(ValueError, match=r"[Bb]lob key"):
        store.delete(key)

    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("prefix", ["", "/", "//", "../", "a/../b", "*"])
def test_delete_prefix_refuses_what_is_not_one_key(store: BlobStore, prefix: str) -> None:
    store.put("c/k", b"x")

    with pytest.raises(ValueError, match=r"[Bb]lob key"):
        store.delete_prefix(prefix)

    assert store.get("c/k") == b"x"


@pytest.mark.parametrize(
    "key",
    [f"{COMPANY}/{SHA}", "a", "A.b-c_d/0/e.pdf", "k" * 255 + "/" + "k" * 255],
    ids=["company-sha", "one-segment", "punctuation", "longest"],
)
def test_ordinary_keys_are_accepted(store: BlobStore, key: str) -> None:
    store.put(key, b"x")

    assert store.get(key) == b"x"


def test_a_reader_never_sees_half_a_blob(store: BlobStore) -> None:
    """A writer keeps replacing the blob with one of two contents; every read while it
    does is one of the two, whole."""
    size = 2 * 1024 * 1024
    versions = (b"A" * size, b"B" * size)
    store.put("c/k", versions[0])
    stop = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        try:
            turn = 1
            while not stop.is_set():
                store.put("c/k", versions[turn])
                turn = 1 - turn
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    seen: set[bytes] = set()
    reads = 0
    try:
        # At least 0.3 s and until both versions were read (so the writer did run
        # meanwhile); at most 5 s.
        start = time.monotonic()
        while time.monotonic() - start < 5:
            data = store.get("c/k")
            reads += 1
            assert data in versions, f"read {reads} ({len(data)} bytes) mixed the two versions"
            seen.add(data[:1])
            if len(seen) == 2 and time.monotonic() - start > 0.3:
                break
    finally:
        stop.set()
        writer.join()
    assert not failures
    assert seen == {b"A", b"B"}


# -- the disk store -------------------------------------------------------------------


def _all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_disk_blobs_are_files_under_the_root_and_no_temporary_file_stays(
    tmp_path: Path,
) -> None:
    store = DiskBlobStore(tmp_path / "files")
    for n in range(5):
        store.put(f"{COMPANY}/{n}", b"v1")
        store.put(f"{COMPANY}/{n}", b"v2")

    assert _all_files(tmp_path) == [f"files/{COMPANY}/{n}" for n in range(5)]
    assert (tmp_path / "files" / COMPANY / "3").read_bytes() == b"v2"


def test_a_failed_disk_write_leaves_the_old_blob(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails (EIO) after the new bytes were written to the temporary file but
    before they replace the blob: the old blob stays, the temporary file goes."""
    store = DiskBlobStore(tmp_path / "files")
    store.put("c/k", b"the old blob")

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", failing_fsync)
        with pytest.raises(BlobStoreError, match="Could not write 'c/k' in disk:") as raised:
            store.put("c/k", b"the new blob that never lands")

    assert not isinstance(raised.value, BlobNotFoundError)
    assert store.get("c/k") == b"the old blob"
    assert _all_files(tmp_path / "files") == ["c/k"]


def test_a_write_interrupted_midway_leaves_the_old_blob(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path / "files")
    store.put("c/k", b"the old blob")

    with pytest.raises(TypeError):
        store.put("c/k", "text is not bytes")  # type: ignore[arg-type]

    assert store.get("c/k") == b"the old blob"
    assert _all_files(tmp_path / "files") == ["c/k"]


def test_disk_delete_prefix_also_clears_leftover_temporary_files(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path / "files")
    store.put(f"{COMPANY}/a", b"x")
    (tmp_path / "files" / COMPANY / ".a.crashed.tmp").write_bytes(b"half")

    assert store.delete_prefix(COMPANY) == 1

    assert not (tmp_path / "files" / COMPANY).exists()


def test_disk_blobs_are_readable_by_the_servers_user_only(tmp_path: Path) -> None:
    store = DiskBlobStore(tmp_path / "files")
    store.put("c/k", b"a bank statement")

    assert stat.S_IMODE((tmp_path / "files").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "files" / "c" / "k").stat().st_mode) == 0o600


def test_a_disk_store_that_cannot_write_says_so(tmp_path: Path) -> None:
    (tmp_path / "not-a-directory").write_bytes(b"")
    store = DiskBlobStore(tmp_path / "not-a-directory")

    with pytest.raises(BlobStoreError, match="Could not write"):
        store.put("c/k", b"x")


# -- the S3 store ---------------------------------------------------------------------


def test_s3_objects_are_named_prefix_then_key(s3: S3Client, s3_settings: Settings) -> None:
    prefix = f"test-{uuid.uuid4().hex}/files"
    store = S3BlobStore(s3, BUCKET, prefix + "/")
    store.put(f"{COMPANY}/{SHA}", b"x")

    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix.split("/")[0])
    assert [item["Key"] for item in listed.get("Contents", [])] == [f"{prefix}/{COMPANY}/{SHA}"]
    assert store.description == f"s3://{BUCKET}/{prefix} ({s3_settings.s3_endpoint_url})"


def test_s3_stores_with_other_prefixes_do_not_see_each_other(s3: S3Client) -> None:
    one = S3BlobStore(s3, BUCKET, f"test-{uuid.uuid4().hex}")
    two = S3BlobStore(s3, BUCKET, f"test-{uuid.uuid4().hex}")
    one.put("c/k", b"one")
    two.put("c/k", b"two")

    assert one.delete_prefix("c") == 1

    assert not one.exists("c/k")
    assert two.get("c/k") == b"two"


def test_s3_delete_prefix_goes_through_every_page(
    s3: S3Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A company with more files than one listing page (1,000 in S3), shrunk to pages of
    two so the test stays fast."""
    monkeypatch.setattr(s3_module, "_DELETE_BATCH", 2)
    store = S3BlobStore(s3, BUCKET, f"test-{uuid.uuid4().hex}")
    for n in range(7):
        store.put(f"{COMPANY}/{n}", b"x")
    store.put("other/k", b"y")

    assert store.delete_prefix(COMPANY) == 7

    assert not any(store.exists(f"{COMPANY}/{n}") for n in range(7))
    assert store.exists("other/k")


def test_a_missing_bucket_is_a_store_error_not_a_missing_blob(s3: S3Client) -> None:
    store = S3BlobStore(s3, "no-such-bucket-here", "")

    with pytest.raises(BlobStoreError, match="NoSuchBucket") as raised:
        store.get("c/k")
    assert not isinstance(raised.value, BlobNotFoundError)
    with pytest.raises(BlobStoreError, match="NoSuchBucket"):
        store.put("c/k", b"x")


def test_an_unreachable_s3_server_is_a_store_error() -> None:
    client = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET, region_name="us-east-1"
    ).client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    store = S3BlobStore(client, BUCKET, "")

    with pytest.raises(BlobStoreError, match="Could not read 'c/k'"):
        store.get("c/k")


# -- the settings that choose the store -----------------------------------------------


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("LEDGERPORT_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_by_default_files_are_on_disk_in_the_data_dir(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("LEDGERPORT_DATA_DIR", str(tmp_path / "data"))
    settings = _settings()

    store = blob_store(settings)

    assert settings.file_storage == "disk"
    assert settings.s3_location is None
    assert isinstance(store, DiskBlobStore)
    assert store.root == (tmp_path / "data" / "files").resolve()
    assert store.description == f"disk:{(tmp_path / 'data' / 'files').resolve()}"
    assert not (tmp_path / "data").exists()  # nothing is created before the first put


def test_files_dir_moves_the_disk_store(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("LEDGERPORT_FILE_STORAGE", "disk")
    clean_env.setenv("LEDGERPORT_FILES_DIR", str(tmp_path / "elsewhere"))

    store = blob_store(_settings(data_dir=tmp_path / "data"))

    assert isinstance(store, DiskBlobStore)
    store.put("c/k", b"x")
    assert (tmp_path / "elsewhere" / "c" / "k").read_bytes() == b"x"


def test_an_s3_url_with_a_prefix_stores_in_that_bucket_under_it(
    clean_env: pytest.MonkeyPatch, s3: S3Client, s3_settings: Settings
) -> None:
    prefix = f"test-{uuid.uuid4().hex}/ledgerport"
    clean_env.setenv("LEDGERPORT_FILE_STORAGE", f"s3://{BUCKET}/{prefix}/")
    clean_env.setenv("LEDGERPORT_S3_ENDPOINT_URL", f"{s3_settings.s3_endpoint_url}/")
    clean_env.setenv("LEDGERPORT_S3_REGION", "us-east-1")
    clean_env.setenv("LEDGERPORT_S3_ACCESS_KEY_ID", ACCESS_KEY_ID)
    clean_env.setenv("LEDGERPORT_S3_SECRET_ACCESS_KEY", SECRET)
    settings = _settings()

    store = blob_store(settings)
    store.put(f"{COMPANY}/{SHA}", b"through the settings")

    assert settings.s3_location is not None
    assert (settings.s3_location.bucket, settings.s3_location.prefix) == (BUCKET, prefix)
    assert isinstance(store, S3BlobStore)
    raw = s3.get_object(Bucket=BUCKET, Key=f"{prefix}/{COMPANY}/{SHA}")
    assert raw["Body"].read() == b"through the settings"
    assert SECRET not in store.description
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())


@pytest.mark.parametrize(
    "value",
    [
        "s3",
        "s3:/bucket",
        "s3://",
        "s3:///prefix",
        "s3://ab",
        "s3://Upper-Case",
        "s3://under_score",
        "s3://-leading-hyphen",
        "s3://two..dots",
        "s3://bucket/a//b",
        "s3://bucket/../escape",
        "s3://bucket/.hidden",
        "s3://bucket/a b",
        "s3://bucket?versionId=1",
        "s3://key:secret@bucket",
        "gs://bucket",
        "file:///var/files",
        "/var/files",
        "disk2",
    ],
)
def test_a_bad_file_storage_is_refused_when_settings_are_read(
    clean_env: pytest.MonkeyPatch, value: str
) -> None:
    clean_env.setenv("LEDGERPORT_FILE_STORAGE", value)

    with pytest.raises(ValidationError, match="LEDGERPORT_FILE_STORAGE") as raised:
        _settings()

    assert "key:secret" not in str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        (" DISK ", None),
        ("s3://bucket", ("bucket", "")),
        ("s3://bucket/", ("bucket", "")),
        ("S3://my.bucket-1/a/b-c/d_e/", ("my.bucket-1", "a/b-c/d_e")),
    ],
)
def test_file_storage_values_that_are_accepted(
    clean_env: pytest.MonkeyPatch, value: str, expected: tuple[str, str] | None
) -> None:
    location = _settings(file_storage=value).s3_location

    assert (location and (location.bucket, location.prefix)) == expected


@pytest.mark.parametrize(
    "url", ["localhost:9000", "ftp://host", "http://", "http://key:secret@host", "http://h:99999"]
)
def test_a_bad_endpoint_url_is_refused(clean_env: pytest.MonkeyPatch, url: str) -> None:
    with pytest.raises(ValidationError, match="s3_endpoint_url") as raised:
        _settings(s3_endpoint_url=url)

    assert "key:secret" not in str(raised.value)


@pytest.mark.parametrize(
    "credentials",
    [{"s3_access_key_id": ACCESS_KEY_ID}, {"s3_secret_access_key": SECRET}],
    ids=["key-id-only", "secret-only"],
)
def test_half_a_pair_of_credentials_is_refused_without_printing_it(
    clean_env: pytest.MonkeyPatch, credentials: dict[str, str]
) -> None:
    with pytest.raises(ValidationError, match="Set both LEDGERPORT_S3_ACCESS_KEY_ID") as raised:
        _settings(**credentials)

    assert SECRET not in str(raised.value)


def test_blank_s3_settings_mean_unset(clean_env: pytest.MonkeyPatch) -> None:
    for name in ("ENDPOINT_URL", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"):
        clean_env.setenv(f"LEDGERPORT_S3_{name}", "")

    settings = _settings()

    assert settings.s3_endpoint_url is None
    assert settings.s3_region is None
    assert settings.s3_access_key_id is None
    assert settings.s3_secret_access_key is None


def test_services_build_one_store_from_the_settings(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    services = Services.build(
        _settings(
            data_dir=tmp_path / "data",
            database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
            secret_key=SecretStr("test-secret-key"),
        )
    )
    try:
        assert services.blobs is services.blobs
        assert isinstance(services.blobs, DiskBlobStore)
        services.blobs.put("c/k", b"x")
        assert (tmp_path / "data" / "files" / "c" / "k").read_bytes() == b"x"
    finally:
        services.close()
