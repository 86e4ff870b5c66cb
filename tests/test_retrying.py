"""The one retry loop under every HTTP source: tries, backoff, Retry-After shared by threads, cool-down."""

from __future__ import annotations

import pytest

from citecheck.sources.base import SourceUnavailable
from citecheck.sources.retry import RetryPolicy
from citecheck.sources.retrying import Failure, Retrying

POLICY = RetryPolicy(tries=3, backoff=1.0, jitter=0.0, total=100.0, cooldown=60.0, max_retry_after=5.0)


class Clock:
    """Time that passes only when the loop sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def tries(answers: list[object]) -> tuple[Retrying, list[float], list[int]]:
    clock = Clock()
    slept = clock.slept
    calls: list[int] = []
    r = Retrying(POLICY, clock.sleep, clock)

    def once() -> object:
        calls.append(1)
        return answers.pop(0)

    r.once = once  # type: ignore[attr-defined]
    return r, slept, calls


def test_a_retryable_failure_is_tried_again_with_backoff_until_an_answer() -> None:
    r, slept, calls = tries([Failure("HTTP 503", True), Failure("HTTP 503", True), (200, "body")])
    assert r.run(r.once) == (200, "body")  # type: ignore[attr-defined]
    assert len(calls) == 3 and slept == [1.0, 2.0]


def test_giving_up_names_the_last_failure_and_the_tries() -> None:
    r, slept, _ = tries([Failure("HTTP 503", True)] * 3)
    with pytest.raises(SourceUnavailable, match=r"^HTTP 503 after 3 tries$"):
        r.run(r.once)  # type: ignore[attr-defined]
    r.check_down()  # a server's error is no network failure: no cool-down
    r, slept, calls = tries([Failure("HTTP 400", False), (200, "never")])
    with pytest.raises(SourceUnavailable, match=r"^HTTP 400$"):
        r.run(r.once)  # type: ignore[attr-defined]
    assert len(calls) == 1 and not slept


def test_a_network_failure_starts_the_cool_down_with_its_own_words() -> None:
    r, _, _ = tries([Failure("host not found (Name or service not known)", False, network=True)])
    with pytest.raises(SourceUnavailable, match=r"^unreachable: host not found"):
        r.run(r.once)  # type: ignore[attr-defined]
    with pytest.raises(SourceUnavailable) as exc:
        r.check_down()
    assert exc.value.reason == "unreachable: host not found (Name or service not known)"


def test_retry_after_is_capped_and_pauses_the_next_request_too() -> None:
    r, slept, _ = tries([Failure("HTTP 429", True, 429, retry_after=30.0), (200, "ok"), (200, "next")])
    assert r.run(r.once) == (200, "ok")  # type: ignore[attr-defined]
    assert slept == [5.0]  # capped at max_retry_after
    assert r.run(r.once) == (200, "next")  # type: ignore[attr-defined]
    assert slept == [5.0]  # the pause was waited out once


def test_a_retry_after_pauses_the_other_threads_requests() -> None:
    clock = Clock()
    r = Retrying(POLICY, clock.sleep, clock)
    answers = iter([Failure("HTTP 429", True, 429, retry_after=4.0), (200, "ok")])
    first = r.run(lambda: next(answers) if clock.now < 1004.0 else (200, "ok"))
    assert first == (200, "ok") and clock.slept == [4.0]
    # another thread's request begun while the pause holds waits for what is left of it before its first try
    clock.now -= 3.0  # (as if it started 1 s after the 429)
    assert r.run(lambda: (200, "other")) == (200, "other") and clock.slept == [4.0, 3.0]


def test_a_wait_beyond_the_budget_is_not_made() -> None:
    slept: list[float] = []
    r = Retrying(RetryPolicy(tries=4, backoff=10.0, jitter=0.0, total=5.0), slept.append)
    with pytest.raises(SourceUnavailable, match=r"timeout; retry budget of 5 s exhausted$"):
        r.run(lambda: Failure("timeout", True, network=True))
    assert not slept
