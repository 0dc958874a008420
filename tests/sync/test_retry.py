from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from ledgerport.sync.retry import RetryPolicy, parse_retry_after


@given(st.integers(min_value=2, max_value=60), st.integers(min_value=0, max_value=2**32))
def test_delays_are_jittered_within_a_growing_cap(attempt: int, seed: int) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30)
    delay = policy.delay(attempt, random.Random(seed))
    assert 0 <= delay <= min(30, 0.5 * 2 ** (attempt - 2))


def test_first_attempt_waits_nothing_and_budgets_end() -> None:
    policy = RetryPolicy(max_attempts=3, max_elapsed=10)
    assert policy.delay(1) == 0
    assert policy.should_retry(1, 0, 1)
    assert policy.should_retry(2, 0, 1)
    assert not policy.should_retry(3, 0, 1)  # attempts exhausted
    assert not policy.should_retry(1, 9.5, 1)  # time exhausted


def test_retry_after_forms() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") is None
