"""One small, polite HTTP helper shared by the non-Crossref sources (DataCite, Europe PMC, arXiv, OpenAlex).

`PoliteHttp.fetch(endpoint, params)` gives ``(status, body)`` for one GET:

* answered from the `ResponseCache` when the same request was made before
  (key: base URL + endpoint + sorted parameters; identity parameters such as
  ``mailto`` or an API key are left out of the key);
* offline, a cache miss raises ``SourceUnavailable(skipped=True)``;
* otherwise one pooled ``httpx2.Client`` per helper (keep-alive) sends it through
  `citecheck.sources.http.bounded_get` (a deadline on the whole request, at the socket
  too; a cap on the decompressed body; JSON that refuses NaN) with a User-Agent naming
  citecheck and the user's ``mailto``, and the shared `RetryPolicy`: retries on 408/425/429/5xx and
  network errors with exponential backoff and jitter, ``Retry-After``
  honoured (capped) and pausing every thread of the helper, tries and total
  time bounded, a cool-down after network failures, and a cut-off after too
  many failures in a row — then `SourceUnavailable`, never an error body as data;
* 404 is an answer (``(404, None)``, cached); a 200 whose body does not parse
  (JSON, or the caller's own check) is ``malformed response``, not data.

The Crossref client keeps its own error cut-offs and cached-404 rules (Crossref's); both run
the same retry loop (`citecheck.sources.retrying`) and send through the same bounded HTTP layer.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx2

from citecheck.sources.base import HOST_NOT_FOUND, OFFLINE, SourceUnavailable
from citecheck.sources.cache import ResponseCache, request_key
from citecheck.sources.http import (
    Interrupted,
    ResponseTooLarge,
    ResponseUnreadable,
    bounded_get,
    install_deadlines,
    set_deadline,
    unresolved_host,
    user_agent,
    wait,
)
from citecheck.sources.limiter import Limiter, NoLimiter
from citecheck.sources.retry import RetryPolicy, parse_retry_after
from citecheck.sources.retrying import Failure, Retrying

_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BODY = 20_000_000
"""Largest response body read (bytes); a larger one is a malformed response."""


class PoliteHttp:
    """Cached, bounded, polite GETs against one API base URL (thread-safe)."""

    def __init__(self, name: str, base_url: str, *, mailto: str | None = None, cache: ResponseCache | None = None,
                 offline: bool = False, timeout: float = 10.0, retry: RetryPolicy | None = None,
                 identity: Mapping[str, str] | None = None, min_interval: float = 0.0,
                 sleep: Callable[[float], None] = wait,
                 limiter: Limiter | None = None) -> None:
        """`identity`: query parameters sent with every request but kept out of the cache key (mailto, api_key).

        `min_interval`: seconds between two requests of this helper (arXiv asks for 3).
        """
        self.min_interval = min_interval
        self.limiter: Limiter = limiter or NoLimiter()
        """The API's request budget shared with other threads and processes (`citecheck.sources.limiter`)."""
        self._next_slot = 0.0
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.mailto = mailto or None
        self.cache = cache
        self.offline = offline
        self.timeout = timeout
        self.retrying = Retrying(retry or RetryPolicy(), sleep)
        """The retry loop, with the pause and cool-down this helper's threads share."""
        self.identity = dict(identity or {})
        self._sleep = sleep
        self._lock = threading.Lock()
        self._failures_in_a_row = 0
        self.stopped: str | None = None
        self.requests_made = 0
        self._session: httpx2.Client | None = None

    @property
    def retry(self) -> RetryPolicy:
        """How hard this helper tries (`RetryPolicy`)."""
        return self.retrying.policy

    def _http(self) -> httpx2.Client:
        with self._lock:
            if self._session is None:
                client = httpx2.Client(headers={"User-Agent": user_agent(self.mailto)}, follow_redirects=True)
                install_deadlines(client)  # the whole-request deadline at every socket read
                self._session = client
            return self._session

    def close(self) -> None:
        with self._lock:
            s, self._session = self._session, None
        if s is not None:
            s.close()

    def key(self, endpoint: str, params: Mapping[str, Any] | None = None) -> str:
        return request_key(self.base_url, endpoint, params)

    def cached(self, endpoint: str, params: Mapping[str, Any] | None = None) -> tuple[int, Any] | None:
        """The cached answer to this request, or None."""
        if self.cache is None:
            return None
        hit = self.cache.get(self.key(endpoint, params))
        return None if hit is None else (hit.status, hit.body)

    def fetch(self, endpoint: str, params: Mapping[str, Any] | None = None, *, kind: str = "json",
              check: Callable[[Any], None] | None = None) -> tuple[int, Any]:
        """``(status, body)``: 200 with the parsed body (JSON, or text when `kind` is ``text``), or 404 with None.

        `check` raises ``ValueError`` when a 200 body is not what the API promises.
        """
        key = self.key(endpoint, params)
        hit = self.cached(endpoint, params)
        if hit is not None:
            return hit
        if self.offline:
            raise SourceUnavailable(OFFLINE, skipped=True)
        if self.stopped is not None:
            raise SourceUnavailable(self.stopped)
        self.retrying.check_down()
        try:
            status, body = self.retrying.run(lambda: self._try(endpoint, params, kind, check))
        except SourceUnavailable as exc:
            with self._lock:
                self._failures_in_a_row += 1
                limit = self.retry.max_consecutive_failures
                if limit and self._failures_in_a_row >= limit and self.stopped is None:
                    self.stopped = f"stopped asking after {self._failures_in_a_row} failed requests in a row ({exc.reason})"
            raise
        with self._lock:
            self._failures_in_a_row = 0
        if self.cache is not None:
            self.cache.put(key, status, body)
        return status, body

    def _try(self, endpoint: str, params: Mapping[str, Any] | None, kind: str,
             check: Callable[[Any], None] | None) -> tuple[int, Any] | Failure:
        """One try of a GET: ``(200, body)`` or ``(404, None)``, or why it failed (`Retrying` decides whether to
        try again)."""
        self._wait_for_slot()
        with self._lock:
            self.requests_made += 1
        try:
            with self.limiter.slot():  # the API's budget, shared with other threads and processes
                at = time.monotonic() + self.timeout
                set_deadline(at)
                try:
                    resp = bounded_get(self._http(), self.base_url + endpoint, deadline=at, max_bytes=MAX_BODY,
                                       params={**dict(params or {}), **self.identity})
                finally:
                    set_deadline(None)
            raw = resp.content
        except Interrupted:
            raise SourceUnavailable("interrupted") from None
        except (ResponseTooLarge, ResponseUnreadable) as exc:
            raise SourceUnavailable(f"malformed response ({exc})") from None
        except httpx2.TimeoutException:
            return Failure("timeout", True, network=True)
        except (httpx2.TransportError, OSError) as exc:
            if why := unresolved_host(exc):
                return Failure(f"{HOST_NOT_FOUND} ({why})", False, network=True)
            return Failure(f"connection error ({type(exc).__name__})", True, network=True)
        except httpx2.HTTPError as exc:
            return Failure(f"request error ({type(exc).__name__}: {exc})", False)
        if resp.status_code == 404:
            return 404, None
        if resp.status_code != 200:
            return Failure(f"HTTP {resp.status_code}", resp.status_code in _RETRY_STATUSES, resp.status_code,
                           parse_retry_after(resp.headers.get("Retry-After")))
        return 200, self._parse(raw, resp.encoding, kind, check)

    @staticmethod
    def _parse(raw: bytes, encoding: str | None, kind: str, check: Callable[[Any], None] | None) -> Any:
        try:
            text = raw.decode(encoding or "utf-8", errors="replace") if kind == "text" else raw.decode("utf-8")
            body = text if kind == "text" else json.loads(text, parse_constant=_reject_constant)
            if check is not None:
                check(body)
        except (ValueError, TypeError, KeyError) as exc:
            raise SourceUnavailable(f"malformed response ({type(exc).__name__}: {str(exc)[:80]})") from None
        return body

    def _wait_for_slot(self) -> None:
        """Space requests `min_interval` apart (across threads: each takes the next free slot)."""
        if self.min_interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.min_interval
        if slot > now:
            self._sleep(slot - now)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_NOISE_RE = re.compile(r"https?://\S+|\bdoi:?\s*10\.\S+|\b10\.\d{4,9}/\S+|\[[A-Z]{1,3}\]|[^\w\s'-]", re.IGNORECASE)


def key_words(reference: str, limit: int = 16) -> list[str]:
    """The telling words of a reference string (four letters or more, no numbers), in order, for OR queries.

    Search APIs without a 'whole reference' mode AND their terms by default, so initials,
    abbreviated journals and page numbers would hide the work; OR-ing the content words and
    letting validation judge the ranked candidates does not.
    """
    out: list[str] = []
    for w in search_words(reference, 200).split():
        if len(w) >= 4 and not any(c.isdigit() for c in w) and w.lower() not in {"and", "with", "from", "that"} \
                and w.lower() not in (x.lower() for x in out):
            out.append(w)
    return out[:limit]


def search_words(reference: str, limit: int = 40) -> str:
    """A reference string as plain search words: URLs, DOIs, type tags (``[J]``) and punctuation dropped.

    Search APIs other than Crossref's have no 'whole reference string' mode; their
    query syntaxes choke on quotes, colons and brackets.
    """
    return " ".join(_NOISE_RE.sub(" ", reference).split()[:limit])
