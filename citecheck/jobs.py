"""Documents checked in parallel processes (``check --jobs N``), results in input order.

This process is one of the N: it checks the smallest documents itself while N − 1 spawned workers take
the largest first. Each worker opens the sources the settings name once (its own connections, index
handles and models) and checks whole documents; the audits come back by pickling, exactly as a serial
run would have made them. What the processes share lives on disk: the response cache (SQLite
in WAL mode) and each outside API's request budget (`citecheck.sources.limiter.FileLimiter` under the
cache directory), so N processes never ask Crossref more than one process would be allowed to.

Processes are started with ``spawn``: a forked copy of a parent that already holds sockets, SQLite
handles and thread pools is not safe. Workers ignore SIGINT — Ctrl-C in a terminal reaches the whole
process group, and the parent alone decides to stop (it cancels what has not started and keeps what
has finished).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from citecheck.config import Settings
from citecheck.model import Audit

_SOURCES: list[Any] | None = None
_SETTINGS: Settings | None = None


@dataclass
class Outcome:
    """One document's result: its audit, or the one-line reason it could not be read."""

    path: str
    audit: Audit | None = None
    error: str | None = None
    loaded: list[str] = field(default_factory=list)
    """Warnings from loading the document (shown as they would be in a serial run)."""


def check_path(path: str, settings: Settings, sources: Sequence[Any]) -> Outcome:
    """Load and audit one document (the unit of work of a serial and a parallel batch alike)."""
    from citecheck.document import DocumentError, load
    from citecheck.pipeline import check_document

    try:
        doc = load(path)
    except DocumentError as exc:
        return Outcome(path, error=str(exc))
    audit = check_document(doc, settings=settings, sources=sources)
    return Outcome(path, audit=audit, loaded=[issue.message for issue in doc.warnings])


def _start_worker(settings: Settings) -> None:
    global _SOURCES, _SETTINGS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from citecheck.pipeline import open_sources

    _SETTINGS = settings
    _SOURCES = open_sources(settings)[0]


def _work(path: str) -> Outcome:
    assert _SETTINGS is not None and _SOURCES is not None
    return check_path(path, _SETTINGS, _SOURCES)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def run_parallel(paths: Sequence[str], settings: Settings, jobs: int,
                 sources: Sequence[Any] | None = None) -> Iterator[Outcome]:
    """The outcomes of `paths` checked by `jobs` processes, yielded in input order as they are ready.

    This process is one of the `jobs`: it takes the smallest documents itself (with `sources`, opened
    here when None) while ``jobs - 1`` spawned workers take the largest first — one process start fewer,
    and no long tail. Closing the iterator early (or Ctrl-C in the caller) cancels what has not started.
    """
    from collections import deque

    if sources is None:
        from citecheck.pipeline import open_sources

        sources = open_sources(settings)[0]
    order = deque(sorted(range(len(paths)), key=lambda k: -_size(paths[k])))
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(jobs - 1, len(paths)))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(settings,))
    futures: dict[int, Future[Outcome]] = {}
    done: dict[int, Outcome] = {}
    lock = threading.Lock()
    closed = False
    broken = False

    def feed(_finished: object = None) -> None:
        """Give a worker the largest document left, as soon as one is free (called when one finishes)."""
        nonlocal broken
        with lock:
            if closed or broken or not order:
                return
            i = order.popleft()
            try:
                future = futures[i] = pool.submit(_work, paths[i])
            except (BrokenProcessPool, RuntimeError):  # a worker died: the rest is done here
                order.appendleft(i)
                broken = True
                return
        future.add_done_callback(feed)

    for _ in range(workers):
        feed()
    ready = 0
    try:
        while ready < len(paths):
            if ready in done:
                yield done.pop(ready)
                ready += 1
                continue
            with lock:
                waiting = futures.get(ready)
                mine = order.pop() if order and (waiting is None or not waiting.done()) else None
            if mine is not None:  # this process: the smallest left, while the workers run
                done[mine] = check_path(paths[mine], settings, sources)
                continue
            assert waiting is not None  # neither done here nor left in `order`: a worker has it
            try:
                outcome = waiting.result()
            except BrokenProcessPool:  # its worker was killed: check the document here instead
                outcome = check_path(paths[ready], settings, sources)
            yield outcome
            ready += 1
    finally:
        with lock:
            closed = True
        for future in futures.values():
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
