"""Response cache: round trip, normalised keys, corrupt-file recovery, two writing processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from citecheck.sources.cache import CACHE_FILE, ResponseCache, default_cache_dir, request_key

BASE = "http://127.0.0.1:1"


def test_round_trip_and_info(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    assert cache.path == tmp_path / CACHE_FILE
    key = request_key(BASE, "/works", {"rows": 5, "query.bibliographic": "Tidal  rhythms\n crabs"})
    body = {"status": "ok", "message": {"items": [{"DOI": "10.5555/x", "title": ["潮汐"]}]}}
    assert cache.get(key) is None
    cache.put(key, 200, body)
    cache.put(request_key(BASE, "/works/10.5555/none"), 404, None)
    hit = cache.get(key)
    assert hit is not None and hit.status == 200 and hit.body == body and hit.fetched_at <= time.time()
    assert cache.get(key, max_age=3600) is not None and cache.get(key, max_age=-1) is None
    info = cache.info()
    assert info["entries"] == 2 and info["by_status"] == {"200": 1, "404": 1} and info["size_bytes"] > 0
    # a second instance (another run) sees the same data
    assert ResponseCache(tmp_path / CACHE_FILE).get(key) == hit
    assert cache.clear() == 2 and len(cache) == 0


def test_keys_are_normalised() -> None:
    a = request_key(BASE + "/", "/works", {"rows": 5, "query.bibliographic": "A  b\nc", "select": "DOI,title"})
    b = request_key(BASE, "/works", {"select": "DOI,title", "query.bibliographic": " A b c ", "rows": "5"})
    assert a == b
    assert request_key(BASE, "/works", {"query.bibliographic": "A b d"}) != request_key(
        BASE, "/works", {"query.bibliographic": "A b c"})


def test_default_location_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment is read by the settings (one place), which name the cache directory."""
    from citecheck.config import load_settings

    monkeypatch.setenv("CITECHECK_CACHE_DIR", str(tmp_path / "env-cache"))
    cache_dir = load_settings().cache_dir
    assert cache_dir == tmp_path / "env-cache"
    assert ResponseCache(cache_dir).path == tmp_path / "env-cache" / CACHE_FILE
    assert default_cache_dir() != cache_dir  # the platform default does not read the environment


def test_corrupt_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"this is not an sqlite database at all" * 100)
    cache = ResponseCache(tmp_path)
    cache.put("k", 200, {"a": 1})
    assert cache.get("k") is not None
    aside = list(tmp_path.glob(f"{CACHE_FILE}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")


def test_corruption_found_while_open_is_repaired(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put("k", 200, {"a": 1})
    cache.close()
    # Damage the database header behind the cache's back.
    raw = bytearray(cache.path.read_bytes())
    raw[:16] = b"garbage garbage!"
    cache.path.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        Path(f"{cache.path}{suffix}").unlink(missing_ok=True)
    assert cache.get("k") is None  # reopened, found corrupt, moved aside
    cache.put("k2", 200, {"b": 2})
    assert cache.get("k2") is not None and list(tmp_path.glob("*.corrupt-*"))


def _writer(path: str, worker: int, n: int) -> None:
    cache = ResponseCache(path)
    for i in range(n):
        cache.put(f"w{worker}-{i}", 200, {"worker": worker, "i": i, "pad": "x" * 200})
        cache.put("shared", 200, {"worker": worker, "i": i})
        assert cache.get(f"w{worker}-{i}") is not None
    cache.close()


def test_two_processes_write_concurrently(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w, 150)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    cache = ResponseCache(tmp_path)
    assert len(cache) == 2 * 150 + 1
    assert cache.get("shared").body["i"] == 149  # type: ignore[union-attr]
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
