"""A thread pool that lets Ctrl-C through at once.

``with ThreadPoolExecutor() as pool`` waits, on the way out of an exception,
for every queued task to run — so Ctrl-C during a 300-reference match was
ignored until all 300 had been asked. `map_interruptible` instead cancels the
queued tasks, sets `citecheck.sources.http.cancelled` (backoff waits and
streaming reads in the running tasks end at once), shuts down open connections
(a read blocked on a silent server returns) and re-raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from citecheck.sources.http import abort_all

T = TypeVar("T")
R = TypeVar("R")


def map_interruptible(fn: Callable[[T], R], items: Iterable[T], workers: int,
                      thread_name_prefix: str = "citecheck") -> Iterator[R]:
    """``pool.map(fn, items)`` in input order; on KeyboardInterrupt the pool is abandoned, not drained."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=thread_name_prefix)
    try:
        yield from pool.map(fn, items)
    except KeyboardInterrupt:
        abort_all()  # sets `cancelled`; connections shut down, so blocked reads return now
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
