"""The text stages under a stopwatch: what the fuzzers (atheris and hypothesis) call.

Every stage that reads document text is a target: reference-list extraction
(finding, splitting, repair and parsing of each entry), parsing a string as
one reference, citation-marker detection, claim extraction and the clause
before each marker (the step that was quadratic). Each call is timed on its
own, and a call over `LIMIT_SECONDS` is a failure (`SlowCall`), so the fuzzers
look for pathological slowness (catastrophic regex backtracking, quadratic
walks) as well as for crashes. The limit is far above what any input of fuzzing
size needs (milliseconds), so only a real blow-up trips it, not a busy machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

LIMIT_SECONDS = 2.0


class SlowCall(AssertionError):
    """A stage took longer than the limit on one input."""


def timed(stage: str, call: Callable[[], Any], limit: float = LIMIT_SECONDS,
          timings: dict[str, float] | None = None) -> Any:
    """`call()`, failing with `SlowCall` when it took more than `limit` seconds."""
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    if timings is not None:
        timings[stage] = seconds
    if seconds > limit:
        raise SlowCall(f"{stage} took {seconds:.2f} s (limit {limit:g} s)")
    return result


def run_text_stages(text: str, limit: float = LIMIT_SECONDS) -> dict[str, float]:
    """Every text stage on `text`, each under `limit`; returns the time of each. Exceptions propagate."""
    from citecheck.claims import extract_claims, find_markers
    from citecheck.claims.link import links
    from citecheck.refs.extract import extract_lists, references_from_lines
    from citecheck.refs.parse import parse_reference

    timings: dict[str, float] = {}
    lists = timed("extract_lists", lambda: extract_lists(text), limit, timings)
    timed("references_from_lines", lambda: references_from_lines(text[:20_000]), limit, timings)
    timed("parse_reference", lambda: parse_reference(text), limit, timings)
    spans = [lst.span for lst in lists]
    timed("find_markers", lambda: find_markers(text, spans), limit, timings)
    claims = timed("extract_claims", lambda: extract_claims(text, lists), limit, timings)
    timed("links", lambda: links(claims, lists), limit, timings)
    return timings


def run_bytes(data: bytes, limit: float = LIMIT_SECONDS) -> dict[str, float]:
    """A document's bytes through decoding and normalisation, then every text stage.

    A `DocumentError` is the documented outcome for unreadable bytes (binary,
    undecodable), not a failure.
    """
    from citecheck.document import DocumentError, load

    try:
        doc = timed("load", lambda: load("fuzz.txt", data), limit)
    except DocumentError:
        return {}
    return run_text_stages(doc.text, limit)


def warm_up() -> None:
    """Load models and compile regexes once, so the first timed call is not charged for it."""
    run_text_stages("Tidal crabs forage by the tide [1].\n\nReferences\n"
                    "1. Hollis M. Tidal rhythms of crabs. J Coast Ecol. 2015;12(3):201-15.\n", limit=600)


# ---------------------------------------------------------------- .docx reader

_DOCX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
              'wordprocessingml/2006/main"><w:body>')


def run_docx(data: bytes, limit: float = LIMIT_SECONDS) -> None:
    """Fuzz bytes as a .docx: mode 0 the bytes are the file; mode 1 they are the body of word/document.xml
    in a valid package (so the XML reader, its caps and the table logic are reached). A `DocumentError`
    is the documented outcome for a damaged file."""
    import io
    import zipfile

    from citecheck.document import DocumentError, load

    if not data:
        return
    mode, rest = data[0] % 2, data[1:]
    if mode == 1:
        xml = _DOCX_HEAD.encode() + rest + b"</w:body></w:document>"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("word/document.xml", xml)
        rest = buf.getvalue()
    try:
        timed("docx", lambda: load("fuzz.docx", rest), limit)
    except DocumentError:
        return


# ---------------------------------------------------------------- HTTP client

_server: Any = None
_answer: list[bytes] = [b""]


def _respond(handler: Any, path: str, query: dict[str, str]) -> None:
    """Answer from the current fuzz input: byte 0 picks the status, byte 1 the content type and encoding."""
    import gzip

    data = _answer[0]
    status = (200, 200, 200, 404, 500, 429, 204, 301, 400, 503)[data[0] % 10] if data else 200
    flags = data[1] if len(data) > 1 else 0
    body = data[2:]
    ctype = ("application/json", "text/html", "application/json;charset=latin-1", "")[flags % 4]
    headers = {}
    if flags & 4:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    if flags & 8:
        headers["Retry-After"] = "0"
    handler.send(status, body, ctype, headers)


def run_http(data: bytes, limit: float = 10.0) -> None:
    """The Crossref client against a loopback server answering with the fuzz input: every outcome is
    records or `SourceUnavailable` (anything else — a crash, a hang past `limit` — is a failure)."""
    global _server
    from citecheck.sources.base import SourceUnavailable
    from citecheck.sources.crossref import CrossrefClient
    from citecheck.sources.retry import RetryPolicy

    if _server is None:
        from tests.hostile_server import HostileServer

        _server = HostileServer(_respond).start()
    _answer[0] = data
    client = CrossrefClient("fuzz@example.org", base_url=_server.url, timeout=2.0,
                            retry=RetryPolicy(tries=1, backoff=0, total=5, cooldown=0, max_consecutive_failures=0))
    try:
        for call in (lambda: client.search("Hollis tidal rhythms 2015"), lambda: client.lookup("10.5555/x.1")):
            try:
                timed("http", call, limit)
            except SourceUnavailable:
                pass
    finally:
        client.close()
