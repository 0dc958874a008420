"""The Xero simulator as the tests in this folder use it: a test clock, the app on it,
a client, and a fresh token's headers (the consent page skipped)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from ledgerport.simulators.xero import create_app
from tests.simulators.test_xero_simulator import SIZE, Clock, bearer_headers


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Any:
    return create_app("xero-test", clock=clock, size=SIZE)


@pytest.fixture
def client(app: Any) -> TestClient:
    return TestClient(app)


@pytest.fixture
def headers(app: Any) -> dict[str, str]:
    return bearer_headers(app)
