from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ledgerport.app import create_app
from ledgerport.config import Settings
from ledgerport.services import Services
from tests.factories import platform


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key=SecretStr("test-secret-key-not-for-production"),
        base_url="http://testserver",
        jobs_in_process=False,  # job tests start their own consumers
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services.build(settings)
    yield built
    built.close()


@pytest.fixture
def app_client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=services)) as client:
        yield client


def basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}


@pytest.fixture
def api_key(services: Services) -> str:
    return platform.api_key(services)


@pytest.fixture
def client(app_client: TestClient, api_key: str) -> TestClient:
    """An authenticated client."""
    app_client.headers.update(basic(api_key))
    return app_client
