"""One request budget per outside API, shared by every thread and process that asks it.

Crossref's polite pool allows about 10 requests a second with 3 in flight; many documents checked at
once (``check --jobs N``, several service workers) must share that one budget, not each take it
whole. A `Limiter` hands out *slots*: at most `concurrency` at a time, and starts spaced at least
``1 / rate`` seconds apart.

* `LocalLimiter` — threads of one process (a lock and a semaphore);
* `FileLimiter` — processes of one machine that see the same directory (the cache directory): the
  next free start time lives in a small file under an exclusive ``flock``, and each in-flight request
  holds one of `concurrency` slot files locked. A process that dies releases its locks with it, so a
  killed worker never leaks a slot.
* `RedisLimiter` — processes on many machines (the service's workers), through one Redis: spacing
  and in-flight slots both global, a dead holder's slot lapsing on its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SLOT_POLL = 0.01
"""Seconds between two tries for a free slot file (a slot is held for one request: milliseconds)."""


@dataclass(frozen=True)
class Budget:
    """An API's polite budget: requests per second and requests in flight."""

    rate: float
    concurrency: int


BUDGETS = {
    "crossref": Budget(10.0, 3),
    "datacite": Budget(10.0, 3),
    "europepmc": Budget(10.0, 3),
    "openalex": Budget(10.0, 3),
    "arxiv": Budget(1 / 3, 1),  # arXiv asks for one request every three seconds
}


class Limiter(Protocol):
    """Hands out request slots; `slot()` blocks until this request may start."""

    def slot(self) -> contextlib.AbstractContextManager[None]: ...


class LocalLimiter:
    """Spacing and concurrency for the threads of one process."""

    def __init__(self, budget: Budget, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.budget = budget
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self._inflight = threading.BoundedSemaphore(max(1, budget.concurrency))

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._inflight:
            with self._lock:
                now = self._clock()
                start = max(now, self._next)
                self._next = start + 1.0 / self.budget.rate
            if start > now:
                self._sleep(start - now)
            yield


class FileLimiter:
    """Spacing and concurrency shared by all processes that open the same `directory` for `api`."""

    def __init__(self, directory: str | os.PathLike[str], api: str, budget: Budget,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.api = api
        self.budget = budget
        self._clock, self._sleep = clock, sleep
        self._clock_path = self.dir / f"{api}.next"
        self._slots = [self.dir / f"{api}.slot{k}" for k in range(max(1, budget.concurrency))]

    def _take_slot(self) -> int:
        """An exclusive lock on one free slot file (its descriptor)."""
        while True:
            for path in self._slots:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except BlockingIOError:
                    os.close(fd)
            self._sleep(SLOT_POLL)

    def _reserve_start(self) -> float:
        """The start time of this request, written for the next one under an exclusive lock."""
        fd = os.open(self._clock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, 64, 0)
            try:
                planned = float(raw.decode("ascii").strip() or 0.0)
            except ValueError:
                planned = 0.0  # a damaged file only costs one unspaced request
            now = self._clock()
            start = max(now, planned)
            data = f"{start + 1.0 / self.budget.rate:.6f}".encode("ascii")
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
            return start
        finally:
            os.close(fd)  # closing releases the lock

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        fd = self._take_slot()
        try:
            start = self._reserve_start()
            wait = start - self._clock()
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            os.close(fd)


_SPACING_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local planned = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local start = math.max(now, planned)
redis.call('SET', KEYS[1], string.format('%.6f', start + tonumber(ARGV[1])), 'EX', 3600)
return string.format('%.6f', start - now)
"""


_TAKE_SLOT_LUA = """
for k = 1, tonumber(ARGV[1]) do
  if redis.call('SET', KEYS[1] .. k, ARGV[2], 'NX', 'PX', ARGV[3]) then return k end
end
return 0
"""
_GIVE_SLOT_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

SLOT_TTL = 120.0
"""Seconds a Redis slot is held at most: longer than any request's deadline, so it only ever lapses
when its holder died (a SIGKILLed worker cannot release it)."""


class RedisLimiter:
    """Spacing and requests in flight shared by every process on every machine that reaches one Redis
    (the service's workers).

    The next free start time lives in one key, moved forward atomically by a Lua script on Redis's own
    clock (machines' clocks may disagree). The `concurrency` slots are keys taken with ``SET NX PX``
    and given back only by their holder (compare-and-delete), so a dead holder's slot frees itself
    after `slot_ttl`.
    """

    def __init__(self, redis: object, api: str, budget: Budget, sleep: Callable[[float], None] = time.sleep,
                 slot_ttl: float = SLOT_TTL) -> None:
        self.key = f"citecheck:limit:{api}"
        self.budget = budget
        self._spacing = redis.register_script(_SPACING_LUA)  # type: ignore[attr-defined]
        self._take = redis.register_script(_TAKE_SLOT_LUA)  # type: ignore[attr-defined]
        self._give = redis.register_script(_GIVE_SLOT_LUA)  # type: ignore[attr-defined]
        self._sleep = sleep
        self._slot_ms = max(1, int(slot_ttl * 1000))

    def reserve(self) -> float:
        """Seconds this request must wait for its start (its place in the shared schedule is taken)."""
        return float(self._spacing(keys=[self.key], args=[f"{1.0 / self.budget.rate:.6f}"]))

    def try_slot(self) -> str | None:
        """Take a free in-flight slot without waiting: its key, or None when all are taken."""
        token = uuid.uuid4().hex
        k = int(self._take(keys=[f"{self.key}:slot"], args=[max(1, self.budget.concurrency), token, self._slot_ms]))
        return f"{self.key}:slot{k}\n{token}" if k else None

    def release(self, held: str) -> None:
        key, token = held.split("\n")
        self._give(keys=[key], args=[token])

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        held = self.try_slot()
        while held is None:
            self._sleep(SLOT_POLL)
            held = self.try_slot()
        try:
            wait = self.reserve()
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            try:
                self.release(held)
            except Exception:  # Redis away: the slot lapses after slot_ttl; the answer already read is kept
                pass


class NoLimiter:
    """No budget: every request starts at once (tests against loopback servers, `--rate-limit off`)."""

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        yield


def limiter_for(api: str, directory: str | os.PathLike[str] | None, enabled: bool = True,
                redis_url: str | None = None) -> Limiter:
    """The limiter an API's client should use: shared through Redis when `redis_url` is given (the
    service), else through `directory` (the cache directory's ``limits/``), else per process;
    `NoLimiter` when limiting is off."""
    budget = BUDGETS.get(api)
    if not enabled or budget is None:
        return NoLimiter()
    if redis_url:
        from redis import Redis

        return RedisLimiter(Redis.from_url(redis_url), api, budget)
    if directory is not None:
        try:
            return FileLimiter(Path(directory) / "limits", api, budget)
        except OSError:
            pass  # an unwritable cache directory: limit within this process at least
    return LocalLimiter(budget)
