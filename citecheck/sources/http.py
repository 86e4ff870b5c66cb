"""One bounded HTTP GET: a deadline on the whole request, a cap on the bytes read, strict JSON.

Why: httpx's ``timeout`` is per read, so a server that sends its headers and
then one byte a second keeps a request alive for as long as it likes; and
``response.content`` reads (and decompresses) whatever arrives, so a huge or
gzip-bombed body is held in memory whole. `bounded_get` streams the raw body,
decompresses it itself with an output cap (`zlib` ``max_length``), stops at
the deadline or the cap, and returns an ordinary in-memory response whose
``json()`` refuses ``NaN``/``Infinity`` (not JSON; they would poison the
cache and make the reports invalid JSON).

`cancelled` is the process-wide "the user pressed Ctrl-C" flag: worker
threads stop between chunks, and `wait` (the backoff sleep) returns at once.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import weakref
import zlib
from typing import Any

import httpx2

from citecheck.version import __version__

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
"""A Crossref answer with ``select`` is a few kB (a work list of 5 rows, ≈ 20 kB); 8 MB is generous."""

cancelled = threading.Event()
"""Set when the run is interrupted: waits end, streaming reads stop."""


class ResponseTooLarge(Exception):
    """The body (after decompression) is larger than the cap: refused, not retried."""


class ResponseUnreadable(Exception):
    """The body cannot be decoded (unknown or broken content encoding)."""


class Interrupted(Exception):
    """The run was interrupted (Ctrl-C) while this request was under way."""


def wait(seconds: float) -> None:
    """Sleep that ends at once when the run is interrupted (then raises `Interrupted`)."""
    if seconds > 0 and cancelled.wait(seconds):
        raise Interrupted("interrupted")
    if cancelled.is_set():
        raise Interrupted("interrupted")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def exception_chain(exc: BaseException) -> list[BaseException]:
    """`exc` and every exception it was raised from or while handling, outermost first."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    return chain


def unresolved_host(exc: BaseException) -> str | None:
    """Why the server's name could not be looked up (``Name or service not known``, ``Temporary failure in
    name resolution``), or None. Not retried: without a network or a resolver, retrying waits for nothing,
    and a run asking four sources would otherwise spend a minute learning that it is offline."""
    for e in exception_chain(exc):
        if isinstance(e, socket.gaierror):
            return e.strerror or str(e)
    return None


def strict_loads(data: str | bytes) -> Any:
    """`json.loads` that refuses ``NaN``, ``Infinity`` and ``-Infinity``."""
    return json.loads(data, parse_constant=_reject_constant)


class StrictResponse(httpx2.Response):
    """An in-memory response whose ``json()`` refuses non-finite numbers."""

    def json(self, **kwargs: Any) -> Any:
        return strict_loads(self.content)


def _decoder(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise ResponseUnreadable(f"unsupported content encoding {encoding!r}")


def bounded_get(client: httpx2.Client, url: Any, *, deadline: float, max_bytes: int | None = None,
                params: Any = None, headers: Any = None, timeout: Any = None, **_: Any) -> StrictResponse:
    """GET `url` through `client`; the whole request ends by `deadline` (``time.monotonic()``) and reads
    at most `max_bytes` of (decompressed) body. Raises ``httpx2.ReadTimeout`` past the deadline,
    `ResponseTooLarge` over the cap, `Interrupted` on Ctrl-C."""
    cap = max_bytes if max_bytes is not None else MAX_RESPONSE_BYTES
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpx2.ReadTimeout("deadline for the whole request passed before it was sent")
    hdrs = dict(headers or {})
    hdrs["Accept-Encoding"] = "gzip, deflate"
    with client.stream("GET", url, params=params, headers=hdrs, timeout=httpx2.Timeout(left)) as r:
        decoder = _decoder(r.headers.get("content-encoding", ""))
        declared = r.headers.get("content-length", "")
        if decoder is None and declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(f"response too large ({int(declared):,} bytes declared, cap {cap:,})")
        chunks: list[bytes] = []
        total = 0
        for raw in r.iter_raw():  # as the bytes arrive (a chunk_size would buffer past the deadline)
            if cancelled.is_set():
                raise Interrupted("interrupted")
            if time.monotonic() > deadline:
                raise httpx2.ReadTimeout("whole-request deadline passed while reading the body",
                                         request=r.request)
            pending = raw
            while pending:
                if decoder is None:
                    out, pending = pending, b""
                else:
                    try:
                        out = decoder.decompress(pending, cap - total + 1)
                    except zlib.error as exc:
                        raise ResponseUnreadable(f"broken compressed body ({exc})") from None
                    pending = decoder.unconsumed_tail
                total += len(out)
                if total > cap:
                    raise ResponseTooLarge(f"response too large (over {cap:,} bytes)")
                chunks.append(out)
                if decoder is not None and not out:
                    break
        keep = [(k, v) for k, v in r.headers.multi_items()
                if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return StrictResponse(r.status_code, headers=keep, content=b"".join(chunks), request=r.request)


# ---------------------------------------------------------------- the deadline at the socket

_deadline = threading.local()


def set_deadline(at: float | None) -> None:
    """The whole-request deadline (``time.monotonic()``) for this thread's requests; None for none."""
    _deadline.at = at


def _clamp(timeout: float | None) -> float | None:
    """A socket operation's timeout, cut to what is left of this thread's request deadline."""
    import httpcore2

    if cancelled.is_set():
        raise Interrupted("interrupted")
    at = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore2.ReadTimeout("whole-request deadline passed")
    return left if timeout is None else min(timeout, left)


_open_streams: weakref.WeakSet[_DeadlineStream] = weakref.WeakSet()


def abort_all() -> None:
    """Ctrl-C: set `cancelled` and shut down every open connection, so a worker blocked in a read on a
    silent server returns now rather than at its timeout (the interpreter waits for workers at exit)."""
    cancelled.set()
    for stream in list(_open_streams):
        stream.shutdown()


class _DeadlineStream:
    """A network stream whose every read and write ends by the request deadline — also while the status
    line and headers arrive, which the body loop of `bounded_get` cannot see (a server dripping its
    headers one byte a second)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        _open_streams.add(self)

    def shutdown(self) -> None:
        import socket

        try:
            sock = self._inner.get_extra_info("socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        _open_streams.discard(self)
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> _DeadlineStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, timeout=_clamp(timeout),
                                                       local_address=local_address, socket_options=socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout=_clamp(timeout),
                                                               socket_options=socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_deadlines(client: httpx2.Client) -> bool:
    """Route `client`'s connections through `_DeadlineBackend` (before its first request). False when the
    transport is not the default one (then only the body loop enforces the deadline)."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:
        return False
    if not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return True


def user_agent(mailto: str | None) -> str:
    """``citecheck/<version> (mailto:…)``: who is asking, so a service can reach us instead of blocking us."""
    return f"citecheck/{__version__}" + (f" (mailto:{mailto})" if mailto else "")
