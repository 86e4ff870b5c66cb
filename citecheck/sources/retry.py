"""How hard the Crossref client tries before giving up: declarative, so settings and tests can shape it.

Kept apart from the client so the settings layer can read its defaults without importing the HTTP stack.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up (declarative, so tests can shrink it)."""

    tries: int = 4
    backoff: float = 1.0
    """First retry delay in seconds; doubles each try."""
    max_backoff: float = 30.0
    jitter: float = 0.25
    """Random extra delay, as a fraction of the backoff, so parallel clients do not retry in step."""
    max_retry_after: float = 60.0
    """Longest ``Retry-After`` we wait; longer values are capped."""
    total: float = 120.0
    """Budget in seconds for one request including waits; a wait that would overrun it is not made."""
    cooldown: float = 60.0
    """After a request fails on network errors, fail fast for this long."""
    max_consecutive_failures: int = 10
    """After this many requests in a row failed (each after its own retries), stop asking for the
    rest of the run: every further reference is ``unchecked`` at once instead of each waiting out
    its retries against a service that is down. 0 disables the cut-off."""
    max_error_rate: float = 0.5
    """Stop asking once more than this share of the requests made failed, counted from
    `min_requests` requests on (a flaky service wastes the run as surely as a dead one)."""
    min_requests: int = 20

    def delay(self, attempt: int) -> float:
        base = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return base * (1.0 + random.uniform(0.0, self.jitter))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date form)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())
