"""Orchestration: ask the sources for candidates, validate, mark what could not be checked.

For each reference: a DOI written in it is looked up directly (`get`) on each
source in order, and when its record fits, that is the answer (no search);
otherwise the whole reference string (`ref.text`, the repaired
entry, else `raw`) is searched on each source in order — the chain stops at
the first source whose candidates give an accepted match (`verified` or
`corrected`), so a local index answers before Crossref is asked. When a
source raises `SourceUnavailable` and no other source gave an accepted match,
the verdict is `unchecked` with the reason (candidates that did arrive are
still validated and shown). `Match.record.source` names the answering source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from citecheck.matching.compare import RefView
from citecheck.matching.validate import reference_text, validate
from citecheck.model import ACCEPTED, Match, Record, Reference, Verdict
from citecheck.sources.base import Source, SourceUnavailable
from citecheck.sources.pool import map_interruptible

ROWS = 5

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each reference."""


def _dedupe(records: list[Record]) -> list[Record]:
    seen: set[str] = set()
    out: list[Record] = []
    for r in records:
        key = r.doi or f"#{id(r)}"
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def resolve_one(ref: Reference, sources: Sequence[Source], rows: int = ROWS) -> Match:
    """Candidates from the sources in order, validated into one `Match`."""
    text = reference_text(ref)
    doi = RefView(text, ref.fields).doi
    candidates: list[Record] = []
    problems: list[str] = []
    failed = False  # a source that failed (not one skipped on purpose) leaves the verdict open
    if doi:
        for src in sources:
            try:
                rec = src.get(doi)
            except SourceUnavailable as exc:
                problems.append(f"{getattr(src, 'name', 'source')}: {exc.reason}")
                failed = failed or not exc.skipped
                continue
            if rec is not None:
                candidates.append(rec)
                break
        if candidates:
            match = validate(ref, candidates)
            if match.verdict in ACCEPTED:
                return match  # the written DOI is verified: no search needed
    match: Match | None = None
    answered = False
    for src in sources:
        try:
            hits = src.search(text, rows)
        except SourceUnavailable as exc:
            problems.append(f"{getattr(src, 'name', 'source')}: {exc.reason}")
            failed = failed or not exc.skipped
            hits = list(exc.partial)
        else:
            answered = True
        candidates = _dedupe(candidates + hits)
        match = validate(ref, candidates)
        if match.verdict in ACCEPTED:
            return match
    if problems and answered and not failed and match is not None:
        # only sources skipped on purpose (offline) are missing: the verdict stands for the sources asked
        match.reason = "; ".join(x for x in (match.reason, "not asked: " + "; ".join(problems)) if x)
        return match
    if problems:
        reason = "; ".join(problems)
        if match is not None and match.candidates:
            return Match(reference=ref, verdict=Verdict.UNCHECKED, record=match.record, confidence=match.confidence,
                         diffs=[], candidates=match.candidates, reason=reason)
        return Match(reference=ref, verdict=Verdict.UNCHECKED, candidates=candidates, reason=reason)
    if match is None:
        return validate(ref, candidates) if answered or candidates else Match(
            reference=ref, verdict=Verdict.UNCHECKED, reason="no sources configured")
    return match


def resolve(refs: list[Reference], sources: Sequence[Source], *, workers: int = 1,
            progress: Progress | None = None, rows: int = ROWS) -> list[Match]:
    """One `Match` per reference, in input order; `workers` threads share the sources."""
    total = len(refs)
    if workers <= 1 or total <= 1:
        out: list[Match] = []
        for i, ref in enumerate(refs, 1):
            out.append(resolve_one(ref, sources, rows))
            if progress:
                progress(i, total)
        return out
    done = 0
    results: list[Match | None] = [None] * total

    def work(i: int) -> None:
        results[i] = resolve_one(refs[i], sources, rows)

    for _ in map_interruptible(work, range(total), workers):
        done += 1
        if progress:
            progress(done, total)
    return [m for m in results if m is not None]
