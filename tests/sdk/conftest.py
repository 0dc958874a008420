from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from ledgerport.app import create_app
from ledgerport.services import Services
from tests.api.conftest import api_key, services, settings  # noqa: F401
from tests.live_server import serve


@pytest.fixture
def base_url(services: Services) -> Iterator[str]:  # noqa: F811
    with serve(create_app(services=services)) as url:
        yield url


@pytest.fixture
def auth_header(api_key: str) -> str:  # noqa: F811
    return "Basic " + base64.b64encode(api_key.encode()).decode()
