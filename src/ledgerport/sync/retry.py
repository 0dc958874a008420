"""When to try a platform call again, and how long to wait first.

The engine, not each connector, retries: exponential backoff with full jitter (so many
connections hitting one platform do not retry in lockstep), capped per wait and bounded
in attempts and total time, so a sick platform ends in an honest error instead of a
pull that never finishes. A platform's own ``Retry-After`` wins over our guess.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ledgerport.connectors.http import parse_retry_after

__all__ = ["RetryPolicy", "parse_retry_after"]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 60.0
    max_elapsed: float = 600.0  # give up on one call after ten minutes of trying

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before ``attempt`` (2 = the first retry): full jitter over an
        exponentially growing cap."""
        if attempt < 2:
            return 0.0
        cap = min(self.max_delay, self.base_delay * 2 ** (attempt - 2))
        return (rng or random).uniform(0, cap)

    def should_retry(self, attempt: int, elapsed: float, next_delay: float) -> bool:
        """Whether another attempt (number ``attempt`` + 1) fits in the budget."""
        return attempt < self.max_attempts and elapsed + next_delay <= self.max_elapsed
