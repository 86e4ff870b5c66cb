"""What a `citecheck worker` runs for one job, and how jobs get onto the queue.

`check_job` is idempotent: a job that already has a report is skipped, and a report is stored only
once (`JobStore.finish`), so a job put back on the queue after its worker died — or, rarely, one
whose slow worker lost its lease while still running — is never reported twice.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from citecheck.service.store import LEASE_SECONDS, QUEUE, JobStatus, JobStore

_SOURCES: list[Any] | None = None
"""The worker process's sources, opened before its first job and kept (indexes, cache, clients)."""
_SETTINGS: Any = None


SWEEP_SECONDS = 1.0
"""How often a server or worker looks for jobs whose worker died (leases last `LEASE_SECONDS`)."""


def enqueue(queue: Any, job_id: str) -> None:
    """Put a job on the RQ queue (each time a new RQ job: a requeue never revives an old one)."""
    from rq import Callback

    queue.enqueue("citecheck.service.tasks.check_job", job_id, job_timeout=3600, result_ttl=600,
                  failure_ttl=24 * 3600, description=f"citecheck job {job_id}",
                  on_failure=Callback(on_abandoned))


def requeue_lost(store: JobStore, queue: Any) -> list[str]:
    """Put back on the queue every started job whose worker stopped renewing its lease (each lost job
    once, however many servers and workers sweep at the same time)."""
    taken = [job_id for job_id in store.lost() if store.take_back(job_id)]
    for job_id in taken:
        enqueue(queue, job_id)
    return taken


def on_abandoned(job: Any, connection: Any, exc_type: Any, *_: Any) -> None:
    """RQ's failure callback. Our leases cover a worker that dies inside `check_job`; this covers
    the instant between RQ taking the job off the queue and `check_job` taking its lease, which RQ
    reports later as an `AbandonedJobError`. Other failures were already recorded by `check_job`."""
    from rq import Queue
    from rq.exceptions import AbandonedJobError

    if exc_type is not AbandonedJobError or not job.args:
        return
    store, job_id = JobStore(connection), str(job.args[0])
    info = store.info(job_id)
    if info is None or store.report(job_id, "json") is not None:
        return
    if info.status is JobStatus.QUEUED or store.take_back(job_id):
        enqueue(Queue(QUEUE, connection=connection), job_id)


class Sweeper:
    """A daemon thread running `requeue_lost` every `SWEEP_SECONDS` (in the server and in each worker,
    so lost jobs come back while any of them is up)."""

    def __init__(self, store: JobStore, queue: Any) -> None:
        self.store, self.queue = store, queue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="citecheck-sweeper", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SWEEP_SECONDS):
            try:
                requeue_lost(self.store, self.queue)
            except Exception:  # Redis briefly away: try again on the next tick
                continue

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()


class _Lease:
    """Renews a job's lease every second while the job runs (a thread: the check itself blocks)."""

    def __init__(self, store: JobStore, job_id: str, worker: str) -> None:
        self.store, self.job_id, self.worker = store, job_id, worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_id[:8]}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(max(0.2, LEASE_SECONDS / 5)):
            try:
                self.store.renew(self.job_id, self.worker)
            except Exception:  # Redis briefly away: keep trying; a lapsed lease costs a rerun, never a report
                continue

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def check_job(job_id: str) -> str:
    """Check the job's document with this worker's settings; store its JSON and HTML reports.

    The lease is taken and renewed before anything slow (imports, opening sources), so a job is never
    thought lost while its worker is merely starting up."""
    from rq import get_current_job

    current = get_current_job()
    if current is None:
        raise RuntimeError("check_job runs inside an RQ worker")
    store = JobStore(current.connection)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if not store.start(job_id, worker):
        return "already done"
    with _Lease(store, job_id, worker):
        return _check(store, job_id)


def _check(store: JobStore, job_id: str) -> str:
    from citecheck.document import DocumentError, load
    from citecheck.pipeline import check_document
    from citecheck.report import render

    info = store.info(job_id)
    data = store.document(job_id)
    if info is None or data is None:
        store.fail(job_id, "the document is no longer stored")
        return "gone"
    settings, sources = open_worker_sources()
    with tempfile.TemporaryDirectory(prefix="citecheck-job-") as tmp:
        for name, companion in store.companions(job_id).items():  # safe names (JobStore.create)
            if name != info.name:
                (Path(tmp) / name).write_bytes(companion)
        path = Path(tmp) / info.name  # a safe name (JobStore.create), in a directory of our own
        path.write_bytes(data)
        try:
            audit = check_document(load(str(path)), settings=settings, sources=sources)
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


def open_worker_sources() -> tuple[Any, list[Any]]:
    """This worker's settings and sources, opened once and kept (indexes, cache, clients)."""
    global _SOURCES, _SETTINGS
    if _SOURCES is None:
        from citecheck.config import load_settings
        from citecheck.pipeline import open_sources

        _SETTINGS = load_settings()
        _SOURCES = open_sources(_SETTINGS)[0]
    return _SETTINGS, _SOURCES


def _worker_class() -> Any:
    from rq import SimpleWorker

    class Worker(SimpleWorker):  # type: ignore[misc]
        """RQ's `SimpleWorker` with its control channel read every second: RQ reads it every 60 s and
        redis-py 8 joins that reader on shutdown, so a SIGTERMed idle worker took up to a minute to go."""

        def subscribe(self) -> None:
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=1.0, daemon=True,
                                                           exception_handler=self._pubsub_exception_handler)

    return Worker


def run_worker(redis_url: str, burst: bool = False) -> None:
    """Run one RQ worker on the citecheck queue in this process (`SimpleWorker`: the models a check
    loads stay loaded from one job to the next, where RQ's default forks a fresh process per job)."""
    from redis import Redis
    from rq import Queue

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints a stuck worker's stacks to stderr
    open_worker_sources()  # before taking any job: the first one should not pay for opening them
    connection = Redis.from_url(redis_url)
    queue = Queue(QUEUE, connection=connection)
    sweeper = Sweeper(JobStore(connection), queue).start()
    try:
        _worker_class()([queue], connection=connection).work(burst=burst, with_scheduler=False)
    finally:
        sweeper.stop()
