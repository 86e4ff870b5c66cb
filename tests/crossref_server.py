"""A Crossref-compatible HTTP server on 127.0.0.1 for client tests (no internet needed).

It speaks the parts of the REST API citecheck uses — ``/works?query.bibliographic=…&rows=…&select=…``,
``/works/{doi}`` and ``/works/{doi}/agency`` — in Crossref's envelope format,
answering from a `LocalIndex` built from the invented works below. Every
request is recorded (path, query, headers) so tests can assert etiquette, and
faults can be queued per test: HTTP errors with or without ``Retry-After``, a
hang past the client's timeout, a connection dropped mid-body, broken JSON,
a wrong content type.

Use the fixtures ``crossref_server`` and ``fixture_index`` by importing
`crossref_server_fixture` and `fixture_index_fixture` into a test module
(``# noqa: F401``; registering the module as a plugin in a root conftest works
too), or run ``python -m tests.crossref_server`` to serve on a free port
for manual experiments.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from citecheck.sources.convert import record_from_crossref, record_to_crossref
from citecheck.sources.index import LocalIndex

# Invented works (prefix 10.5555 is Crossref's test prefix). Written for these tests.
FIXTURE_WORKS: list[dict[str, Any]] = [
    {
        "DOI": "10.5555/JCE.2015.0012", "type": "journal-article",
        "title": ["Tidal rhythms in the foraging of intertidal crabs"],
        "author": [{"given": "Marta", "family": "Hollis", "sequence": "first"},
                   {"given": "Chidi", "family": "Okafor", "sequence": "additional"}],
        "container-title": ["Journal of Coastal Ecology"], "short-container-title": ["J Coast Ecol"],
        "issued": {"date-parts": [[2015, 3]]}, "volume": "12", "issue": "3", "page": "201-215",
        "ISSN": ["1234-5678", "8765-4321"], "language": "en", "subject": ["Ecology"],
        "abstract": "<jats:title>Abstract</jats:title><jats:p>Crabs forage by the <jats:italic>tide</jats:italic>.</jats:p>",
    },
    {
        "DOI": "10.5555/jce.2016.0007", "type": "journal-article",
        "title": ["Tidal rhythms in the foraging of subtidal crabs"],
        "author": [{"given": "Marta", "family": "Hollis", "sequence": "first"}],
        "container-title": ["Journal of Coastal Ecology"], "short-container-title": ["J Coast Ecol"],
        "issued": {"date-parts": [[2016]]}, "volume": "13", "issue": "1", "page": "5-19",
    },
    {
        "DOI": "10.5555/cjc.2019.05.001", "type": "journal-article",
        "title": ["基于深度学习的古籍文字识别研究"],
        "author": [{"given": "小明", "family": "王", "sequence": "first"},
                   {"given": "华", "family": "李", "sequence": "additional"}],
        "container-title": ["计算机学报"], "issued": {"date-parts": [[2019, 5]]},
        "volume": "42", "issue": "5", "page": "1001-1012", "language": "zh",
    },
    {
        "DOI": "10.5555/(SICI)1234-5678(199901)10:1<1::AID-TEST1>3.0.CO;2-X", "type": "journal-article",
        "title": ["A survey of sampling methods for rare plant populations"],
        "author": [{"given": "Ana", "family": "Ferreira", "sequence": "first"}],
        "container-title": ["Plant Survey Methods"], "issued": {"date-parts": [[1999, 1]]},
        "volume": "10", "issue": "1", "page": "1-14",
    },
    {
        "DOI": "10.5555/rin.2021.3", "type": "journal-article",
        "title": ["Reporting guidelines for reference audits"],
        "author": [{"name": "Citecheck Consortium", "sequence": "first"}],
        "container-title": ["Research Integrity Notes"], "issued": {"date-parts": [[2021, 11, 2]]},
        "volume": "4", "page": "e1033",
    },
    {
        "DOI": "10.5555/hsm.2018.c3", "type": "book-chapter",
        "title": ["Measuring citation accuracy"],
        "author": [{"given": "Jonas", "family": "Lindqvist", "sequence": "first"}],
        "editor": [{"given": "Priya", "family": "Raman", "sequence": "first"}],
        "container-title": ["Handbook of Scholarly Metadata"], "issued": {"date-parts": [[2018]]},
        "page": "45-67", "publisher": "Example Press", "ISBN": ["978-0-00-000000-2"],
    },
    {
        "DOI": "10.5555/fsst.2020.17", "type": "proceedings-article",
        "title": ["Fast substring search with trigram indexes"],
        "author": [{"given": "Lena", "family": "Vogt", "sequence": "first"},
                   {"given": "Omar", "family": "Haddad", "sequence": "additional"}],
        "container-title": ["Proceedings of the Workshop on Text Indexing"],
        "published-print": {"date-parts": [[2020, 6, 1]]}, "page": "17-25",
        "abstract": "<jats:p>We show that trigram indexes answer substring queries &amp; more.</jats:p>",
    },
]

# DOIs registered with other agencies (for /works/{doi}/agency).
OTHER_AGENCIES: dict[str, str] = {"10.5061/dryad.example1": "datacite"}


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


@dataclass
class Fault:
    """One queued misbehaviour; applies to the next `times` requests whose path contains `path`."""

    kind: str  # "status" | "hang" | "drop" | "malformed" | "wrong_type"
    times: int = 1
    status: int = 503
    retry_after: str | None = None
    json_body: bool = False
    seconds: float = 1.0
    path: str = ""


@dataclass
class CrossrefTestServer:
    index: LocalIndex
    agencies: dict[str, str] = field(default_factory=lambda: dict(OTHER_AGENCIES))
    requests: list[RecordedRequest] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    url: str = ""
    _httpd: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, kind: str, times: int = 1, **kw: Any) -> None:
        """Queue a fault, e.g. ``fail("status", 2, status=503)`` or ``fail("status", status=429, retry_after="1")``."""
        self.faults.append(Fault(kind, times, **kw))

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.path in path and f.times > 0:
                    f.times -= 1
                    if f.times == 0:
                        self.faults.remove(f)
                    return f
        return None

    def start(self) -> CrossrefTestServer:
        server = self

        class Handler(self.handler()):  # type: ignore[misc]
            state = server

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        threading.Thread(target=httpd.serve_forever, args=(0.05,), name="crossref-test-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def handler(self) -> type[_Handler]:
        """The request handler class (other API servers in tests/api_servers.py override it)."""
        return _Handler


def _envelope(message_type: str, message: Any) -> dict[str, Any]:
    return {"status": "ok", "message-type": message_type, "message-version": "1.0.0", "message": message}


class _Handler(BaseHTTPRequestHandler):
    state: CrossrefTestServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.state._lock:
            self.state.requests.append(RecordedRequest(
                "GET", path, query, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
        fault = self.state.take_fault(path)
        if fault is not None and self._apply(fault):
            return
        self._route(path, query)

    # ------------------------------------------------------------ faults
    def _apply(self, f: Fault) -> bool:
        """Misbehave as `f` says; False means 'then answer normally' (a hang that ends)."""
        if f.kind == "status":
            headers = {"Retry-After": f.retry_after} if f.retry_after is not None else {}
            if f.json_body:
                body = {"status": "failed", "message-type": "error",
                        "message": [{"type": "error", "message": f"status {f.status}"}]}
                self._send(f.status, json.dumps(body).encode(), "application/json", headers)
            else:
                self._send(f.status, b"Service unavailable, try later.", "text/plain", headers)
            return True
        if f.kind == "hang":
            time.sleep(min(f.seconds, 5.0))
            return False
        if f.kind == "drop":
            body = json.dumps(_envelope("work-list", {"items": [], "total-results": 0})).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) * 3))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return True
        if f.kind == "malformed":
            self._send(200, b'{"status": "ok", "message": {"items": [{"DOI": "10.5555/x"', "application/json")
            return True
        if f.kind == "wrong_type":
            self._send(200, b"<html><body>Maintenance</body></html>", "text/html; charset=utf-8")
            return True
        raise ValueError(f"unknown fault {f.kind}")

    # ------------------------------------------------------------ API
    def _route(self, path: str, query: dict[str, str]) -> None:
        if path.rstrip("/") == "/works":
            self._search(query)
        elif path.startswith("/works/") and path.endswith("/agency"):
            self._agency(path[len("/works/") : -len("/agency")])
        elif path.startswith("/works/"):
            self._work(path[len("/works/") :])
        else:
            self._not_found()

    def _search(self, query: dict[str, str]) -> None:
        rows = int(query.get("rows", "20"))
        text = query.get("query.bibliographic", "")
        records = self.state.index.search(text, rows) if text else []
        select = [s for s in query.get("select", "").split(",") if s]
        items = []
        for rec in records:
            item = record_to_crossref(rec)
            item["score"] = round(rec.score * 100, 3)
            if select:
                item = {k: v for k, v in item.items() if k in select}
            items.append(item)
        message = {"facets": {}, "total-results": len(items), "items": items, "items-per-page": rows,
                   "query": {"start-index": 0, "search-terms": None}}
        self._json(_envelope("work-list", message))

    def _work(self, doi: str) -> None:
        rec = self.state.index.get(doi)
        if rec is None:
            self._not_found()
        else:
            self._json(_envelope("work", record_to_crossref(rec)))

    def _agency(self, doi: str) -> None:
        doi = doi.lower()
        agency = "crossref" if self.state.index.get(doi) is not None else self.state.agencies.get(doi)
        if agency is None:
            self._not_found()
        else:
            label = {"crossref": "Crossref", "datacite": "DataCite"}.get(agency, agency)
            self._json(_envelope("work-agency", {"DOI": doi, "agency": {"id": agency, "label": label}}))

    def _not_found(self) -> None:
        self._send(404, b"Resource not found.", "text/plain")

    def _json(self, body: Any) -> None:
        self._send(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json;charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. after its timeout)


def build_fixture_index(path: Path) -> LocalIndex:
    """A `LocalIndex` at `path` holding `FIXTURE_WORKS`."""
    index = LocalIndex(path)
    index.add_records(record_from_crossref(w, "index") for w in FIXTURE_WORKS)
    index.refresh_stats()
    return index


@pytest.fixture(scope="session", name="fixture_index")
def fixture_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> LocalIndex:
    return build_fixture_index(tmp_path_factory.mktemp("crossref-server") / "index.sqlite")


@pytest.fixture(name="crossref_server")
def crossref_server_fixture(fixture_index: LocalIndex) -> Iterator[CrossrefTestServer]:
    """A running server with no faults queued and an empty request log."""
    server = CrossrefTestServer(fixture_index).start()
    try:
        yield server
    finally:
        server.stop()


def main() -> None:  # pragma: no cover - manual use
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        server = CrossrefTestServer(build_fixture_index(Path(tmp) / "index.sqlite")).start()
        print(f"Crossref-compatible test server at {server.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
