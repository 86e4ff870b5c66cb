"""Crossref REST API client: our own pooled, bounded HTTP calls, with retry, cache and etiquette.

Two endpoints are called: ``/works?query.bibliographic=…&rows=…&select=…`` (search) and
``/works/{doi}`` (+ ``/agency``). They go through one pooled ``httpx2.Client`` per
`CrossrefClient` (keep-alive, one SSL context: a new client per request cost ~45 ms of
CPU for the CA store, two thirds of a 300-reference check) and `citecheck.sources.http.
bounded_get` (a deadline on the whole request, a cap on the decompressed body, JSON that
refuses NaN). We used habanero before; it builds a new HTTP client per request, reads
whole bodies, and hides response headers (``Retry-After``) — to bound it we had to patch
its module reference to httpx at import time. For two GETs, our own call is simpler and
honest: the URL and parameters are built here, DOIs percent-encoded (`quote_doi`).

Etiquette: a ``mailto`` is never built in — it comes from the caller (the settings
say, in one line, when there is none) and travels in the User-Agent as Crossref asks
(``citecheck/<version> (mailto:…)``). Failures are retried with exponential backoff and
jitter, ``Retry-After`` is honoured (capped) and pauses every thread of the client,
tries and total time are bounded, and then `SourceUnavailable` is raised — never an
error body returned as data. After a request fails for network reasons the client
fails fast for a cool-down period instead of making every remaining reference wait.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx2

from citecheck.model import Record
from citecheck.sources.base import HOST_NOT_FOUND, SourceUnavailable, normalize_doi
from citecheck.sources.cache import ResponseCache, request_key
from citecheck.sources.convert import ConversionError, record_from_crossref
from citecheck.sources.http import (
    Interrupted,
    ResponseTooLarge,
    ResponseUnreadable,
    bounded_get,
    exception_chain,
    install_deadlines,
    set_deadline,
    unresolved_host,
    user_agent,
    wait,
)
from citecheck.sources.limiter import Limiter, NoLimiter
from citecheck.sources.pool import map_interruptible
from citecheck.sources.retry import RetryPolicy, parse_retry_after
from citecheck.sources.retrying import Failure, Retrying

DEFAULT_BASE_URL = "https://api.crossref.org"

# Fields we read; `select` keeps responses small (reference lists, licences and links are large).
SELECT_FIELDS: tuple[str, ...] = (
    "DOI", "type", "title", "subtitle", "author", "editor", "container-title", "short-container-title",
    "issued", "published-print", "published-online", "volume", "issue", "page", "article-number",
    "ISSN", "ISBN", "publisher", "subject", "abstract", "score", "update-to", "updated-by",
)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_NOT_FOUND_IS_AN_ANSWER = frozenset({"work", "agency"})
"""Endpoints where 404 means "no such DOI"; from the search endpoint it means a broken server or URL."""


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


def _classify(exc: BaseException) -> Failure:
    """What an exception from one request means for us: retry, give up, or an answer (404)."""
    chain = exception_chain(exc)
    for e in chain:
        if isinstance(e, Interrupted):
            return Failure("interrupted", False)
        if isinstance(e, (ResponseTooLarge, ResponseUnreadable)):
            return Failure(f"malformed response ({e})", False)
    for e in chain:
        if isinstance(e, httpx2.HTTPStatusError):
            status = e.response.status_code
            return Failure(f"HTTP {status}", status in RETRY_STATUSES, status,
                            parse_retry_after(e.response.headers.get("retry-after")))
    for e in chain:
        if isinstance(e, httpx2.TimeoutException):
            return Failure("timeout", True, network=True)
        if isinstance(e, httpx2.TransportError) and (why := unresolved_host(e)):
            return Failure(f"{HOST_NOT_FOUND} ({why})", False, network=True)
        if isinstance(e, httpx2.TransportError):
            return Failure(f"connection error ({type(e).__name__}: {e})", True, network=True)
    for e in chain:
        if isinstance(e, json.JSONDecodeError):
            return Failure(f"malformed response (not JSON: {str(e)[:80]!r})", False)
    if isinstance(exc, (ValueError, KeyError, TypeError, IndexError)):
        return Failure(f"malformed response ({type(exc).__name__}: {str(exc)[:80]})", False)
    return Failure(f"unexpected error ({type(exc).__name__}: {exc})", False)


def _check_envelope(body: Any, want: str) -> None:
    """A 200 body must be Crossref's envelope; anything else is malformed, never data."""
    if not isinstance(body, dict) or body.get("status", "ok") != "ok" or not isinstance(body.get("message"), dict):
        raise SourceUnavailable(f"malformed response (not a Crossref {want} envelope)")
    if want == "work-list" and not isinstance(body["message"].get("items"), list):
        raise SourceUnavailable("malformed response (work list without items)")
    if want == "work-list" and not all(isinstance(item, dict) for item in body["message"]["items"]):
        raise SourceUnavailable("malformed response (work list with items that are not works)")
    if want == "work" and not isinstance(body["message"].get("DOI"), str):
        raise SourceUnavailable("malformed response (work without DOI)")
    if want == "agency" and not isinstance(body["message"].get("agency"), dict):
        raise SourceUnavailable("malformed response (agency answer without agency)")


def quote_doi(doi: str) -> str:
    """A DOI as a URL path: characters that would end or alter the path are percent-encoded, and so are
    dot segments (``10.1000/../../x`` must stay a DOI, not become a request for ``/x`` on the API host)."""
    segments = quote(doi, safe="/:;()[]<>@!$&'*+,=").split("/")
    return "/".join(s.replace(".", "%2E") if s in (".", "..") else s for s in segments)


class CrossrefClient:
    """`Source` backed by the Crossref REST API, with cache, retries and etiquette."""

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
        sleep: Callable[[float], None] = wait,
        limiter: Limiter | None = None,
    ) -> None:
        """`cache=None` means no cache (pass `ResponseCache()` for the default location); `limiter`
        shares Crossref's request budget with other threads and processes (none: unlimited)."""
        self.limiter: Limiter = limiter or NoLimiter()
        self.mailto = mailto or None
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.offline = offline
        self.timeout = timeout
        self.retrying = Retrying(retry or RetryPolicy(), sleep)
        """The retry loop, with the pause and cool-down this client's threads share."""
        self._lock = threading.Lock()
        self.requests_made = 0
        """HTTP requests sent, retries included."""
        self.fetches = 0
        """Logical requests that went to the network (each with its retries)."""
        self.failures = 0
        self._failures_in_a_row = 0
        self.stopped: str | None = None
        """Why the client stopped asking (error cut-off reached), or None."""
        self._http: httpx2.Client | None = None
        self._headers = {"User-Agent": user_agent(self.mailto),
                         "Accept": "application/json"}

    # ------------------------------------------------------------ Source API
    def search(self, query: str, rows: int = 5) -> list[Record]:
        """Top `rows` works for a whole reference string (``query.bibliographic``), best first."""
        params = {"query.bibliographic": query, "rows": rows, "select": ",".join(SELECT_FIELDS)}
        key = request_key(self.base_url, "/works", params)
        sent = {"query.bibliographic": " ".join(query.split()), "rows": rows, "select": ",".join(SELECT_FIELDS)}
        _, body = self._fetch(key, "/works", sent, "work-list")
        return self._records(body["message"]["items"][:rows])

    def get(self, doi: str) -> Record | None:
        """The work registered under `doi`, or None when Crossref has no such work."""
        doi = normalize_doi(doi)
        status, body = self._fetch(request_key(self.base_url, f"/works/{doi}"), f"/works/{quote_doi(doi)}", None,
                                   "work")
        if status == 404:
            return None
        recs = self._records([body["message"]])
        return recs[0] if recs else None

    def agency(self, doi: str) -> str | None:
        """Registration agency id (``crossref``, ``datacite``, …) of a DOI, or None if no agency knows it."""
        doi = normalize_doi(doi)
        status, body = self._fetch(request_key(self.base_url, f"/works/{doi}/agency"),
                                   f"/works/{quote_doi(doi)}/agency", None, "agency")
        if status == 404:
            return None
        agency = body["message"].get("agency") or {}
        ident = (agency.get("id") or agency.get("label")) if isinstance(agency, dict) else None
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
        return list(map_interruptible(one, queries, workers, thread_name_prefix="crossref"))

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
                install_deadlines(self._http)  # the whole-request deadline at every socket read
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
            except (ConversionError, TypeError, ValueError, KeyError, AttributeError, IndexError):
                continue  # e.g. an item without DOI, or not an object: not a usable candidate
        return out

    def _from_cache(self, key: str, want: str) -> tuple[int, Any] | None:
        """A cached answer that is one this request can give, else None (a bad row is ignored: refetched,
        and overwritten by the next good answer — older versions cached a search 404)."""
        if self.cache is None:
            return None
        hit = self.cache.get(key)
        if hit is None:
            return None
        if hit.status == 200:
            try:
                _check_envelope(hit.body, want)
            except SourceUnavailable:
                return None
            return hit.status, hit.body
        if hit.status == 404 and want in _NOT_FOUND_IS_AN_ANSWER and hit.body is None:
            return hit.status, hit.body
        return None

    @property
    def retry(self) -> RetryPolicy:
        """How hard this client tries (`RetryPolicy`)."""
        return self.retrying.policy

    def _fetch(self, key: str, path: str, params: dict[str, Any] | None, want: str) -> tuple[int, Any]:
        """(status, body) for one request: cache, then the network with retries; 404 is an answer."""
        hit = self._from_cache(key, want)
        if hit is not None:
            return hit
        if self.offline:
            raise SourceUnavailable("offline (not in cache)", skipped=True)
        if self.stopped is not None:
            raise SourceUnavailable(self.stopped)
        self.retrying.check_down()
        with self._lock:
            self.fetches += 1
        try:
            result = self.retrying.run(lambda: self._try(key, path, params, want))
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

    def _get(self, path: str, params: dict[str, Any] | None) -> Any:
        """One GET through the pooled client, within the request deadline and the body cap; an HTTP error
        status raises ``httpx2.HTTPStatusError`` (with its headers: ``Retry-After``)."""
        deadline = time.monotonic() + self.timeout
        set_deadline(deadline)  # also at the socket: a server dripping its headers is cut off too
        try:
            response = bounded_get(self._pooled(), self.base_url + path, deadline=deadline, params=params,
                                   headers=self._headers)
        finally:
            set_deadline(None)
        response.raise_for_status()
        return response.json()

    def _try(self, key: str, path: str, params: dict[str, Any] | None, want: str) -> tuple[int, Any] | Failure:
        """One try of a request: the answer (a 404 where it is one), or why it failed (`Retrying` decides
        whether to try again)."""
        try:
            with self.limiter.slot():
                with self._lock:
                    self.requests_made += 1
                body = self._get(path, params)
        except SourceUnavailable:
            raise
        except Exception as exc:
            failure = _classify(exc)
            if failure.status == 404 and want in _NOT_FOUND_IS_AN_ANSWER:
                if self.cache is not None:
                    self.cache.put(key, 404, None)
                return 404, None
            if failure.reason == "interrupted":
                raise SourceUnavailable("interrupted") from None
            return failure
        _check_envelope(body, want)
        if self.cache is not None:
            self.cache.put(key, 200, body)
        return 200, body


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
