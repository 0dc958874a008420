"""The long-lived objects one running app needs, built once from Settings."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ledgerport.config import Settings
from ledgerport.connectors.registry import ConnectorRegistry, discover
from ledgerport.storage.blobs import BlobStore, blob_store
from ledgerport.storage.db import make_engine, make_sessionmaker
from ledgerport.storage.vault import Vault


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    connectors: ConnectorRegistry
    secret: bytes

    @classmethod
    def build(cls, settings: Settings) -> Services:
        engine = make_engine(settings.resolved_database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            connectors=discover(),
            secret=settings.secret(),
        )

    @functools.cached_property
    def base_url(self) -> str:
        """The public URL in Link URLs and logos (settings are fixed once built)."""
        return self.settings.public_base_url

    @functools.cached_property
    def platform_names(self) -> dict[str, str]:
        """Platform key -> name, for queries on ``platformName``."""
        return {c.key: c.name for c in self.connectors}

    @functools.cached_property
    def platform_fields(self) -> dict[str, dict[str, str]]:
        """Per platform key, the connection fields that come from its connector, worked
        out once rather than for every connection in every list page."""
        return {
            c.key: {
                "integrationId": str(c.integration_id),
                "sourceId": str(c.source_id),
                "sourceType": c.source_type.value,
                "platformName": c.name,
            }
            for c in self.connectors
        }

    @functools.cached_property
    def vault(self) -> Vault:
        """Encrypts platform tokens and client secrets at rest."""
        keys = [key.get_secret_value() for key in self.settings.encryption_keys]
        return Vault.from_settings(keys, self.secret)

    @functools.cached_property
    def blobs(self) -> BlobStore:
        """Where uploaded files' bytes live (a directory, or an S3 bucket); one store, so
        one S3 client and its connection pool, for the whole app."""
        return blob_store(self.settings)

    def close(self) -> None:
        self.engine.dispose()
