"""The retry loop every HTTP source runs, and the pause and cool-down its threads share.

One request is tried by a caller's function that returns its answer or a `Failure`; `Retrying.run` decides
whether to try again (`RetryPolicy`: backoff with jitter, ``Retry-After`` honoured and capped, a budget for
the whole request), pauses every thread of the source after a ``Retry-After``, and when it gives up raises
`SourceUnavailable` with one reason — ``… after N tries``, ``…; retry budget of T s exhausted`` — and, when
the network failed, starts the cool-down during which the source fails at once with the first failure's own
words (so every reference of a run without network shares one reason). The Crossref client and the polite
helper of the other sources used to run two copies of this loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from citecheck.sources.base import SourceUnavailable
from citecheck.sources.http import Interrupted
from citecheck.sources.retry import RetryPolicy

_Answer = TypeVar("_Answer")


@dataclass(frozen=True)
class Failure:
    """One failed try: why, whether another may help, the HTTP status and ``Retry-After`` when the server
    answered, and whether the network (not the server) failed — which starts the cool-down."""

    reason: str
    retryable: bool
    status: int | None = None
    retry_after: float | None = None
    network: bool = False


class Retrying:
    """A source's retry policy with the state its threads share: the pause a ``Retry-After`` asks for and the
    cool-down after a network failure (thread-safe)."""

    def __init__(self, policy: RetryPolicy, sleep: Callable[[float], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._pause_until = 0.0
        self._down_until = 0.0
        self._down_reason = ""

    def check_down(self) -> None:
        """Fail at once, with the first failure's words, while the source cools down after a network failure."""
        with self._lock:
            down, reason = self._down_until, self._down_reason
        if self._clock() < down:
            raise SourceUnavailable(reason)

    def run(self, once: Callable[[], _Answer | Failure]) -> _Answer:
        """`once()`'s first answer, tried as the policy allows; `SourceUnavailable` when none came."""
        policy = self.policy
        deadline = self._clock() + policy.total
        failure = Failure("no attempt made", False)
        attempt = 0
        for attempt in range(1, policy.tries + 1):
            self._wait_for_pause(deadline)
            out = once()
            if not isinstance(out, Failure):
                return out
            failure = out
            if not failure.retryable or attempt == policy.tries:
                break
            delay = policy.delay(attempt)
            if failure.retry_after is not None:
                delay = min(failure.retry_after, policy.max_retry_after)
                with self._lock:  # a rate limit is the service's, not one request's: every thread waits
                    self._pause_until = max(self._pause_until, self._clock() + delay)
            if self._clock() + delay > deadline:
                failure = replace(failure, reason=f"{failure.reason}; retry budget of {policy.total:g} s exhausted")
                break
            self._nap(delay)
        reason = failure.reason if attempt < 2 else f"{failure.reason} after {attempt} tries"
        if failure.network and policy.cooldown > 0:
            reason = f"unreachable: {reason}"
            with self._lock:
                self._down_until = self._clock() + policy.cooldown
                self._down_reason = reason
        raise SourceUnavailable(reason)

    def _wait_for_pause(self, deadline: float) -> None:
        """Honour a ``Retry-After`` another thread received, unless it outlasts this request's budget."""
        with self._lock:
            wait = self._pause_until - self._clock()
        if wait > 0:
            if self._clock() + wait > deadline:
                raise SourceUnavailable("rate limited (Retry-After beyond the retry budget)")
            self._nap(wait)

    def _nap(self, seconds: float) -> None:
        try:
            self._sleep(seconds)
        except Interrupted:
            raise SourceUnavailable("interrupted") from None
