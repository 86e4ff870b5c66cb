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
