"""A real Redis, `citecheck serve` and `citecheck worker` processes on loopback ports, for the service tests.

Needs Debian's `redis-server` (CI installs it); skipped with the reason when it is missing, unless
``CITECHECK_REQUIRE_REDIS=1`` (CI), where a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REDIS_SERVER = shutil.which("redis-server")
DEMO = Path(__file__).resolve().parent.parent / "citecheck" / "data" / "demo"
CITECHECK = str(Path(sys.executable).parent / "citecheck")

if os.environ.get("CITECHECK_REQUIRE_REDIS") and REDIS_SERVER is None:
    raise RuntimeError("CITECHECK_REQUIRE_REDIS is set but redis-server is missing")

needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server (apt-get install -y redis-server)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check, timeout: float, what: str, every: float = 0.1) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([REDIS_SERVER or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        from redis import Redis

        wait_until(lambda: _pings(Redis.from_url(url)), 10, "redis-server")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _pings(r) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(r.ping())
    except Exception:
        return False


def worker_env(tmp_path: Path) -> dict[str, str]:
    """An offline worker on the demo index (no network; support scoring off: these tests are about the queue)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env.update(CITECHECK_OFFLINE="1", CITECHECK_INDEX=str(DEMO / "index.jsonl"), CITECHECK_SUPPORT="0",
               CITECHECK_CACHE_DIR=str(tmp_path / "cache"), CITECHECK_SOURCES="crossref", OMP_NUM_THREADS="1",
               PYTHONUNBUFFERED="1")
    return env


class Service:
    """A server and workers started for one test; stopped (killed if need be) at its end."""

    def __init__(self, redis_url: str, tmp_path: Path) -> None:
        self.redis_url = redis_url
        self.tmp = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []

    def start(self, workers: int = 2) -> Service:
        env = worker_env(self.tmp)
        log = open(self.tmp / "serve.log", "wb")
        self.logs.append(log)
        self.procs.append(subprocess.Popen([CITECHECK, "serve", "--redis", self.redis_url, "--port", str(self.port)],
                                           env=env, stdout=log, stderr=subprocess.STDOUT))
        for k in range(workers):
            wlog = open(self.tmp / f"worker{k}.log", "wb")
            self.logs.append(wlog)
            proc = subprocess.Popen([CITECHECK, "worker", "--redis", self.redis_url], env=env, stdout=wlog,
                                    stderr=subprocess.STDOUT)
            self.procs.append(proc)
            self.workers.append(proc)
        wait_until(self._up, 30, "citecheck serve")
        return self

    def _up(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/api/jobs", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in self.logs:
            log.close()


@pytest.fixture
def service(redis_url: str, tmp_path: Path) -> Iterator[Service]:
    svc = Service(redis_url, tmp_path)
    try:
        yield svc.start()
    finally:
        svc.stop()
