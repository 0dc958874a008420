"""Settings: the one place that reads the environment.

Every value comes from a ``LEDGERPORT_*`` environment variable or a ``.env`` file. One
``Settings`` is built at start-up and passed down; nothing else reads ``os.environ``.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRET_KEY_FILE = "secret.key"  # noqa: S105 - a file name

# AWS's bucket naming rules, which MinIO, Ceph and R2 follow: 3-63 lowercase letters,
# digits, dots and hyphens, beginning and ending with a letter or a digit.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# One segment of a key prefix: the blob store's key alphabet, never starting with a dot
# (so never "." or "..").
_PREFIX_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_FILE_STORAGE_FORM = "LEDGERPORT_FILE_STORAGE must be 'disk' (the default) or s3://bucket/prefix"


@dataclass(frozen=True)
class S3Location:
    """The bucket, and the key prefix inside it, that ``s3://bucket/prefix`` names."""

    bucket: str
    prefix: str = ""  # no leading or trailing slash; "" is the bucket's root

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def parse_file_storage(value: str) -> S3Location | None:
    """``None`` for the disk store ("disk" or blank), the bucket and prefix of an
    ``s3://`` URL; ``ValueError`` saying what is wrong with anything else, so a typo stops
    the server at start-up instead of failing the first upload."""
    text = value.strip()
    if text.lower() in ("", "disk"):
        return None
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() != "s3":
        raise ValueError(f"{_FILE_STORAGE_FORM}; {scheme if sep else 'that'} is neither")
    if "@" in rest:
        raise ValueError(
            "LEDGERPORT_FILE_STORAGE takes no credentials: set LEDGERPORT_S3_ACCESS_KEY_ID "
            "and LEDGERPORT_S3_SECRET_ACCESS_KEY"
        )
    if "?" in rest or "#" in rest:
        raise ValueError(f"{_FILE_STORAGE_FORM}, without a query or fragment")
    bucket, _, prefix = rest.partition("/")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ValueError(
            f"LEDGERPORT_FILE_STORAGE: {bucket!r} is not an S3 bucket name (3-63 lowercase "
            "letters, digits, dots and hyphens)"
        )
    prefix = prefix.strip("/")
    if prefix and not all(_PREFIX_SEGMENT.fullmatch(part) for part in prefix.split("/")):
        raise ValueError(
            f"LEDGERPORT_FILE_STORAGE: the prefix {prefix!r} may only hold path segments of "
            "letters, digits, '.', '_' and '-', none of them empty or starting with a dot"
        )
    return S3Location(bucket, prefix)


class IntegrationSettings(BaseModel):
    """One platform's OAuth app registration, and where its API lives."""

    enabled: bool = True
    client_id: str | None = None
    client_secret: SecretStr | None = None
    # Where the platform sends the company back; default: this server's OAuth callback.
    redirect_uri: str | None = None
    # Scheme and host replacing the vendor's in every URL of the platform (authorize,
    # token, API), keeping the paths: a simulator (`ledgerport simulate xero`) or a proxy.
    base_url: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LEDGERPORT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # A bad setting's error must not print what was given: it may be a secret (the S3
        # secret key, or credentials typed into a URL by mistake).
        hide_input_in_errors=True,
    )

    data_dir: Path = Field(
        default=Path("data"), description="Where the embedded default keeps files."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file in data_dir. "
        "Use postgresql+psycopg://user@host/db for PostgreSQL.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs Link tokens and keys encryption. If unset, one is generated once "
        "and kept in data_dir/secret.key, so restarts do not invalidate anything.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = Field(
        default=None, description="Public URL used in Link URLs; defaults to http://host:port."
    )
    link_token_ttl_days: int = Field(default=30, ge=1, description="How long a Link URL works.")
    access_token_ttl_seconds: int = Field(default=86_400, ge=60)
    idempotency_ttl_minutes: int = Field(default=90, ge=1)
    max_api_keys: int = Field(default=10, ge=1, description="Codat allows 10 keys per client.")
    service_name: str = Field(default="PublicApi", description="`service` in error bodies.")
    queue_url: str | None = Field(
        default=None,
        description="Job queue: unset = SQLite in data_dir (jobs survive restarts); "
        "redis://host:port/db to share jobs with `ledgerport worker` processes.",
    )
    jobs_in_process: bool | None = Field(
        default=None,
        description="Run job workers inside `ledgerport serve`. Default: yes with the "
        "embedded queue, no when LEDGERPORT_QUEUE_URL is set (run `ledgerport worker`).",
    )
    job_workers: int = Field(default=2, ge=1, le=64)
    webhook_allow_http_private: bool = Field(
        default=False,
        description="Accept webhook consumers on localhost and private networks, over "
        "http:// too (development, or receivers on your own network); otherwise consumers "
        "must be public https:// hosts, checked again where they resolve at each delivery.",
    )
    integrations: dict[str, IntegrationSettings] = Field(
        default_factory=dict,
        description="Per platform key, its OAuth client and optional base URL, as JSON: "
        '{"gbol": {"client_id": "...", "client_secret": "...", "base_url": "http://..."}}. '
        "The portal's integration settings (stored encrypted) override these.",
    )
    encryption_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Fernet keys for tokens and client secrets at rest, newest first, as a "
        "JSON list; older keys only decrypt (`ledgerport rotate-keys` re-encrypts). "
        "Unset: one key derived from the secret key.",
    )
    queue_name: str = Field(
        default="ledgerport", description="Queue name, to share one Redis between installs."
    )
    file_storage: str = Field(
        default="disk",
        description="Where uploaded files' bytes live: 'disk' (in files_dir) or "
        "s3://bucket/optional/prefix (S3, or an S3-compatible store at s3_endpoint_url).",
    )
    files_dir: Path | None = Field(
        default=None, description="The disk store's directory; default: data_dir/files."
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="An S3-compatible server (MinIO, Ceph, R2...) as http(s)://host:port; "
        "unset: AWS S3.",
    )
    s3_region: str | None = Field(
        default=None, description="The bucket's region; unset: boto3's (AWS_REGION, ~/.aws)."
    )
    s3_addressing_style: Literal["path", "virtual"] | None = Field(
        default=None,
        description="'path' (host/bucket/key) or 'virtual' (bucket.host/key). Unset: path "
        "with s3_endpoint_url (what S3-compatible servers accept), AWS's choice without.",
    )
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = Field(
        default=None,
        description="With s3_access_key_id. Both unset: boto3's standard credential chain "
        "(AWS_* variables, ~/.aws, an instance or task role).",
    )
    max_body_mb: int = Field(
        default=32,
        ge=1,
        description="Largest request body accepted, in MB (413 beyond): room for a 25 MB "
        "attachment and its form.",
    )
    max_files_body_mb: int = Field(
        default=201,
        ge=1,
        description="Largest body of a Files API upload, in MB: Codat takes 20 files of "
        "10 MB in one call.",
    )

    @field_validator(
        "s3_endpoint_url", "s3_region", "s3_access_key_id", "s3_secret_access_key", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """``LEDGERPORT_S3_REGION=`` means unset, not a region named ''."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("file_storage")
    @classmethod
    def _check_file_storage(cls, value: str) -> str:
        location = parse_file_storage(value)
        return "disk" if location is None else str(location)

    @field_validator("s3_endpoint_url")
    @classmethod
    def _check_s3_endpoint_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urllib.parse.urlsplit(value.strip())
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("LEDGERPORT_S3_ENDPOINT_URL must be an http:// or https:// URL")
        if url.username is not None or url.password is not None:
            raise ValueError(
                "LEDGERPORT_S3_ENDPOINT_URL takes no credentials: set "
                "LEDGERPORT_S3_ACCESS_KEY_ID and LEDGERPORT_S3_SECRET_ACCESS_KEY"
            )
        if url.query or url.fragment:
            raise ValueError("LEDGERPORT_S3_ENDPOINT_URL takes no query or fragment")
        _ = url.port  # raises ValueError for a port that is not a number in range
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _check_s3_credentials(self) -> Settings:
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            raise ValueError(
                "Set both LEDGERPORT_S3_ACCESS_KEY_ID and LEDGERPORT_S3_SECRET_ACCESS_KEY, "
                "or neither (boto3's credential chain)"
            )
        return self

    @property
    def s3_location(self) -> S3Location | None:
        """The bucket and prefix of uploaded files; ``None`` when they are on disk."""
        return parse_file_storage(self.file_storage)

    @property
    def resolved_files_dir(self) -> Path:
        return self.files_dir if self.files_dir is not None else self.data_dir / "files"

    @property
    def runs_jobs_in_process(self) -> bool:
        return self.queue_url is None if self.jobs_in_process is None else self.jobs_in_process

    @computed_field  # type: ignore[prop-decorator]
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ledgerport.db').as_posix()}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def public_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    def secret(self) -> bytes:
        """Return the secret key, creating and persisting one on first use.

        A per-process random key would make every Link URL (and, later, every stored
        platform token) unreadable after a restart, so a generated key is written to disk.
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / _SECRET_KEY_FILE
        if path.exists():
            return path.read_text().strip().encode()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(value)
        self.secret_key = SecretStr(value)
        return value.encode()
