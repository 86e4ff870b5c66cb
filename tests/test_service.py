"""The service: upload, queue, workers, reports — with a real Redis and real processes.

The bar of the issue: server + 2 workers + Redis; 40 documents submitted, one worker killed mid-run →
40 reports, none lost, none duplicated. Hostile names and files are refused or made inert.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
from pathlib import Path

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
    assert store.take_back(other) and not store.take_back(other)  # two sweepers: one requeues it
    assert store.info(other).status is JobStatus.QUEUED and store.lost() == []  # type: ignore[union-attr]
    assert store.counts() == {"done": 1, "queued": 1}
    store.fail(other, "unreadable")
    assert not store.start(other, "w2")  # failed for good: a stray RQ job does not run it again
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
    assert listing == {"count": 40, "statuses": {"done": 40}}  # counts, never other users' job ids


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
    chunked = httpx2.post(service.url + "/api/jobs", content=iter([b"--x\r\n"]), timeout=5,
                          headers={"content-type": "multipart/form-data; boundary=x"})
    assert chunked.status_code == 411  # no length, no upload: the body would be unbounded
    with socket.create_connection(("127.0.0.1", service.port), timeout=5) as s:  # a terabyte announced
        s.sendall(b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                  b"Content-Length: 1000000000000\r\n\r\n--x\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 413 ")  # refused before a byte of it is read


TEX = b"\\documentclass{article}\\begin{document}\nAs shown before \\cite{li2020}.\n\\bibliography{refs}\\end{document}\n"
BIB = b"@article{li2020,\n  author = {Li, An},\n  title = {A study of things},\n  journal = {J},\n  year = {2020}\n}\n"


@needs_redis
def test_latex_is_checked_with_the_bibliography_uploaded_with_it(service: Service) -> None:  # noqa: F811
    alone = _submit(service, [("paper.tex", TEX)])[0]
    together = {j["name"]: j["id"] for j in _submit(service, [("paper.tex", TEX), ("../refs.bib", BIB)])}
    assert set(together) == {"paper.tex", "refs.bib"}  # the .bib is also a document of its own
    ids = [alone["id"], *together.values()]
    store_url = service.url + "/api/jobs/"
    wait_until(lambda: all(httpx2.get(store_url + i, timeout=5).json()["status"] == "done" for i in ids), 60,
               "the three reports")

    def kinds(job_id: str) -> tuple[int, set[str]]:
        doc = httpx2.get(store_url + job_id + "/report.json", timeout=5).json()["documents"][0]
        return len(doc["references"]), {f["kind"] for f in doc["findings"]}

    assert kinds(alone["id"]) == (0, {"markers_without_list", "no_reference_list"})
    count, found = kinds(together["paper.tex"])
    assert count == 1 and "no_reference_list" not in found and "markers_without_list" not in found
    assert kinds(together["refs.bib"])[0] == 1


@needs_redis
def test_a_job_rq_abandoned_before_its_lease_is_queued_again_once(redis_url: str) -> None:  # noqa: F811
    """RQ reports a job whose worker died between dequeueing it and `check_job` as abandoned: back on
    the queue unless it has a report or is held by a live lease; other failures are not retried."""
    from types import SimpleNamespace

    from redis import Redis
    from rq import Queue
    from rq.exceptions import AbandonedJobError

    from citecheck.service.tasks import on_abandoned

    r = Redis.from_url(redis_url)
    store, queue = JobStore(r), Queue("citecheck", connection=r)
    waiting, running, done = (store.create(f"{k}.md", b"# t") for k in "abc")
    store.start(running, "w1")
    store.start(done, "w1")
    store.finish(done, "{}", "")
    for job_id in (waiting, running, done):
        on_abandoned(SimpleNamespace(args=[job_id]), r, AbandonedJobError, AbandonedJobError(), None)
    on_abandoned(SimpleNamespace(args=[waiting]), r, ValueError, ValueError(), None)
    assert [j.args[0] for j in queue.get_jobs()] == [waiting]  # the running one keeps its lease
    r.delete(f"citecheck:lease:{running}")
    on_abandoned(SimpleNamespace(args=[running]), r, AbandonedJobError, AbandonedJobError(), None)
    assert [j.args[0] for j in queue.get_jobs()] == [waiting, running]
    assert store.info(running).status is JobStatus.QUEUED  # type: ignore[union-attr]


@needs_redis
def test_worker_with_bad_settings_says_so_in_one_line(redis_url: str, tmp_path: Path) -> None:  # noqa: F811
    import subprocess

    from tests.service_fixtures import CITECHECK, worker_env

    env = dict(worker_env(tmp_path), CITECHECK_INDEX=str(tmp_path / "missing.sqlite"))
    run = subprocess.run([CITECHECK, "worker", "--redis", redis_url], env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"citecheck: error: worker not started: {tmp_path / 'missing.sqlite'}: "
                                               "no index file here (build one with `citecheck index add`)"]
    bad = subprocess.run([CITECHECK, "serve", "--redis", "redis://127.0.0.1:1/0"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("citecheck: error: cannot reach Redis at redis://127.0.0.1:1/0")


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
