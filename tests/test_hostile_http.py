"""The Crossref client against a hostile loopback server (`tests/hostile_server.py`, 127.0.0.1 only).

Classes: an odd status or a non-JSON / non-envelope body from any endpoint (the reference is
``unchecked`` with a reason, a 404 on a DOI is "not found", nothing odd is cached, a bad cached row is
ignored); slow drips (a deadline on the whole request); huge and gzip-bombed bodies (a byte cap,
decompressed included); NaN/Infinity (refused at parse); DOIs with dot segments (stay under /works/);
Ctrl-C (waits end at once, finished documents are reported).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.sources import cache as cache_module
from citecheck.sources import http as http_module
from citecheck.sources.base import SourceUnavailable
from citecheck.sources.cache import ResponseCache, request_key
from citecheck.sources.crossref import SELECT_FIELDS, CrossrefClient
from citecheck.sources.http import cancelled
from citecheck.sources.retry import RetryPolicy
from tests.hostile_server import Handler, HostileServer, gzip_bomb

ROOT = Path(__file__).resolve().parent.parent
WORK = {"DOI": "10.5555/ok.1", "type": "journal-article", "title": ["Tidal rhythms of crabs"],
        "author": [{"given": "Marta", "family": "Hollis"}], "container-title": ["J Coast Ecol"],
        "issued": {"date-parts": [[2015]]}, "volume": "12", "page": "201-215"}


def envelope(message: Any, kind: str = "work-list") -> bytes:
    return json.dumps({"status": "ok", "message-type": kind, "message": message}).encode()


def work_list(*items: Any) -> bytes:
    return envelope({"items": list(items), "total-results": len(items)})


@pytest.fixture(autouse=True)
def _not_cancelled() -> Iterator[None]:
    cancelled.clear()
    yield
    cancelled.clear()


def client(url: str, cache: ResponseCache | None = None, timeout: float = 1.0, tries: int = 2,
           **kw: Any) -> CrossrefClient:
    return CrossrefClient("t@example.org", base_url=url, cache=cache, timeout=timeout,
                          retry=RetryPolicy(tries=tries, backoff=0.01, total=20, cooldown=0,
                                            max_consecutive_failures=0), **kw)


def serve(respond: Callable[[Handler, str, dict[str, str]], None]) -> HostileServer:
    return HostileServer(respond).start()


# ---------------------------------------------------------------- odd statuses and bodies

ODD_ANSWERS: dict[str, Callable[[Handler], None]] = {
    "404 text": lambda h: h.send(404, b"Resource not found.", "text/plain"),
    "404 json": lambda h: h.send(404, b'{"status":"failed","message":"no"}'),
    "400 json": lambda h: h.send(400, b'{"status":"failed","message":[{"type":"x"}]}'),
    "410 html": lambda h: h.send(410, b"<html>gone</html>", "text/html"),
    "301": lambda h: h.send(301, b"", "text/plain", {"Location": "http://127.0.0.1:9/"}),
    "204 empty": lambda h: h.send(204, b"", "application/json"),
    "200 empty": lambda h: h.send(200, b""),
    "200 array": lambda h: h.send(200, b"[1, 2, 3]"),
    "200 null": lambda h: h.send(200, b"null"),
    "200 message string": lambda h: h.send(200, b'{"status":"ok","message":"x"}'),
    "200 items of junk": lambda h: h.send(200, work_list(1, "x", None, [], {"DOI": 5}, {"title": "t"})),
    "200 agency junk": lambda h: h.send(200, envelope({"agency": "crossref"}, "work-agency")),
    "200 html": lambda h: h.send(200, b"<html>maintenance</html>", "text/html"),
    "200 latin-1 garbage": lambda h: h.send(200, "\xff\xfe{caf\xe9".encode("latin-1")),
    "200 NaN": lambda h: h.send(200, work_list({**WORK, "score": float("nan")})),
    "200 deep": lambda h: h.send(200, b"[" * 100000 + b"]" * 100000),
    "200 bad gzip": lambda h: h.send(200, b"\x1f\x8b\x08\x00garbage", "application/json",
                                     {"Content-Encoding": "gzip"}),
    "200 unknown encoding": lambda h: h.send(200, b"xx", "application/json", {"Content-Encoding": "br2"}),
}


@pytest.mark.parametrize("answer", sorted(ODD_ANSWERS))
def test_odd_answers_from_every_endpoint_are_unavailable_never_data(answer: str, tmp_path: Path) -> None:
    with serve(lambda h, path, q: ODD_ANSWERS[answer](h)) as srv:
        cache = ResponseCache(tmp_path)
        c = client(srv.url, cache)
        with pytest.raises(SourceUnavailable) as search_err:
            c.search("Hollis tidal rhythms 2015", rows=5)
        assert search_err.value.reason
        try:
            found = c.lookup("10.5555/ok.1")
        except SourceUnavailable as exc:
            assert exc.reason
        else:  # only a 404 from the DOI endpoints may mean "no such DOI"
            assert answer.startswith("404") and found.status == "not_registered"
        statuses = {row[0] for row in sqlite3.connect(cache.path).execute("SELECT status FROM responses")}
        assert statuses <= ({404} if answer.startswith("404") else set())
        c.close()
        cache.close()


def test_a_search_404_does_not_crash_the_run_nor_the_rerun(tmp_path: Path) -> None:
    """The reported case: a 404 from /works made `check` exit 3 with a TypeError; the cached 404 then
    crashed every rerun, --offline included."""
    from tests.reliability_docs import make_document, make_works

    doc = tmp_path / "paper.md"
    doc.write_text(make_document(make_works(4)), encoding="utf-8")
    cache = tmp_path / "cache"
    # a cache as an older version left it: a 404 stored for a search
    rc = ResponseCache(cache)
    rc.put(request_key("http://127.0.0.1:9", "/works", {"q": "x"}), 404, None)
    rc.close()
    with serve(lambda h, path, q: h.send(404, b"Resource not found.", "text/plain")) as srv:
        env = {"CITECHECK_CROSSREF_URL": srv.url, "CITECHECK_SOURCES": "crossref", "CITECHECK_MAILTO": "t@example.org",
               "CITECHECK_INDEX": "",
               "XDG_DATA_HOME": str(tmp_path / "data"), "CITECHECK_TIMEOUT": "2", "CITECHECK_RETRIES": "1",
               "CITECHECK_COOLDOWN": "0"}
        for extra in ([], ["--offline"]):
            out = tmp_path / "r.json"
            result = CliRunner().invoke(app, ["check", str(doc), "--cache-dir", str(cache), "--no-support",
                                              "--fail-on", "never", "-o", str(out), *extra], env=env)
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
            assert result.exit_code == 0, result.stderr
            refs = json.loads(out.read_text())["documents"][0]["references"]
            assert len(refs) == 4
            assert {r["match"]["verdict"] for r in refs} == {"unchecked"}
            assert all(r["match"]["reason"] for r in refs)
    db = sqlite3.connect(cache / "responses.sqlite")
    assert db.execute("SELECT count(*) FROM responses WHERE key LIKE '%/works?%' AND status = 404"
                      ).fetchone()[0] == 1  # only the old row; no new search 404 was stored


def test_bad_cached_rows_are_ignored(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9"
    params = {"query.bibliographic": "q", "rows": 5, "select": ",".join(SELECT_FIELDS)}
    key = request_key(url, "/works", params)
    cache = ResponseCache(tmp_path)
    conn = sqlite3.connect(cache.path)
    for status, body in [(404, None), (200, "[1]"), (200, "{not json"), (500, '{"a":1}'), (200, '{"x": NaN}'),
                         (200, '{"status":"ok","message":{"items":[1,2]}}')]:
        conn.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?)", (key, status, body, time.time()))
        conn.commit()
        c = client(url, cache, offline=True)
        with pytest.raises(SourceUnavailable):
            c.search("q")
        assert c.cached().search("q") in ([],)
    conn.close()
    cache.close()


# ---------------------------------------------------------------- hangs


def test_a_slow_drip_ends_at_the_whole_request_deadline() -> None:
    stop = threading.Event()
    with serve(lambda h, path, q: h.drip(work_list(WORK), every=0.2, stop=stop)) as srv:
        c = client(srv.url, timeout=1.0, tries=2)
        started = time.monotonic()
        with pytest.raises(SourceUnavailable) as err:
            c.search("Hollis tidal rhythms 2015")
        took = time.monotonic() - started
        stop.set()
    assert "timeout" in err.value.reason
    assert took < 8, took  # 2 tries x 1 s deadline (+ backoff); per-read timeouts would take ~1,500 s


def test_headers_dripped_a_byte_at_a_time_end_at_the_deadline_too() -> None:
    """The status line and headers, one byte every 0.2 s: httpx's per-read timeout never fires, and the
    body loop is not reached yet; the deadline is enforced at the socket (`http._DeadlineStream`)."""
    stop = threading.Event()

    def respond(h: Handler, path: str, q: dict[str, str]) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Pad: " + b"a" * 400 + b"\r\n\r\n"
        for i in range(len(head)):
            if stop.is_set():
                return
            h.wfile.write(head[i:i + 1])
            h.wfile.flush()
            time.sleep(0.2)

    with serve(respond) as srv:
        c = client(srv.url, timeout=1.0, tries=2)
        started = time.monotonic()
        with pytest.raises(SourceUnavailable) as err:
            c.search("x")
        took = time.monotonic() - started
        stop.set()
    assert "timeout" in err.value.reason
    assert took < 8, took


def test_a_server_that_never_answers_ends_at_the_deadline() -> None:
    stop = threading.Event()
    with serve(lambda h, path, q: stop.wait(30)) as srv:
        c = client(srv.url, timeout=0.5, tries=2)
        started = time.monotonic()
        with pytest.raises(SourceUnavailable):
            c.lookup("10.5555/x.1")
        stop.set()
    assert time.monotonic() - started < 6


def test_backoff_waits_end_when_the_run_is_interrupted() -> None:
    with serve(lambda h, path, q: h.send(503, b"busy", "text/plain")) as srv:
        c = CrossrefClient("t@example.org", base_url=srv.url, timeout=1.0, retry=RetryPolicy(
            tries=5, backoff=30, max_backoff=30, total=600, cooldown=0))
        threading.Timer(0.5, cancelled.set).start()
        started = time.monotonic()
        with pytest.raises(SourceUnavailable) as err:
            c.search("x")
        assert time.monotonic() - started < 5
        assert "interrupted" in err.value.reason


@pytest.mark.parametrize("hang", ["drip", "silent"])
def test_ctrl_c_during_a_hanging_request_ends_promptly_and_reports_the_finished_documents(tmp_path: Path,
                                                                                        hang: str) -> None:
    """Two documents; Crossref answers the first at once and, for the second, drips a byte every 0.5 s or
    says nothing at all (timeout 60 s). SIGINT while the second hangs: the process ends within seconds,
    exit 130, and the report holds the first document."""
    from tests.reliability_docs import make_document, make_works

    works = make_works(6)
    (tmp_path / "a.md").write_text(make_document(works[:3], "First"), encoding="utf-8")
    (tmp_path / "b.md").write_text(make_document(works[3:], "Second"), encoding="utf-8")
    dripping = threading.Event()
    stop = threading.Event()

    def respond(h: Handler, path: str, q: dict[str, str]) -> None:
        text = q.get("query.bibliographic", "").lower()
        if any(f"site {i}" in text for i in (4, 5, 6)):
            dripping.set()
            if hang == "drip":
                h.drip(work_list(WORK), every=0.5, stop=stop)
            else:
                stop.wait(60)
        else:
            h.send(200, work_list())

    with serve(respond) as srv:
        out = tmp_path / "report.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CITECHECK_CROSSREF_URL": srv.url,
               "CITECHECK_MAILTO": "t@example.org", "CITECHECK_INDEX": "", "XDG_DATA_HOME": str(tmp_path / "d"),
               "CITECHECK_TIMEOUT": "60", "CITECHECK_RETRY_BUDGET": "600", "CITECHECK_WORKERS": "2"}
        # the child takes Ctrl-C as a terminal delivers it, whatever the runner's own disposition: a runner started
        # in the background of a non-interactive shell (`make test &`) ignores SIGINT, and an ignored signal is
        # inherited across exec (a handled one is reset to its default) — the CLI would never see the interrupt
        runner_sigint = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            proc = subprocess.Popen([sys.executable, "-m", "citecheck", "check", str(tmp_path / "a.md"),
                                     str(tmp_path / "b.md"), "--no-support", "--fail-on", "never", "--cache-dir",
                                     str(tmp_path / "cache"), "-o", str(out)], env=env, stderr=subprocess.PIPE,
                                    text=True)
        finally:
            signal.signal(signal.SIGINT, runner_sigint)
        try:
            assert dripping.wait(30), "the second document never reached the server"
            time.sleep(0.5)
            proc.send_signal(signal.SIGINT)
            started = time.monotonic()
            _, stderr = proc.communicate(timeout=30)
            took = time.monotonic() - started
        finally:
            stop.set()
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, stderr
    assert took < 10, took
    assert "Traceback" not in stderr
    docs = json.loads(out.read_text())["documents"]
    assert [Path(d["document"]).name for d in docs] == ["a.md"]


# ---------------------------------------------------------------- memory


def test_a_huge_body_is_refused_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "MAX_RESPONSE_BYTES", 65536)
    big = work_list(*([WORK] * 2000))  # ~600 kB
    with serve(lambda h, path, q: h.send(200, big)) as srv:
        with pytest.raises(SourceUnavailable) as err:
            client(srv.url).search("x")
    assert "too large" in err.value.reason


def test_a_chunked_huge_body_without_length_is_cut_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "MAX_RESPONSE_BYTES", 65536)

    def respond(h: Handler, path: str, q: dict[str, str]) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Connection", "close")
        h.end_headers()
        for _ in range(200):  # 200 x 64 kB, no Content-Length
            h.wfile.write(b" " * 65536)

    with serve(respond) as srv:
        with pytest.raises(SourceUnavailable) as err:
            client(srv.url).search("x")
    assert "too large" in err.value.reason


def test_a_gzip_bomb_is_refused_without_inflating_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "MAX_RESPONSE_BYTES", 1048576)
    bomb = gzip_bomb(200 * 1024 * 1024)  # 200 MB of zeros in ~200 kB
    with serve(lambda h, path, q: h.send(200, bomb, "application/json", {"Content-Encoding": "gzip"})) as srv:
        import tracemalloc

        tracemalloc.start()
        with pytest.raises(SourceUnavailable) as err:
            client(srv.url).search("x")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert "too large" in err.value.reason
    assert peak < 50 * 1024 * 1024, peak


def test_a_gzipped_normal_answer_is_read() -> None:
    import gzip as gz

    body = gz.compress(work_list(WORK))
    with serve(lambda h, path, q: h.send(200, body, "application/json", {"Content-Encoding": "gzip"})) as srv:
        (rec,) = client(srv.url).search("x")
    assert rec.doi == "10.5555/ok.1"


def test_the_cache_stores_and_loads_nothing_over_its_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_BODY_CHARS", 4096)
    cache = ResponseCache(tmp_path)
    cache.put("k", 200, {"x": "y" * 10000})
    assert cache.get("k") is None
    conn = sqlite3.connect(cache.path)
    conn.execute("INSERT INTO responses VALUES ('big', 200, ?, ?)", (json.dumps({"x": "y" * 10000}), time.time()))
    conn.commit()
    assert cache.get("big") is None
    cache.put("small", 200, {"x": 1})
    assert cache.get("small").body == {"x": 1}


# ---------------------------------------------------------------- NaN, DOI paths


def test_nan_never_reaches_the_cache(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put("k", 200, {"x": float("nan")})
    assert cache.get("k") is None
    body = b'{"status":"ok","message":{"items":[{"DOI":"10.5555/x","score":Infinity}]}}'
    with serve(lambda h, path, q: h.send(200, body)) as srv:
        with pytest.raises(SourceUnavailable) as err:
            client(srv.url, cache).search("x")
    assert "malformed" in err.value.reason
    assert len(cache) == 0


@pytest.mark.parametrize("doi", ["10.1000/../../x", "10.1000/./x", "10.1000/..", "10.1000/a/../../../etc"])
def test_a_doi_with_dot_segments_stays_a_doi(doi: str) -> None:
    with serve(lambda h, path, q: h.send(404, b"no", "text/plain")) as srv:
        c = client(srv.url)
        c.lookup(doi)
    assert srv.paths and all(p.startswith("/works/10.1000/") for p in srv.paths), srv.paths


def test_the_fuzz_targets_for_http_and_docx_accept_random_answers() -> None:
    """`make fuzz` feeds these; a few fixed mutations here keep them working."""
    import random

    from fuzz.targets import run_docx, run_http

    rng = random.Random(3)
    seed = b'\x00\x00{"status":"ok","message":{"items":[{"DOI":"10.5555/x.1","title":["Tidal"]}]}}'
    for _ in range(25):
        data = bytearray(seed)
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        run_http(bytes(data))
        run_docx(bytes([1]) + bytes(data[2:]))
