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

A DOI that a source with an ``agency`` look-up (Crossref) does not know is
asked there for its registration agency: then only sources of that agency
(``registers``, e.g. DataCite) or of none are asked for it, and a DOI that no
agency knows is said so in the reason. A ``not_found`` reason names the
sources searched. When nothing fits, positive evidence that the entry is made up
is kept among the candidates, marked ``citecheck:evidence``: the record the
printed DOI resolves to (``printed_doi``), and works of the same journal at the
entry's volume and first page (``volume_page``); `citecheck.audit` turns them
into ``likely_fabricated``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from citecheck.matching.compare import container_titles, record_year
from citecheck.matching.journals import is_abbreviation, journal_equal
from citecheck.matching.refview import RefView
from citecheck.matching.validate import WEAK, reference_text, score_candidates, validate
from citecheck.model import ACCEPTED, Match, Record, Reference, Verdict
from citecheck.sources.base import OFFLINE, Source, SourceUnavailable
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


def _agency(src: Source, doi: str) -> str | None:
    """The DOI's registration agency from a source that can tell (``""``: it cannot, or failed)."""
    ask = getattr(src, "agency", None)
    if not callable(ask):
        return ""
    try:
        agency = ask(doi)
    except SourceUnavailable:
        return ""
    return agency if agency is None else str(agency)


def _lookup_doi(doi: str, sources: Sequence[Source],
                problems: list[tuple[str, str]]) -> tuple[Record | None, bool, str]:
    """(record, a source failed, note) for a DOI written in the entry: each source in order, by agency."""
    failed = False
    agency = ""
    for src in sources:
        registers = getattr(src, "registers", None)
        if agency and registers and registers != agency:
            continue  # e.g. DataCite is not asked about a Crossref DOI
        try:
            rec = src.get(doi)
        except SourceUnavailable as exc:
            problems.append((getattr(src, "name", "source"), exc.reason))
            failed = failed or not exc.skipped
            continue
        if rec is not None:
            return rec, failed, ""
        if not agency:
            found = _agency(src, doi)
            if found is None:
                return None, failed, f"DOI {doi} is registered with no agency"
            agency = found
    return None, failed, ""


def _mark(rec: Record, evidence: str) -> Record:
    """Note on a candidate why it is evidence of absence (``printed_doi``, ``volume_page``; a list)."""
    marks = rec.fields.setdefault("citecheck:evidence", [])
    if evidence not in marks:
        marks.append(evidence)
    return rec


def _same_journal(name: str, rec: Record) -> bool:
    return any(journal_equal(name, c) or is_abbreviation(name, c) or is_abbreviation(c, name)
               for c in container_titles(rec.fields))


def _at_volume_page(ref: Reference, sources: Sequence[Source]) -> list[Record]:
    """Works of the entry's journal at its volume and first page (sources with an exact locator look-up)."""
    f = ref.fields
    container, volume, page = f.get("container-title"), f.get("volume"), f.get("page")
    if not (isinstance(container, str) and volume and page):
        return []
    out: list[Record] = []
    for src in sources:
        at = getattr(src, "at_locator", None)
        if callable(at):
            out += [r for r in at(str(volume), str(page)) if _same_journal(container, r)
                    and all(r.doi != o.doi for o in out)]
    return out


def _author_in_venue(ref: Reference, sources: Sequence[Source], view: RefView) -> list[Record]:
    """Other works of the entry's first author in its journal within two years (sources with a locator look-up)."""
    f = ref.fields
    authors, container = f.get("author") or [], f.get("container-title")
    family = authors[0].get("family") if authors and isinstance(authors[0], dict) else None
    year = record_year(f)
    if not (family and isinstance(container, str) and year):
        return []
    out: list[Record] = []
    for src in sources:
        find = getattr(src, "find_by_locator", None)
        if callable(find):
            for r in find(str(family)):
                y = record_year(r.fields)
                if y is not None and abs(y - year) <= 2 and _same_journal(container, r) \
                        and all(r.doi != o.doi for o in out):
                    out.append(r)
    return [s.record for s in score_candidates(view, out[:3]) if (s.evidence.title or 0) < TITLE_NOWHERE]


TITLE_NOWHERE = 0.7
"""A candidate whose title agrees less than this with the entry's is another work
(unrelated titles of one field score about 0.5)."""


def _absence(ref: Reference, match: Match, candidates: list[Record], sources: Sequence[Source],
             searched: list[str], doi_note: str) -> Match:
    """A match that named no work: say which sources were searched, and keep positive evidence of absence.

    The printed DOI's record turns an ``ambiguous`` verdict (the DOI's record against
    nothing) into ``not_found`` when its title, and every other candidate's, is another work's.
    """
    view = RefView(reference_text(ref), ref.fields)
    scored = score_candidates(view, candidates)
    printed = next((s for s in scored if "printed_doi" in s.record.fields.get("citecheck:evidence", [])), None)
    elsewhere = all(s.p < WEAK and (s.evidence.title or 0) < TITLE_NOWHERE for s in scored if s is not printed)
    if printed is not None:
        if not (elsewhere and (printed.evidence.title or 0) < TITLE_NOWHERE):
            printed.record.fields.pop("citecheck:evidence", None)  # the DOI's record may be the work after all
            if match.verdict is Verdict.AMBIGUOUS:
                return match
        elif match.verdict is Verdict.AMBIGUOUS:
            match = Match(reference=ref, verdict=Verdict.NOT_FOUND, confidence=round(1 - printed.p, 4),
                          candidates=list(match.candidates), reason="the printed DOI resolves to another work")
    if match.verdict is not Verdict.NOT_FOUND:
        return match
    shown = {c.doi for c in match.candidates}
    if printed is not None and printed.record.doi not in shown and "citecheck:evidence" in printed.record.fields:
        match.candidates.insert(0, printed.record)
    if elsewhere:
        by_doi = {c.doi: c for c in match.candidates if c.doi}
        for s in score_candidates(view, _at_volume_page(ref, sources)):
            if (s.evidence.title or 0) < TITLE_NOWHERE and s.p < WEAK:
                if s.record.doi in by_doi:
                    _mark(by_doi[s.record.doi], "volume_page")
                else:
                    match.candidates.append(_mark(s.record, "volume_page"))
    if elsewhere and not any(c.fields.get("citecheck:evidence") for c in match.candidates):
        match.candidates += [_mark(r, "author_venue") for r in _author_in_venue(ref, sources, view)]
    marked = [c for c in match.candidates if c.fields.get("citecheck:evidence")]
    match.candidates = marked + [c for c in match.candidates if c not in marked]
    match.reason = "; ".join(x for x in (doi_note, match.reason, "searched " + ", ".join(searched)) if x)
    return match


NOT_ASKED_OFFLINE = "not asked (offline):"


def _problems_text(problems: list[tuple[str, str]]) -> str:
    """Why sources did not answer, each reason once with the sources it stopped (`crossref, datacite:
    unreachable: host not found (…)`): the DOI look-up and the search of one source fail for one reason,
    several sources for one cause (no network), and references that share a reason are reported as one group."""
    if all(why.endswith(OFFLINE) for _, why in problems):
        return f"{NOT_ASKED_OFFLINE} {', '.join(dict.fromkeys(name for name, _ in problems))}"
    by_reason: dict[str, list[str]] = {}
    for name, why in problems:
        names = by_reason.setdefault(why, [])
        if name not in names:
            names.append(name)
    return "; ".join(f"{', '.join(names)}: {why}" for why, names in by_reason.items())


def resolve_one(ref: Reference, sources: Sequence[Source], rows: int = ROWS) -> Match:
    """Candidates from the sources in order, validated into one `Match`."""
    text = reference_text(ref)
    doi = RefView(text, ref.fields).doi
    candidates: list[Record] = []
    problems: list[tuple[str, str]] = []
    failed = False  # a source that failed (not one skipped on purpose) leaves the verdict open
    doi_note = ""
    if doi:
        rec, failed, doi_note = _lookup_doi(doi, sources, problems)
        if rec is not None:
            candidates.append(rec)
            match = validate(ref, candidates)
            if match.verdict in ACCEPTED:
                return match  # the written DOI is verified: no search needed
            _mark(rec, "printed_doi")
    match: Match | None = None
    answered = False
    searched: list[str] = []
    for src in sources:
        try:
            hits = src.search(text, rows)
        except SourceUnavailable as exc:
            problems.append((getattr(src, "name", "source"), exc.reason))
            failed = failed or not exc.skipped
            hits = list(exc.partial)
        else:
            answered = True
            name = getattr(src, "name", "source")
            if name not in searched:
                searched.append(name)
        candidates = _dedupe(candidates + hits)
        match = validate(ref, candidates)
        if match.verdict in ACCEPTED:
            return match
    if match is not None and not failed and match.verdict in (Verdict.NOT_FOUND, Verdict.AMBIGUOUS):
        match = _absence(ref, match, candidates, sources, searched, doi_note)
    if problems and answered and not failed and match is not None:
        # only sources skipped on purpose (offline) are missing: the verdict stands for the sources asked
        skipped = _problems_text(problems)
        if not skipped.startswith("not asked"):
            skipped = "not asked: " + skipped
        match.reason = "; ".join(x for x in (match.reason, skipped) if x)
        return match
    if problems:
        reason = _problems_text(problems)
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
