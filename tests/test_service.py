"""The service: upload, queue, workers, reports — with a real Redis and real processes.

The bar of the issue: server + 2 workers + Redis; 40 documents submitted, one worker killed mid-run →
40 reports, none lost, none duplicated. Hostile names and files are refused or made inert.
"""

from __future__ import annotations

import itertools
import json
import os
import signal

import httpx2
import pytest

from citecheck.service.store import JobStatus, JobStore, safe_name
from tests.service_fixtures import DEMO, Service, needs_redis, redis_url, service, wait_until  # noqa: F401


def test_safe_name_keeps_nothing_that_could_be_a_path_or_markup() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\论文.pdf") == "论文.pdf"
    assert safe_name("<script>alert(1)</script>.md") == "script.md"  # the slash ends a path part
    assert safe_name("<img src=x onerror=alert(1)>.md") == "img_src_x_onerror_alert_1.md"
    assert safe_name("..") == "document" and safe_name("") == "document"
    assert len(safe_name("a" * 500 + ".docx")) <= 120 and safe_name("a" * 500 + ".docx").endswith(".docx")


@needs_redis
def test_store_reports_once_and_finds_lost_jobs(redis_url: str) -> None:  # noqa: F811
    from redis import Redis

    store = JobStore(Redis.from_url(redis_url))
    job = store.create("a.md", b"# text")
    assert store.start(job, "w1")
    assert store.lost() == []  # the lease is held
    assert store.finish(job, '{"a": 1}', "<p>a</p>")
    assert not store.finish(job, '{"a": 2}', "<p>b</p>")  # a second run's report is dropped
    assert store.report(job, "json") == '{"a": 1}' and store.info(job).status is JobStatus.DONE  # type: ignore[union-attr]
    assert not store.start(job, "w2")  # nothing left to do
    other = store.create("b.md", b"# text")
    store.start(other, "w1")
    store.r.delete(f"citecheck:lease:{other}")  # what a dead worker's lease does after LEASE_SECONDS
    assert store.lost() == [other]
    with pytest.raises(ValueError, match="empty"):
        store.create("c.md", b"")


def _documents(n: int) -> list[tuple[str, bytes]]:
    """`n` distinct small documents: the demo's text with a numbered heading each."""
    text = (DEMO / "review.zh.md").read_text(encoding="utf-8")
    return [(f"doc{k:02d}.md", f"# 文档 {k}\n\n{text}".encode()) for k in range(n)]


def _submit(svc: Service, docs: list[tuple[str, bytes]]) -> list[dict]:
    files = [("files", (name, data, "text/markdown")) for name, data in docs]
    r = httpx2.post(svc.url + "/api/jobs", files=files, timeout=60)
    assert r.status_code == 202, r.text
    return r.json()["jobs"]


@needs_redis
def test_forty_documents_one_worker_killed_none_lost_none_twice(service: Service) -> None:  # noqa: F811
    from redis import Redis

    jobs = _submit(service, _documents(40))
    assert len(jobs) == 40 and len({j["id"] for j in jobs}) == 40
    r = Redis.from_url(service.redis_url)
    store = JobStore(r)
    wait_until(lambda: sum(store.info(j["id"]).status is JobStatus.DONE for j in jobs) >= 4, 60, "first reports")  # type: ignore[union-attr]

    def running() -> tuple[str, int] | None:  # a job in progress and its worker's pid
        for key in r.scan_iter("citecheck:lease:*"):
            holder = r.get(key)
            if holder:
                return key.decode().rsplit(":", 1)[1], int(holder.decode().rsplit(":", 1)[1])
        return None

    wait_until(lambda: running() is not None, 30, "a job in progress")
    job_id, pid = running()  # type: ignore[misc]
    victim = next(p for p in service.workers if p.pid == pid)
    os.kill(pid, signal.SIGKILL)
    victim.wait(10)
    was_running = store.report(job_id, "json") is None  # else it finished just before the kill
    wait_until(lambda: all(store.info(j["id"]).status is JobStatus.DONE for j in jobs), 120, "all 40 reports")  # type: ignore[union-attr]
    names = []
    for j in jobs:
        report = json.loads(store.report(j["id"], "json") or "{}")
        assert report["count"] == 1
        names.append(report["documents"][0]["document"])
        assert len(r.hkeys(f"citecheck:report:{j['id']}")) == 2  # one json, one html: stored once
    assert sorted(names) == [f"doc{k:02d}.md" for k in range(40)]
    if was_running:  # the killed worker's job was put back on the queue and run again elsewhere
        assert store.info(job_id).attempts >= 2  # type: ignore[union-attr]
    listing = httpx2.get(service.url + "/api/jobs", timeout=10).json()
    assert listing["statuses"] == {"done": 40}


@needs_redis
def test_hostile_uploads_are_refused_or_inert(service: Service) -> None:  # noqa: F811
    files = [("files", ("../../<img src=x onerror=alert(1)>.md", b"# t\n\nText [1].\n\n## References\n\n[1] A B. T[J]. J, 2020, 1: 1-2.\n", "text/markdown")),
             ("files", ("empty.pdf", b"", "application/pdf")),
             ("files", ("notes.xyz", b"something", "application/octet-stream"))]
    r = httpx2.post(service.url + "/api/jobs", files=files, timeout=30)
    assert r.status_code == 202
    answer = r.json()
    assert answer["errors"] == ["empty.pdf: empty file"]
    names = {j["name"]: j["id"] for j in answer["jobs"]}
    assert set(names) == {"img_src_x_onerror_alert_1.md", "notes.xyz"}
    store_url = service.url + "/api/jobs/"
    wait_until(lambda: all(httpx2.get(store_url + i, timeout=5).json()["status"] in ("done", "failed")
                           for i in names.values()), 60, "both jobs")
    bad = httpx2.get(store_url + names["notes.xyz"], timeout=5).json()
    assert bad["status"] == "failed" and "not a type citecheck reads" in bad["error"]
    html = httpx2.get(store_url + names["img_src_x_onerror_alert_1.md"] + "/report.html", timeout=5)
    assert html.headers["content-security-policy"] == "sandbox allow-scripts"
    assert "<img src=x" not in html.text
    assert httpx2.get(store_url + "..%2F..%2Fetc%2Fpasswd", timeout=5).status_code == 404
    assert httpx2.post(service.url + "/api/jobs", timeout=5).status_code == 400


@needs_redis
def test_redis_limiter_spaces_requests_of_every_worker(redis_url: str) -> None:  # noqa: F811
    """Two workers (two limiters, as on two machines) share one schedule kept in Redis."""
    from redis import Redis

    from citecheck.sources.limiter import Budget, RedisLimiter, limiter_for

    budget = Budget(rate=20.0, concurrency=3)
    a = RedisLimiter(Redis.from_url(redis_url), "crossref", budget)
    b = RedisLimiter(Redis.from_url(redis_url), "crossref", budget)
    r = Redis.from_url(redis_url)
    planned = []
    for k in range(10):
        (a if k % 2 else b).reserve()
        planned.append(float(r.get(a.key)))  # the next free start, on Redis's clock
    # each start is at least 1/20 s after the one before, whichever worker asked
    assert all(p2 - p1 >= 0.05 - 1e-6 for p1, p2 in itertools.pairwise(planned))
    assert isinstance(limiter_for("crossref", None, redis_url=redis_url), RedisLimiter)
