"""Runs the pipeline on one document and turns everything found into `Finding`s.

`CHECKS` is the registry of every finding kind with its severity and a
one-paragraph explanation (`citecheck check --list-checks` / `--explain KIND`),
so reports and users share one vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from citecheck.model import SEVERITIES, Audit, Document, Finding, Issue, Match, Reference, ReferenceList


@dataclass(frozen=True)
class Check:
    kind: str
    severity: str
    stage: str
    explain: str


_CHECKS = [
    # reference list and entries
    Check("no_reference_list", "warning", "references", "No reference list was found in the document."),
    Check("merged_entries", "error", "references",
          "Two references were run together by damage and have been split; part of the first may be lost."),
    Check("broken_entry", "info", "references", "An entry broken across lines or pages was joined into one."),
    Check("missing_author", "warning", "references", "The first author's family name looks lost (e.g. `I T, Kanai R`)."),
    Check("volume_page_run_together", "warning", "references",
          "Volume and page numbers are run together (`2010;9129`) and cannot be told apart with certainty."),
    Check("numbering_gap", "warning", "references", "The list's numbering skips or repeats a number."),
    Check("journal_typo", "warning", "references",
          "A word of the abbreviated journal name is not an ISO 4 (LTWA) abbreviation but one letter off one "
          "(`Curr Rheumatol Repm` → `Rep`); checked offline, before any matching."),
    Check("fused_title_journal", "warning", "references",
          "Full title words stand before an abbreviated journal name: the end of the title seems fused with "
          "the journal (`…Comparative Study Stem Cells Dev`)."),
    Check("ocr_repair", "info", "references",
          "OCR or typing damage was repaired with certainty (letter spacing, words run together, hyphenation, "
          "spaced page ranges); the before/after text is in the evidence."),
    Check("parse_problem", "info", "references", "A field could not be read from the entry (no title, no year…)."),
    # matching
    Check("wrong_doi", "error", "matching", "The DOI written in the entry belongs to another work (or to none)."),
    Check("wrong_value", "error", "matching",
          "Year, volume, issue or pages differ from the matched record."),
    Check("author_problem", "warning", "matching",
          "Authors differ from the record: missing, extra or garbled names."),
    Check("typo", "warning", "matching", "A misspelt title or journal (small edit distance from the record)."),
    Check("ocr_damage", "warning", "matching",
          "OCR damage left in a field (spacing, letter spacing, hyphenation, confusable characters)."),
    Check("missing_field", "info", "matching", "The entry lacks a field the matched record has."),
    Check("not_found", "warning", "matching",
          "No source knows this work; it may not exist, or the sources searched do not cover it."),
    Check("ambiguous", "warning", "matching",
          "Two or more candidate works are too close to call; both are shown, none is chosen."),
    Check("unchecked", "info", "matching", "The reference could not be checked (sources offline or failing)."),
    # claims
    Check("dangling_citation", "error", "claims", "A citation marker points to no entry of its list."),
    Check("uncited_entry", "warning", "claims", "An entry of the list is never cited in the text."),
    Check("out_of_order", "warning", "claims",
          "In an order-of-citation list (GB/T 7714, Vancouver), entries are not numbered by first citation."),
    Check("duplicate_entry", "warning", "claims", "The same entry appears twice in a list."),
    Check("same_work_twice", "warning", "claims", "The same work is listed under two numbers."),
    Check("markers_without_list", "error", "claims", "The text has citation markers but no reference list."),
    Check("no_markers", "info", "claims", "The document has a reference list but no citation markers."),
    Check("citation_unrelated", "warning", "support",
          "The cited work does not seem to be about what the sentence claims; the evidence names the claim's "
          "key terms, what the work is about and any entry of the list that fits better."),
]
CHECKS: dict[str, Check] = {c.kind: c for c in _CHECKS}

_REPAIR_CODES = {"letter_spacing", "run_together", "hyphenation", "spaced_hyphen", "page_spacing", "punctuation",
                 "spacing", "ligature", "fullwidth"}
_PARSE_CODES = {"no_title", "no_year", "parse_error", "truncated_input", "no_model", "repair_error", "empty"}
_DIFF_KIND_TO_CHECK = {
    "wrong_doi": "wrong_doi", "wrong_value": "wrong_value", "missing_author": "author_problem",
    "extra_author": "author_problem", "author_garbled": "author_problem", "typo": "typo",
    "ocr_spacing": "ocr_damage", "letter_spacing": "ocr_damage", "hyphenation": "ocr_damage",
    "char_confusion": "ocr_damage", "missing": "missing_field", "merged_entries": "merged_entries",
}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _finding(kind: str, subject: str, message: str, evidence: dict[str, Any], ref: Reference | None = None,
             severity: str | None = None) -> Finding:
    return Finding(kind, severity or CHECKS[kind].severity, subject, message, evidence,
                   ref.span if ref is not None else None)


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
            out.append(Finding(kind, CHECKS[kind].severity, lst.id, issue.message, {"code": issue.code},
                               lst.span))
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
        if m.verdict == "unchecked":
            by_reason.setdefault(m.reason or "no source available", []).append(m)
    out: list[Finding] = []
    grouped: set[int] = set()
    for reason, group in by_reason.items():
        if len(group) < 4:
            continue
        grouped.update(id(m) for m in group)
        numbers = [m.reference.n if m.reference.n is not None else m.reference.key for m in group]
        out.append(Finding("unchecked", CHECKS["unchecked"].severity, f"{len(group)} references",
                           f"{len(group)} references not checked: {reason}",
                           {"reason": reason, "references": numbers}))
    return out, grouped


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
        if m.verdict in {"not_found", "ambiguous", "unchecked"}:
            evidence = dict(base, reason=m.reason,
                            candidates=[{"doi": c.doi, "title": c.fields.get("title"), "score": c.score}
                                        for c in m.candidates[:3]])
            message = {
                "not_found": "no source knows this work",
                "ambiguous": "several works fit; none chosen",
                "unchecked": f"not checked: {m.reason or 'no source available'}",
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
    return sorted(findings, key=lambda f: (-severity_rank(f.severity), f.span.start if f.span else -1))


Progress = Callable[[int, int], None]


def run_audit(doc: Document, sources: Sequence[Any] | None = None, *, workers: int = 1,
              progress: Progress | None = None, unchecked_reason: str = "no metadata source",
              support: bool = True) -> Audit:
    """document → references → matches → claims → findings, for one document."""
    from citecheck.claims import extract_claims, structural_findings
    from citecheck.match import resolve
    from citecheck.refs import extract_references

    lists = extract_references(doc)
    refs = [r for lst in lists for r in lst.references]
    if sources:
        matches = resolve(refs, list(sources), workers=workers, progress=progress)
    else:
        matches = [Match(reference=r, verdict="unchecked", reason=unchecked_reason) for r in refs]
    claims = extract_claims(doc.text, lists)
    findings = reference_findings(lists) + structural_findings(doc.text, lists, claims)
    if sources:
        findings += match_findings(matches)
    elif refs:
        findings.append(Finding("unchecked", CHECKS["unchecked"].severity, doc.source,
                                f"{len(refs)} references not checked: {unchecked_reason}",
                                {"references": len(refs), "reason": unchecked_reason}))
    if not lists:
        findings.append(Finding("no_reference_list", CHECKS["no_reference_list"].severity, doc.source,
                                "no reference list found", {}))
    warnings = list(doc.warnings)
    if support and claims and refs:
        findings += support_findings(doc, lists, claims, matches, warnings)
    return Audit(document=doc.source, lists=lists, matches=matches, claims=claims,
                 findings=sort_findings(findings), warnings=warnings)


def support_findings(doc: Document, lists: list[ReferenceList], claims: list[Any], matches: list[Match],
                     warnings: list[Issue]) -> list[Finding]:
    """Claim–citation fit; when a part of the scorer is missing, the audit says so instead of staying quiet."""
    try:
        from citecheck.claims.embed import load_embedder
        from citecheck.claims.support import support_findings as scorer
    except ImportError as exc:
        warnings.append(Issue("support_unavailable", f"citation support not scored ({exc.name} is not installed)"))
        return []
    if load_embedder() is None:
        warnings.append(Issue("support_degraded",
                              "embedding model unavailable: citation support scored on key terms only"))
    return list(scorer(doc.text, lists, claims, matches))


def exit_code(audits: list[Audit], fail_on: str) -> int:
    """1 when any finding is at or above `fail_on`, else 0."""
    if fail_on == "never":
        return 0
    threshold = severity_rank(fail_on)
    worst = max((severity_rank(f.severity) for a in audits for f in a.findings), default=-1)
    return 1 if worst >= threshold else 0
