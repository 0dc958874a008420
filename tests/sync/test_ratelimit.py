from __future__ import annotations

import pytest

from ledgerport.sync.ratelimit import CallBudget, Limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _calls_in(budget: CallBudget, clock: Clock, seconds: float, step: float = 0.01) -> int:
    """Drive the budget as the engine does for ``seconds`` of virtual time."""
    made, end = 0, clock.now + seconds
    while clock.now < end:
        wait = budget.reserve()
        if wait == 0:
            made += 1
        else:
            clock.now = min(end, clock.now + max(wait, step))
    return made


def test_xero_like_minute_limit_is_never_exceeded_in_any_rolling_minute() -> None:
    clock = Clock()
    budget = CallBudget([Limit(60, 60), Limit(5000, 86400)], clock)
    stamps: list[float] = []
    end = clock.now + 300
    while clock.now < end:
        wait = budget.reserve()
        if wait == 0:
            stamps.append(clock.now)
        else:
            clock.now += wait
    assert len(stamps) == 60 * 5  # the full allowance is used...
    for i, start in enumerate(stamps):  # ...and no 60-second window holds more than 60
        assert sum(1 for t in stamps[i:] if t < start + 60) <= 60


def test_the_tightest_limit_wins_and_a_refused_call_takes_no_token() -> None:
    clock = Clock()
    budget = CallBudget([Limit(60, 60), Limit(5, 86400)], clock)
    assert _calls_in(budget, clock, 3600) == 5
    assert budget.reserve() > 80_000  # about a day until the daily bucket refills one


def test_pause_from_retry_after_holds_every_caller() -> None:
    clock = Clock()
    budget = CallBudget([Limit(100, 1)], clock)
    assert budget.reserve() == 0
    budget.pause(30)
    assert budget.reserve() == pytest.approx(30)
    clock.now += 29
    assert budget.reserve() == pytest.approx(1)
    clock.now += 1
    assert budget.reserve() == 0
    budget.pause(-5)  # nonsense never shortens or reverses a pause
    assert budget.reserve() == 0


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="positive period"):
        Limit(0, 60)
    with pytest.raises(ValueError, match="positive period"):
        Limit(10, 0)


def test_a_call_counts_from_when_it_finished() -> None:
    """The platform counts a call when it arrives, which can be as late as our answer:
    the window runs from the end of the call, so a slow first call delays the next
    window's worth instead of letting one call too many into the platform's minute."""
    now = [0.0]
    budget = CallBudget([Limit(2, 60)], clock=lambda: now[0])
    wait, first = budget.reserve_call()
    assert wait == 0
    assert first is not None
    assert budget.reserve() == 0  # the second call, at once
    now[0] = 5.0
    budget.finish(first)  # the first call's answer came 5 s later
    now[0] = 60.0
    assert budget.reserve() == pytest.approx(5)  # not free until 60 s after it ended
    now[0] = 65.0
    assert budget.reserve() == 0
