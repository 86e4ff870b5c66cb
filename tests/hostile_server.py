"""A loopback HTTP server (127.0.0.1 only) whose every answer is chosen by the test: odd statuses,
non-JSON bodies, slow drips, huge and gzip-bombed bodies, NaN in JSON.

``HostileServer(respond).start()``: `respond(handler, path, query)` writes the whole response with the
helpers `send` / `drip`. Every request path is recorded in `paths`. Also used by the HTTP fuzz target.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Respond = Callable[["Handler", str, dict[str, str]], None]


class Handler(BaseHTTPRequestHandler):
    server_state: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        with self.server_state.lock:
            self.server_state.paths.append(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        try:
            self.server_state.respond(self, parts.path, query)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up: that is the point of many of these answers
        self.close_connection = True

    def send(self, status: int, body: bytes, ctype: str = "application/json",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def drip(self, body: bytes, every: float = 1.0, stop: threading.Event | None = None) -> None:
        """Headers at once, then one byte every `every` seconds (until the client leaves or `stop`)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        for i in range(len(body)):
            if stop is not None and stop.is_set():
                return
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            time.sleep(every)


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of zeros, gzip-compressed (about 1,000 times smaller)."""
    return gzip.compress(b"0" * size, compresslevel=9)


class HostileServer:
    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.url = ""
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> HostileServer:
        state = self

        class _H(Handler):
            server_state = state

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
