from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from ledgerport.app import create_app
from ledgerport.services import Services
from tests.live_server import serve


@pytest.fixture
def base_url(services: Services) -> Iterator[str]:
    with serve(create_app(services=services)) as url:
        yield url


@pytest.fixture
def auth_header(api_key: str) -> str:
    return "Basic " + base64.b64encode(api_key.encode()).decode()
