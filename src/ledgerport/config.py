"""Settings: the one place that reads the environment.

Every value comes from a ``LEDGERPORT_*`` environment variable or a ``.env`` file. One
``Settings`` is built at start-up and passed down; nothing else reads ``os.environ``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRET_KEY_FILE = "secret.key"  # noqa: S105 - a file name


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
        env_prefix="LEDGERPORT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
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
