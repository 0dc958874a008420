"""The fixtures every webhook test shares (here, the API's and the portal's): a real
receiver on 127.0.0.1, and settings letting a consumer use http:// to reach it. A
conftest or a test module imports them to use them (by the names below: the fixtures'
own names, ``settings`` and ``receiver``, stay free for the tests' arguments)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledgerport.config import Settings
from tests.webhooks.receiver import Receiver, serve_receiver


@pytest.fixture(name="settings")
def http_receiver_settings(settings: Settings) -> Settings:
    """The root settings, letting consumers use http:// to the local receiver."""
    return settings.model_copy(update={"webhook_allow_http_private": True})


@pytest.fixture(name="receiver")
def running_receiver() -> Iterator[Receiver]:
    with serve_receiver() as running:
        yield running
