from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from codat_platform import CodatPlatform
from codat_platform.models import shared as platform_shared
from codat_platform.utils.retries import RetryConfig as PlatformRetryConfig
from fastapi import FastAPI

from ledgerport.app import create_app
from ledgerport.services import Services
from ledgerport.sync.jobs import start_in_process
from tests.live_server import serve


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services=services)


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def app_queue(app: FastAPI) -> Any:
    """The app's job queue: a test starts a consumer on it to run pulls."""
    return app.state.queue


@pytest.fixture
def auth_header(api_key: str) -> str:
    return "Basic " + base64.b64encode(api_key.encode()).decode()


@pytest.fixture
def codat(base_url: str, auth_header: str) -> CodatPlatform:
    """The official platform SDK, pointed at the live server, never retrying."""
    return CodatPlatform(
        security=platform_shared.Security(auth_header=auth_header),
        server_url=base_url,
        retry_config=PlatformRetryConfig("none", None, False),
        timeout_ms=20_000,
    )


@pytest.fixture
def consumer(app_queue: Any) -> Iterator[None]:
    """Job workers for the test: they run pushes, and the pulls refreshes ask for."""
    running = start_in_process(app_queue, workers=2, periodic=False)
    try:
        yield
    finally:
        running.stop(graceful=True)
