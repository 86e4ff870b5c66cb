"""What a `citecheck worker` runs for one job, and how jobs get onto the queue.

`check_job` is idempotent: a job that already has a report is skipped, and a report is stored only
once (`JobStore.finish`), so a job put back on the queue after its worker died — or, rarely, one
whose slow worker lost its lease while still running — is never reported twice.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from citecheck.service.store import LEASE_SECONDS, QUEUE, JobStore

_SOURCES: list[Any] | None = None
"""The worker process's sources, opened on its first job and kept (indexes, cache, clients)."""


def enqueue(queue: Any, job_id: str) -> None:
    """Put a job on the RQ queue (its RQ id is the job id plus the attempt, so a requeue is a new RQ job)."""
    queue.enqueue("citecheck.service.tasks.check_job", job_id, job_timeout=3600, result_ttl=600,
                  failure_ttl=24 * 3600, description=f"citecheck job {job_id}")


def requeue_lost(store: JobStore, queue: Any) -> list[str]:
    """Put back on the queue every started job whose worker stopped renewing its lease."""
    lost = store.lost()
    for job_id in lost:
        store.mark_queued(job_id)
        enqueue(queue, job_id)
    return lost


class _Lease:
    """Renews a job's lease every second while the job runs (a thread: the check itself blocks)."""

    def __init__(self, store: JobStore, job_id: str, worker: str) -> None:
        self.store, self.job_id, self.worker = store, job_id, worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_id[:8]}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(max(0.2, LEASE_SECONDS / 5)):
            self.store.renew(self.job_id, self.worker)

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def check_job(job_id: str) -> str:
    """Check the job's document with this worker's settings; store its JSON and HTML reports."""
    from rq import get_current_job

    from citecheck.config import load_settings
    from citecheck.document import DocumentError, load
    from citecheck.pipeline import check_document, open_sources
    from citecheck.report import render

    global _SOURCES
    current = get_current_job()
    if current is None:
        raise RuntimeError("check_job runs inside an RQ worker")
    store = JobStore(current.connection)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if not store.start(job_id, worker):
        return "already done"
    info = store.info(job_id)
    data = store.document(job_id)
    if info is None or data is None:
        store.fail(job_id, "the document is no longer stored")
        return "gone"
    settings = load_settings()
    if _SOURCES is None:
        _SOURCES = open_sources(settings)[0]
    with _Lease(store, job_id, worker), tempfile.TemporaryDirectory(prefix="citecheck-job-") as tmp:
        path = Path(tmp) / info.name  # a safe name (JobStore.create), in a directory of our own
        path.write_bytes(data)
        try:
            audit = check_document(load(str(path)), settings=settings, sources=_SOURCES)
        except DocumentError as exc:
            store.fail(job_id, str(exc).replace(str(path), info.name))
            return "failed"
        except Exception as exc:  # a bug must not leave the job "started" for ever: say so, then let RQ log it
            store.fail(job_id, f"internal error: {type(exc).__name__}")
            raise
        audit.document = info.name  # the user's name, not our temporary path
        json_text = render([audit], "json")
        html_text = render([audit], "html", title=f"citecheck: {info.name}")
    return "stored" if store.finish(job_id, json_text, html_text) else "duplicate dropped"


def run_worker(redis_url: str, burst: bool = False) -> None:
    """Run one RQ worker on the citecheck queue in this process (`SimpleWorker`: the models a check
    loads stay loaded from one job to the next, where RQ's default forks a fresh process per job)."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(redis_url)
    worker = SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=False)
