from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from ledgerport.app import create_app
from ledgerport.services import Services
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
