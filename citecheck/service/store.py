"""Jobs, documents, leases and reports in Redis: the one place server and workers agree on.

Keys (prefix ``citecheck:``): ``job:{id}`` a hash (name, status, attempts, error, created);
``doc:{id}`` the uploaded bytes; ``files:{id}`` a LaTeX job's
companions (the ``.bib``/``.bbl`` files uploaded with it, by safe name); ``report:{id}`` a hash (json, html) written once (``HSETNX`` on
``json``: a job that ran twice after a lost lease still has one report); ``lease:{id}`` a short-lived
key a running worker renews; ``running`` the set of started jobs (what the sweepers look at, so a sweep
costs the number of running jobs, not of all jobs kept); ``jobs`` the ids by creation time (trimmed to
`RETENTION`). Everything expires after `RETENTION`.

Why our own leases rather than RQ's abandoned-job handling: RQ notices a dead worker's job only when
its execution's heartbeat TTL runs out (monitoring interval + 60 s, longer for a busy `SimpleWorker`)
and then moves it to the failed registry; a lease of `LEASE_SECONDS` puts it back on the queue within
seconds. RQ's handling stays as the second line (`tasks.on_abandoned`).
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

RETENTION = 7 * 24 * 3600
"""Seconds a job, its document and its report are kept."""
LEASE_SECONDS = 5
"""A running job's lease: renewed every second by its worker; when it lapses the job is lost."""
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_NAME = 120
PREFIX = "citecheck:"
QUEUE = "citecheck"


_REQUEUE_LUA = """
if redis.call('HGET', KEYS[1], 'status') ~= 'started' then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('HEXISTS', KEYS[3], 'json') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued')
redis.call('SREM', KEYS[4], ARGV[1])
return 1
"""
"""Started, no lease, no report → queued again, atomically: of several sweepers one wins."""


class JobStatus(StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    DONE = "done"
    FAILED = "failed"


@dataclass
class JobInfo:
    id: str
    name: str
    status: JobStatus
    attempts: int
    error: str = ""


class UploadError(ValueError):
    """An upload the service refuses (too large, empty, no name); the message says which."""


_SAFE_NAME_RE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A display and temp-file name from an uploaded one: last path part, no control or path
    characters, at most `MAX_NAME` characters, never empty or a dot name."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _SAFE_NAME_RE.sub("_", base).strip("._") or "document"
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 10:
        return (stem.strip("._")[: MAX_NAME - len(ext) - 1] or "document") + "." + ext
    return base[:MAX_NAME]


class JobStore:
    """The service's state in Redis (`redis.Redis` connection, bytes responses)."""

    def __init__(self, redis: Any) -> None:
        self.r = redis

    def _k(self, kind: str, job_id: str = "") -> str:
        return f"{PREFIX}{kind}:{job_id}" if job_id else f"{PREFIX}{kind}"

    # ------------------------------------------------------------ server side
    def create(self, name: str, data: bytes, companions: dict[str, bytes] | None = None) -> str:
        """Store an uploaded document as a new queued job; its id. `companions` (safe name → bytes) are
        written beside it when it is checked: a ``.tex`` file's bibliography uploaded with it."""
        if not data:
            raise UploadError(f"{safe_name(name)}: empty file")
        if len(data) > MAX_DOCUMENT_BYTES:
            raise UploadError(f"{safe_name(name)}: larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
        job_id = uuid.uuid4().hex
        with self.r.pipeline() as p:
            p.set(self._k("doc", job_id), data, ex=RETENTION)
            if companions:
                p.hset(self._k("files", job_id), mapping=companions)
                p.expire(self._k("files", job_id), RETENTION)
            p.hset(self._k("job", job_id), mapping={"name": safe_name(name), "status": JobStatus.QUEUED,
                                                   "attempts": 0, "error": "", "created": time.time()})
            p.expire(self._k("job", job_id), RETENTION)
            p.zadd(self._k("jobs"), {job_id: time.time()})
            p.zremrangebyscore(self._k("jobs"), 0, time.time() - RETENTION)
            p.execute()
        return job_id

    def info(self, job_id: str) -> JobInfo | None:
        raw = self.r.hgetall(self._k("job", job_id))
        if not raw:
            return None
        d = {k.decode(): v.decode() for k, v in raw.items()}
        return JobInfo(job_id, d.get("name", ""), JobStatus(d.get("status", "queued")), int(d.get("attempts", 0)),
                       d.get("error", ""))

    def report(self, job_id: str, kind: str) -> str | None:
        """The stored report (``json`` or ``html``), or None while there is none."""
        value = self.r.hget(self._k("report", job_id), kind)
        return value.decode("utf-8") if value is not None else None

    def counts(self) -> dict[str, int]:
        """How many kept jobs are in each status (queue health; job ids are never listed)."""
        ids = [x.decode() for x in self.r.zrange(self._k("jobs"), 0, -1)]
        with self.r.pipeline(transaction=False) as p:
            for job_id in ids:
                p.hget(self._k("job", job_id), "status")
            statuses = p.execute()
        out: dict[str, int] = {}
        for status in statuses:
            if status is not None:
                out[status.decode()] = out.get(status.decode(), 0) + 1
        return out

    def lost(self) -> list[str]:
        """Started jobs without a report whose lease lapsed: their worker died. Only the jobs running now
        are looked at (the ``running`` set), so a sweep costs the same with a million finished jobs."""
        out = []
        for job_id in sorted(x.decode() for x in self.r.smembers(self._k("running"))):
            info = self.info(job_id)
            if info is None or info.status is not JobStatus.STARTED or self.r.hexists(self._k("report", job_id), "json"):
                self.r.srem(self._k("running"), job_id)  # expired, or finished between two looks
            elif not self.r.exists(self._k("lease", job_id)):
                out.append(job_id)
        return out

    def take_back(self, job_id: str) -> bool:
        """Mark a lost job queued again; True for exactly one caller however many sweepers ask."""
        keys = [self._k("job", job_id), self._k("lease", job_id), self._k("report", job_id), self._k("running")]
        return bool(self.r.eval(_REQUEUE_LUA, len(keys), *keys, job_id))

    # ------------------------------------------------------------ worker side
    def document(self, job_id: str) -> bytes | None:
        return self.r.get(self._k("doc", job_id))

    def companions(self, job_id: str) -> dict[str, bytes]:
        """The files to write beside the job's document (safe names)."""
        return {k.decode(): v for k, v in self.r.hgetall(self._k("files", job_id)).items()}

    def start(self, job_id: str, worker: str) -> bool:
        """Mark a job started and take its lease; False when it already has a report or failed for good
        (a stray second RQ job for it has nothing to do)."""
        if (self.r.hexists(self._k("report", job_id), "json")
                or self.r.hget(self._k("job", job_id), "status") == JobStatus.FAILED.encode()):
            return False
        with self.r.pipeline() as p:
            p.hset(self._k("job", job_id), "status", JobStatus.STARTED)
            p.hincrby(self._k("job", job_id), "attempts", 1)
            p.set(self._k("lease", job_id), worker, ex=LEASE_SECONDS)
            p.sadd(self._k("running"), job_id)
            p.execute()
        return True

    def renew(self, job_id: str, worker: str) -> None:
        self.r.set(self._k("lease", job_id), worker, ex=LEASE_SECONDS)

    def finish(self, job_id: str, json_text: str, html_text: str) -> bool:
        """Store the report once; True when this call stored it (a duplicate run's report is dropped)."""
        key = self._k("report", job_id)
        stored = bool(self.r.hsetnx(key, "json", json_text))
        if stored:
            with self.r.pipeline() as p:
                p.hset(key, "html", html_text)
                p.expire(key, RETENTION)
                p.hset(self._k("job", job_id), "status", JobStatus.DONE)
                p.delete(self._k("lease", job_id))
                p.srem(self._k("running"), job_id)
                p.execute()
        return stored

    def fail(self, job_id: str, error: str) -> None:
        with self.r.pipeline() as p:
            p.hset(self._k("job", job_id), mapping={"status": JobStatus.FAILED, "error": error[:500]})
            p.delete(self._k("lease", job_id))
            p.srem(self._k("running"), job_id)
            p.execute()
