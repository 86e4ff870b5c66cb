"""Crossref REST API client: habanero for the calls, our own retry, cache and etiquette around it.

How habanero 2.9 behaves (read from its source, and why this wrapper exists):

* It sends every request through module-level ``httpx2.get`` with
  ``timeout=Crossref(timeout=...)`` (connect/read/write each), and a
  User-Agent ``python-httpx2/… habanero/… (mailto:…) <ua_string>``: the polite
  pool address travels in the User-Agent, and our ``ua_string`` names citecheck.
* It has no retries and hides response headers on success. On an HTTP error it
  raises either ``httpx2.HTTPStatusError`` or its own ``RequestError`` raised
  *while handling* the ``HTTPStatusError`` — so the original response, with
  its ``Retry-After`` header, is reachable through the exception chain
  (``__cause__`` / ``__context__``). `_classify` walks that chain; nothing here
  needs a second HTTP stack. Transport failures arrive as ``httpx2``
  exceptions, bare or wrapped in ``RuntimeError``.
* A body that is not JSON gives ``RequestError(200, text)`` (wrong content
  type) or a ``ValueError`` (broken JSON); both become
  ``SourceUnavailable("malformed response …")``.
* ``works(ids=doi)`` pastes the DOI into the URL unescaped, so DOIs are
  percent-encoded here first (``#``, ``?``, ``%`` and spaces would break the URL).
* Each ``httpx2.get`` builds a new client: a new TCP (and TLS) connection per
  request, and a fresh SSL context that loads the CA store (~45 ms of CPU, even
  for ``http://``). That was two thirds of the time of a 300-reference check.
  So habanero's reference to the ``httpx2`` module is pointed at `_HttpxShim`,
  whose ``get`` goes through a pooled ``httpx2.Client`` owned by the calling
  `CrossrefClient` (keep-alive, one SSL context); everything else, exceptions
  included, is the real module, and calls made outside a client are unchanged.

Etiquette: a ``mailto`` is never built in — it comes from the caller (the settings
say, in one line, when there is none). Failures
are retried with exponential backoff and jitter, ``Retry-After`` is honoured
(capped) and pauses every thread of the client, tries and total time are
bounded, and then `SourceUnavailable` is raised — never an error body returned
as data. After a request fails for network reasons the client fails fast for
a cool-down period instead of making every remaining reference wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import habanero
import httpx2
from habanero.exceptions import RequestError
from habanero.request import request as habanero_request

from citecheck.model import Record
from citecheck.sources.base import SourceUnavailable, normalize_doi
from citecheck.sources.cache import ResponseCache, request_key
from citecheck.sources.convert import ConversionError, record_from_crossref
from citecheck.sources.retry import RetryPolicy
from citecheck.version import __version__

DEFAULT_BASE_URL = "https://api.crossref.org"
USER_AGENT = f"citecheck/{__version__}"

# Fields we read; `select` keeps responses small (reference lists, licences and links are large).
SELECT_FIELDS: tuple[str, ...] = (
    "DOI", "type", "title", "subtitle", "author", "editor", "container-title", "short-container-title",
    "issued", "published-print", "published-online", "volume", "issue", "page", "article-number",
    "ISSN", "ISBN", "publisher", "subject", "abstract", "score", "update-to", "updated-by",
)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class DoiLookup:
    """Outcome of resolving a DOI at Crossref.

    `status` is ``found``, ``not_registered`` (no agency knows it: likely
    fabricated or mistyped), ``other_agency:<id>`` (e.g. ``other_agency:datacite``:
    real, but Crossref has no metadata) or ``no_metadata`` (Crossref's
    agency, but no works record).
    """

    doi: str
    status: str
    record: Record | None = None
    agency: str | None = None


@dataclass(frozen=True)
class _Failure:
    reason: str
    retryable: bool
    status: int | None = None
    retry_after: float | None = None
    network: bool = False


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date form)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    return chain


def _classify(exc: BaseException) -> _Failure:
    """What a habanero/httpx2 exception means for us (see module docstring for where each comes from)."""
    chain = _exception_chain(exc)
    for e in chain:
        if isinstance(e, httpx2.HTTPStatusError):
            status = e.response.status_code
            return _Failure(f"HTTP {status}", status in RETRY_STATUSES, status,
                            parse_retry_after(e.response.headers.get("retry-after")))
    for e in chain:
        if isinstance(e, httpx2.TimeoutException):
            return _Failure("timeout", True, network=True)
        if isinstance(e, httpx2.TransportError):
            return _Failure(f"connection error ({type(e).__name__}: {e})", True, network=True)
    for e in chain:
        if isinstance(e, RequestError):
            status = int(e.status_code) if str(e.status_code).isdigit() else 0
            if 200 <= status < 300:
                return _Failure(f"malformed response (not JSON: {str(e.error)[:80]!r})", False)
            return _Failure(f"HTTP {status}: {str(e.error)[:120]}", status in RETRY_STATUSES, status)
    if isinstance(exc, (ValueError, KeyError, TypeError, IndexError)):
        return _Failure(f"malformed response ({type(exc).__name__}: {str(exc)[:80]})", False)
    return _Failure(f"unexpected error ({type(exc).__name__}: {exc})", False)


def _check_envelope(body: Any, want: str) -> None:
    """A 200 body must be Crossref's envelope; anything else is malformed, never data."""
    if not isinstance(body, dict) or body.get("status", "ok") != "ok" or not isinstance(body.get("message"), dict):
        raise SourceUnavailable(f"malformed response (not a Crossref {want} envelope)")
    if want == "work-list" and not isinstance(body["message"].get("items"), list):
        raise SourceUnavailable("malformed response (work list without items)")


def quote_doi(doi: str) -> str:
    """A DOI as a URL path: characters that would end or alter the path are percent-encoded."""
    return quote(doi, safe="/:;()[]<>@!$&'*+,=")


_calling = threading.local()
"""The pooled HTTP client of the `CrossrefClient` whose request this thread is making."""


class _HttpxShim:
    """Stands in for the ``httpx2`` module inside habanero (see the module docstring)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx2, name)

    def get(self, url: Any, **kw: Any) -> Any:
        http = getattr(_calling, "http", None)
        if http is None:
            return httpx2.get(url, **kw)
        return http.get(url, **kw)


def _install_shim() -> None:
    import habanero.request as _habanero_request_module
    import habanero.request_class as _habanero_request_class

    for module in (_habanero_request_class, _habanero_request_module):
        if getattr(module, "httpx2", None) is httpx2:
            module.httpx2 = _HttpxShim()  # type: ignore[attr-defined]


_install_shim()


class CrossrefClient:
    """`Source` backed by the Crossref REST API (through habanero), with cache, retries and etiquette."""

    name = "crossref"

    def __init__(
        self,
        mailto: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        cache: ResponseCache | None = None,
        offline: bool = False,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`cache=None` means no cache (pass `ResponseCache()` for the default location)."""
        self.mailto = mailto or None
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.offline = offline
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pause_until = 0.0
        self._down_until = 0.0
        self._down_reason = ""
        self.requests_made = 0
        """HTTP requests sent, retries included."""
        self.fetches = 0
        """Logical requests that went to the network (each with its retries)."""
        self.failures = 0
        self._failures_in_a_row = 0
        self.stopped: str | None = None
        """Why the client stopped asking (error cut-off reached), or None."""
        self._http: httpx2.Client | None = None
        self._cr = habanero.Crossref(base_url=self.base_url, mailto=self.mailto, ua_string=USER_AGENT,
                                     timeout=timeout)  # type: ignore[arg-type]  # habanero annotates int

    # ------------------------------------------------------------ Source API
    def search(self, query: str, rows: int = 5) -> list[Record]:
        """Top `rows` works for a whole reference string (``query.bibliographic``), best first."""
        params = {"query.bibliographic": query, "rows": rows, "select": ",".join(SELECT_FIELDS)}
        key = request_key(self.base_url, "/works", params)
        _, body = self._fetch(key, lambda: self._cr.works(
            query_bibliographic=" ".join(query.split()), limit=rows, select=list(SELECT_FIELDS)), "work-list")
        return self._records(body["message"]["items"][:rows])

    def get(self, doi: str) -> Record | None:
        """The work registered under `doi`, or None when Crossref has no such work."""
        doi = normalize_doi(doi)
        status, body = self._fetch(request_key(self.base_url, f"/works/{doi}"),
                                   lambda: self._cr.works(ids=quote_doi(doi)), "work")
        if status == 404:
            return None
        recs = self._records([body["message"]])
        return recs[0] if recs else None

    def agency(self, doi: str) -> str | None:
        """Registration agency id (``crossref``, ``datacite``, …) of a DOI, or None if no agency knows it."""
        doi = normalize_doi(doi)
        status, body = self._fetch(
            request_key(self.base_url, f"/works/{doi}/agency"),
            lambda: habanero_request(self._cr, "/works/", ids=quote_doi(doi), agency=True), "agency")
        if status == 404:
            return None
        agency = body["message"].get("agency") or {}
        ident = agency.get("id") or agency.get("label")
        if not isinstance(ident, str):
            raise SourceUnavailable("malformed response (agency without id)")
        return ident.lower()

    def lookup(self, doi: str) -> DoiLookup:
        """Resolve a DOI; on a 404 ask the agency endpoint before calling the DOI unregistered."""
        doi = normalize_doi(doi)
        record = self.get(doi)
        if record is not None:
            return DoiLookup(doi, "found", record, "crossref")
        agency = self.agency(doi)
        if agency is None:
            return DoiLookup(doi, "not_registered")
        if agency == "crossref":
            return DoiLookup(doi, "no_metadata", agency=agency)
        return DoiLookup(doi, f"other_agency:{agency}", agency=agency)

    def search_many(self, queries: Sequence[str], rows: int = 5, workers: int = 3
                    ) -> list[list[Record] | SourceUnavailable]:
        """`search` for many strings with bounded concurrency; results in input order.

        A failure is returned in place of that string's result (so one
        reference marked ``unchecked`` does not lose the others).
        """
        def one(q: str) -> list[Record] | SourceUnavailable:
            try:
                return self.search(q, rows)
            except SourceUnavailable as exc:
                return exc

        if workers <= 1 or len(queries) <= 1:
            return [one(q) for q in queries]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crossref") as pool:
            return list(pool.map(one, queries))

    def cached(self) -> CachedCrossref:
        """A view that answers only from this client's cache (first link of a `SourceChain`)."""
        return CachedCrossref(self)

    # ------------------------------------------------------------ machinery
    def _pooled(self) -> httpx2.Client:
        """This client's connection pool (created on first use; thread-safe, shared by the workers)."""
        with self._lock:
            if self._http is None:
                self._http = httpx2.Client(timeout=self.timeout, limits=httpx2.Limits(
                    max_connections=16, max_keepalive_connections=8))
            return self._http

    def close(self) -> None:
        """Close pooled connections (also done when the client is garbage-collected)."""
        with self._lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    def _records(self, items: list[Any]) -> list[Record]:
        out = []
        for item in items:
            try:
                out.append(record_from_crossref(item, self.name))
            except ConversionError:
                continue  # e.g. an item without DOI: not a usable candidate
        return out

    def _from_cache(self, key: str, want: str) -> tuple[int, Any] | None:
        if self.cache is None:
            return None
        hit = self.cache.get(key)
        if hit is None:
            return None
        if hit.status == 200:
            try:
                _check_envelope(hit.body, want)
            except SourceUnavailable:
                return None  # should not happen (only checked bodies are stored); refetch
        return hit.status, hit.body

    def _fetch(self, key: str, call: Callable[[], Any], want: str) -> tuple[int, Any]:
        """(status, body) for one request: cache, then the network with retries; 404 is an answer."""
        hit = self._from_cache(key, want)
        if hit is not None:
            return hit
        if self.offline:
            raise SourceUnavailable("offline (not in cache)", skipped=True)
        if self.stopped is not None:
            raise SourceUnavailable(self.stopped)
        now = time.monotonic()
        if now < self._down_until:
            raise SourceUnavailable(f"{self._down_reason} (not retried for {self._down_until - now:.0f} s)")
        with self._lock:
            self.fetches += 1
        try:
            result = self._fetch_network(key, call, want, now)
        except SourceUnavailable as exc:
            self._count(failed=True, reason=exc.reason)
            raise
        self._count(failed=False)
        return result

    def _count(self, failed: bool, reason: str = "") -> None:
        """Keep the error tally and apply the cut-off (`RetryPolicy.max_consecutive_failures`,
        `max_error_rate`): once reached, the client stops asking for the rest of the run."""
        with self._lock:
            if not failed:
                self._failures_in_a_row = 0
                return
            self.failures += 1
            self._failures_in_a_row += 1
            policy = self.retry
            if self.stopped is not None:
                return
            if policy.max_consecutive_failures and self._failures_in_a_row >= policy.max_consecutive_failures:
                self.stopped = (f"Crossref not asked: stopped after {self._failures_in_a_row} failed requests "
                                f"in a row (last: {reason})")
            elif self.fetches >= policy.min_requests and self.failures > policy.max_error_rate * self.fetches:
                self.stopped = (f"Crossref not asked: stopped after {self.failures} of {self.fetches} requests "
                                f"failed (error rate above {policy.max_error_rate:.0%}; last: {reason})")

    def _fetch_network(self, key: str, call: Callable[[], Any], want: str, now: float) -> tuple[int, Any]:
        """The network part of `_fetch`: tries, backoff, Retry-After, then success or `SourceUnavailable`."""
        deadline = now + self.retry.total
        failure = _Failure("no attempt made", False)
        attempt = 0
        for attempt in range(1, self.retry.tries + 1):
            self._wait_for_pause(deadline)
            try:
                with self._lock:
                    self.requests_made += 1
                _calling.http = self._pooled()
                try:
                    body = call()
                finally:
                    _calling.http = None
            except SourceUnavailable:
                raise
            except Exception as exc:
                failure = _classify(exc)
                if failure.status == 404:
                    if self.cache is not None:
                        self.cache.put(key, 404, None)
                    return 404, None
                if not failure.retryable or attempt == self.retry.tries:
                    break
                delay = self.retry.delay(attempt)
                if failure.retry_after is not None:
                    delay = min(failure.retry_after, self.retry.max_retry_after)
                    with self._lock:
                        self._pause_until = max(self._pause_until, time.monotonic() + delay)
                if time.monotonic() + delay > deadline:
                    failure = _Failure(f"{failure.reason}; retry budget of {self.retry.total:g} s exhausted",
                                       False, network=failure.network)
                    break
                self._sleep(delay)
                continue
            _check_envelope(body, want)
            if self.cache is not None:
                self.cache.put(key, 200, body)
            return 200, body
        reason = failure.reason if not failure.retryable else f"{failure.reason} after {attempt} tries"
        if failure.network and self.retry.cooldown > 0:
            with self._lock:
                self._down_until = time.monotonic() + self.retry.cooldown
                self._down_reason = f"Crossref unreachable: {failure.reason}"
        raise SourceUnavailable(reason)

    def _wait_for_pause(self, deadline: float) -> None:
        """Honour a Retry-After another thread received (rate limits are per client, not per request)."""
        with self._lock:
            wait = self._pause_until - time.monotonic()
        if wait > 0:
            if time.monotonic() + wait > deadline:
                raise SourceUnavailable("rate limited (Retry-After beyond the retry budget)")
            self._sleep(wait)


class CachedCrossref:
    """Cache-only view of a `CrossrefClient`: answers what was fetched before, never the network.

    A miss is an empty answer (not an error), so a `SourceChain` moves on to
    the next source. Records say ``source="cache"``.
    """

    name = "cache"

    def __init__(self, client: CrossrefClient) -> None:
        self.client = client

    def search(self, query: str, rows: int = 5) -> list[Record]:
        c = self.client
        params = {"query.bibliographic": query, "rows": rows, "select": ",".join(SELECT_FIELDS)}
        hit = c._from_cache(request_key(c.base_url, "/works", params), "work-list")
        if hit is None or hit[0] != 200:
            return []
        return [_as(r, self.name) for r in c._records(hit[1]["message"]["items"][:rows])]

    def get(self, doi: str) -> Record | None:
        c = self.client
        hit = c._from_cache(request_key(c.base_url, f"/works/{normalize_doi(doi)}"), "work")
        if hit is None or hit[0] != 200:
            return None
        recs = c._records([hit[1]["message"]])
        return _as(recs[0], self.name) if recs else None


def _as(record: Record, source: str) -> Record:
    record.source = source
    return record
