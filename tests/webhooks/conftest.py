from __future__ import annotations

from datetime import datetime, timedelta

from tests.webhooks.fixtures import http_receiver_settings, running_receiver  # noqa: F401


class Clock:
    """A clock the test moves (time travel): the dispatcher reads it for every attempt."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
