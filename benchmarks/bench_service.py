"""The service end to end: documents per hour through `citecheck serve` + N `citecheck worker`s.

The same twenty documents as bench-jobs (the demo, the two samples, the realdocs PDFs, Word, LaTeX,
.bib/.bbl) are uploaded in one request to a server on a fresh `redis-server`, and checked offline
against the demo index by 1, then 2 workers (fresh cache each run, workers started and warm before the
upload). Wall time runs from the upload to the last stored report; the throughput per hour is
`documents / wall × 3600`. The JSON reports must equal `check --jobs 1`'s for each document (apart
from `generated_at` and the document name, which the service takes from the upload).

    python benchmarks/bench_service.py [--no-write] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_jobs import DEMO_INDEX, documents
from common import write_section

CITECHECK = str(Path(sys.executable).parent / "citecheck")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet (connection refused, Redis loading…)
            pass
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


def _comparable(report: dict) -> dict:
    """One document's JSON report without what legitimately differs between runs and front-ends."""
    report.pop("generated_at", None)
    for doc in report.get("documents", []):
        doc.pop("document", None)
    return report


def first_difference(a: object, b: object, where: str = "") -> str | None:
    """Where two JSON values first differ (a path and both values, shortened), or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            found = first_difference(a.get(key), b.get(key), f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items vs {len(b)}"
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{where}[{k}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {str(a)[:80]!r} vs {str(b)[:80]!r}"


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (Linux ``VmHWM``), in MB; 0 where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_service(docs: list[Path], workers: int, tmp: Path) -> tuple[float, list[dict], float]:
    """Seconds from upload to the last report with `workers` workers, the reports in upload order, and
    the largest worker's peak memory (MB)."""
    tmp.mkdir(parents=True, exist_ok=True)
    redis_port, http_port = _port(), _port()
    url = f"redis://127.0.0.1:{redis_port}/0"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env.update(CITECHECK_OFFLINE="1", CITECHECK_INDEX=str(DEMO_INDEX), CITECHECK_CACHE_DIR=str(tmp / "cache"),
               OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")
    procs = [subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL)]
    try:
        from redis import Redis

        _wait(lambda: Redis.from_url(url).ping(), 10, "redis-server")
        procs.append(subprocess.Popen([CITECHECK, "serve", "--redis", url, "--port", str(http_port)], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(workers):
            procs.append(subprocess.Popen([CITECHECK, "worker", "--redis", url], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{http_port}"
        _wait(lambda: httpx2.get(base + "/api/jobs", timeout=2).status_code == 200, 30, "citecheck serve")
        # warm: every worker has registered with RQ (it opens its sources before that)
        _wait(lambda: len(Redis.from_url(url).smembers("rq:workers")) >= workers, 120, "the workers")
        files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in docs]
        t = time.perf_counter()
        answer = httpx2.post(base + "/api/jobs", files=files, timeout=120).json()
        ids = [j["id"] for j in answer["jobs"]]

        def done() -> bool:  # one cheap request a poll: the bench must not take CPU from the workers
            counts = httpx2.get(base + "/api/jobs", timeout=5).json()["statuses"]
            return counts.get("done", 0) + counts.get("failed", 0) == len(ids)

        _wait(done, 1800, "the reports")
        wall = time.perf_counter() - t
        reports = [httpx2.get(f"{base}/api/jobs/{i}/report.json", timeout=30).json() for i in ids]
        return wall, reports, max(peak_rss_mb(p.pid) for p in procs[2:])
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def serial_reports(docs: list[Path], tmp: Path) -> tuple[float, list[dict]]:
    """`check --jobs 1` on the same documents: its wall time and each document's report alone."""
    out = tmp / "serial.json"
    t = time.perf_counter()
    subprocess.run([CITECHECK, "check", *map(str, docs), "--offline", "--index", str(DEMO_INDEX), "--cache-dir",
                    str(tmp / "serial-cache"), "--fail-on", "never", "-o", str(out), "--jobs", "1"],
                   check=True, env=dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    batch = json.loads(out.read_text(encoding="utf-8"))
    return wall, [{"documents": [d]} for d in batch["documents"]]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    if shutil.which("redis-server") is None:
        print("bench-service skipped: no redis-server (apt-get install -y redis-server)", file=sys.stderr)
        return 0
    docs = documents()
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    rows = []
    try:
        serial_wall, serial = serial_reports(docs, tmp)
        want = [_comparable(r)["documents"] for r in serial]
        n_refs = sum(len(d.get("references", [])) for docs_ in want for d in docs_)
        for n in (int(x) for x in args.workers.split(",")):
            wall, reports, rss = run_service(docs, n, tmp / f"w{n}")
            got = [_comparable(r)["documents"] for r in reports]
            same = got == want
            if not same:
                print(f"{n} worker(s): {first_difference(want, got)}", file=sys.stderr)
            rows.append((n, wall, same, rss))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        "## The service (`make bench-service`)",
        "",
        f"`python benchmarks/bench_service.py` — the {len(docs)} documents of bench-jobs uploaded in one request to "
        "`citecheck serve` on a fresh `redis-server`, checked offline against the demo index by warm "
        f"`citecheck worker` processes on this {os.cpu_count()}-core machine; wall time from the upload to the "
        f"last stored report. For comparison, `check --jobs 1` (one process, models loaded inside its wall "
        f"time) took {serial_wall:.1f} s. Wall times depend on what else the machine runs (load average "
        f"{os.getloadavg()[0]:.1f} at the end of this run).",
        "",
        f"The documents hold {n_refs} references ({n_refs / len(docs):.0f} a document).",
        "",
        "| workers | wall s | documents / hour | references / hour | peak memory of a worker | reports |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for n, wall, same, rss in rows:
        lines.append(f"| {n} | {wall:.1f} | {len(docs) / wall * 3600:,.0f} | {n_refs / wall * 3600:,.0f} | {rss:,.0f} MB | "
                     f"{'same as check --jobs 1' if same else 'DIFFERENT from check --jobs 1'} |")
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("bench-service", body)
    return 0 if all(row[2] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
