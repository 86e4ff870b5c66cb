"""The shared request budget: spacing and concurrency across threads and across processes."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from citecheck.sources.limiter import Budget, FileLimiter, LocalLimiter, NoLimiter, RedisLimiter, limiter_for
from tests.service_fixtures import needs_redis, redis_url, wait_until  # noqa: F401


class FakeClock:
    """A clock that only moves when the limiter sleeps: spacing is checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += max(0.0, seconds)


def peak_in_flight(slot: Callable[[int], AbstractContextManager[None]], threads: int = 8) -> int:
    """Most requests ever inside their slot at once, when `threads` threads each take one (k-th: `slot(k)`)."""
    inflight, peak, lock = [0], [0], threading.Lock()

    def one(k: int) -> None:
        with slot(k):
            with lock:
                inflight[0] += 1
                peak[0] = max(peak[0], inflight[0])
            time.sleep(0.02)
            with lock:
                inflight[0] -= 1

    workers = [threading.Thread(target=one, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return peak[0]


def test_local_limiter_spaces_starts() -> None:
    clock = FakeClock()
    lim = LocalLimiter(Budget(rate=4.0, concurrency=2), clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(5):
        with lim.slot():
            starts.append(clock())
    assert [round(b - a, 6) for a, b in itertools.pairwise(starts)] == [0.25] * 4


def test_file_limiter_spaces_starts_and_survives_a_damaged_clock_file(tmp_path: Path) -> None:
    clock = FakeClock()
    lim = FileLimiter(tmp_path, "crossref", Budget(rate=10.0, concurrency=3), clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        with lim.slot():
            starts.append(clock())
    assert [round(b - a, 6) for a, b in itertools.pairwise(starts)] == [0.1, 0.1]
    (tmp_path / "crossref.next").write_text("not a number")
    with lim.slot():
        pass  # a damaged file costs one unspaced start, never an error


def test_file_limiter_bounds_requests_in_flight_across_threads(tmp_path: Path) -> None:
    lim = FileLimiter(tmp_path, "api", Budget(rate=1000.0, concurrency=2))
    assert peak_in_flight(lambda _k: lim.slot()) == 2


def _stamp(directory: str, out: str, n: int) -> None:
    """Reserve `n` starts, as `slot()` does, and write them down (reservations, not wake-up times,
    so the check does not depend on how fast the scheduler wakes each process)."""
    lim = FileLimiter(directory, "crossref", Budget(rate=50.0, concurrency=3))
    with open(out, "a", encoding="ascii") as fh:
        for _ in range(n):
            fh.write(f"{lim._reserve_start():.6f}\n")


def test_file_limiter_is_shared_by_processes(tmp_path: Path) -> None:
    """Two processes asking at once get one budget between them: starts stay ≥ 1/rate apart overall."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_stamp, args=(str(tmp_path / "limits"), str(tmp_path / f"t{k}.txt"), 10))
             for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    stamps = sorted(float(x) for k in range(2) for x in (tmp_path / f"t{k}.txt").read_text().split())
    assert len(stamps) == 20
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.02 - 1e-5  # 50/s → every start 20 ms after the one before, whichever process


def test_limiter_for_settings(tmp_path: Path) -> None:
    assert isinstance(limiter_for("crossref", tmp_path), FileLimiter)
    assert isinstance(limiter_for("crossref", None), LocalLimiter)
    assert isinstance(limiter_for("crossref", tmp_path, enabled=False), NoLimiter)
    assert isinstance(limiter_for("unknown-api", tmp_path), NoLimiter)
    assert isinstance(limiter_for("crossref", tmp_path, redis_url="redis://127.0.0.1:1/0"), RedisLimiter)


@needs_redis
def test_redis_limiter_is_one_budget_for_every_holder(redis_url: str) -> None:  # noqa: F811
    """Two limiters on one Redis (two workers, two machines): one schedule, one set of slots."""
    from redis import Redis

    budget = Budget(rate=0.001, concurrency=2)  # one start per 1000 s: reservations show the schedule
    a, b = (RedisLimiter(Redis.from_url(redis_url), "crossref", budget) for _ in range(2))
    waits = [a.reserve(), b.reserve(), a.reserve()]
    assert waits[0] < 1 and 999 < waits[1] < 1000.5 and 1999 < waits[2] < 2000.5  # taken in turn
    held = [a.try_slot(), b.try_slot()]
    assert None not in held and a.try_slot() is None and b.try_slot() is None  # 2 in flight, whoever asks
    a.release(held[1] or "")  # a slot is given back by its token, whichever process holds it
    assert b.try_slot() is not None


@needs_redis
def test_redis_limiter_slot_of_a_dead_holder_lapses(redis_url: str) -> None:  # noqa: F811
    from redis import Redis

    lim = RedisLimiter(Redis.from_url(redis_url), "arxiv", Budget(rate=1000.0, concurrency=1), slot_ttl=0.2)
    assert lim.try_slot() is not None  # taken and never given back, as by a SIGKILLed worker
    assert lim.try_slot() is None
    wait_until(lambda: lim.try_slot() is not None, 10, "the dead holder's slot to lapse")


@needs_redis
def test_redis_limiter_bounds_requests_in_flight_across_threads(redis_url: str) -> None:  # noqa: F811
    from redis import Redis

    lims = [RedisLimiter(Redis.from_url(redis_url), "api", Budget(rate=1000.0, concurrency=2)) for _ in range(2)]
    assert peak_in_flight(lambda k: lims[k % 2].slot()) == 2
    assert not list(lims[0]._take.registered_client.scan_iter("citecheck:limit:api:slot*"))  # all given back
