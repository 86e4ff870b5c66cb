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
import threading
import time
import zlib
from typing import Any

import httpx2

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
