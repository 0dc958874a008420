from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from ledgerport.config import Settings
from tests.webhooks.receiver import Receiver, serve_receiver


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The root settings, letting consumers use http:// to the local receiver."""
    return settings.model_copy(update={"webhook_allow_http_private": True})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve_receiver() as running:
        yield running


class Clock:
    """A clock the test moves (time travel): the dispatcher reads it for every attempt."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
