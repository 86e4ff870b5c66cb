"""Markdown report: for editors reading a review in a repository, an issue or a PR comment.

Per document: a summary table, findings grouped by severity (worst first) each with
its evidence, the reference table (verdict, DOI link, confidence, field diffs) and the
flagged citations. All document and record text passes through `md_escape`, so a `|`
cannot break a table, `<script>` stays text, `[x](javascript:…)` is not a link and a
backtick cannot open a code span. Only our own identifiers are set in code spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from citecheck.model import Audit, FieldDiff, Finding, Match, Reference, Severity, Verdict
from citecheck.report import View
from citecheck.report.claims import claim_link_rows
from citecheck.report.views import (
    SEVERITY_ORDER,
    VERDICTS,
    claim_rows,
    clip,
    confidence_text,
    doi_url,
    evidence_pairs,
    match_doi,
    reference_rows,
    reference_title,
    scope_note,
    summarize,
    worst_first,
)
from citecheck.version import __version__

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_IDENT = re.compile(r"^[A-Za-z0-9_.:-]+$")
SEVERITY_TITLE = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}
SEVERITY_MARK = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}


def md_escape(text: Any) -> str:
    """Document text made inert for (GitHub-flavoured) Markdown, on one line.

    `&` and `<` become entities (no HTML, no autolinks); `[ ]` (links), emphasis
    marks, `|` and backticks get a backslash; newlines become spaces so table rows stay whole.
    """
    s = re.sub(r"\s+", " ", "" if text is None else str(text)).strip()
    s = s.replace("&", "&amp;").replace("<", "&lt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s


def md_code(ident: str) -> str:
    """Our identifiers (finding kinds, diff kinds) in a code span; anything else escaped."""
    return f"`{ident}`" if _IDENT.match(ident) else md_escape(ident)


def md_link(text: str, url: str | None) -> str:
    """A link only for a URL that `safe_href`/`doi_url` produced (percent-encoded, no parentheses)."""
    if not url:
        return md_escape(text)
    return f"[{md_escape(text)}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] | None = None) -> list[str]:
    seps = [("---:" if a == "r" else "---") for a in (align or ["l"] * len(header))]
    return [_row(header), _row(seps), *(_row(r) for r in rows), ""]


def diff_md(diff: FieldDiff) -> str:
    """`year: ~~2020~~ → 2021 (wrong_value)`; abbreviations say they are not errors."""
    ours = md_escape(clip(diff.ours, 80))
    theirs = md_escape(clip(diff.theirs, 80))
    if not diff.is_error:
        return f"{md_escape(diff.field)}: {ours or '(none)'} → {theirs or '(none)'} ({md_code(diff.kind)}, not an error)"
    ours = f"~~{ours}~~" if ours else "(none)"
    theirs = f"**{theirs}**" if theirs else "(none)"
    return f"{md_escape(diff.field)}: {ours} → {theirs} ({md_code(diff.kind)})"


def _evidence_md(f: Finding) -> str:
    return "<br>".join(f"{md_escape(k)}: {md_escape(v)}" for k, v in evidence_pairs(f))


def _summary(audit: Audit) -> list[str]:
    s = summarize(audit)
    scope = f" ({scope_note(audit)})" if scope_note(audit) else ""
    lines = [f"{s.references} references, {s.claims} citing sentences, {s.findings} findings{scope}.", ""]
    lines += _table(["verdict", *VERDICTS], [["references", *(str(s.verdicts.get(v, 0)) for v in VERDICTS)]])
    lines += _table(["severity", *map(str, SEVERITY_ORDER)],
                    [["findings", *(str(s.severities.get(str(k), 0)) for k in SEVERITY_ORDER)]])
    if s.kinds:
        lines += _table(["finding kind", "severity", "count"],
                        [[md_code(k), str(s.kind_severity.get(k, "")), str(n)] for k, n in s.kinds.items()],
                        ["l", "l", "r"])
    return lines


def _findings(audit: Audit) -> list[str]:
    findings = worst_first(audit.findings)
    if not findings:
        return ["No findings.", ""]
    lines: list[str] = []
    for sev in SEVERITY_ORDER:
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        title = f"{SEVERITY_MARK[sev]} {SEVERITY_TITLE[sev]}"
        lines += [f"#### {title} ({len(group)})", ""]
        rows = [[md_escape(f.subject), md_code(f.kind), md_escape(clip(f.message, 300)), _evidence_md(f),
                 str(f.span.line) if f.span else ""] for f in group]
        lines += _table(["subject", "kind", "problem", "evidence", "line"], rows, ["l", "l", "l", "l", "r"])
    return lines


def _reference_row(ref: Reference, m: Match | None) -> list[str]:
    doi = match_doi(ref, m)
    verdict = m.verdict if m is not None else Verdict.UNCHECKED
    diffs = "<br>".join(diff_md(d) for d in m.diffs) if m is not None else ""
    if m is not None and not diffs and m.reason and verdict is not Verdict.VERIFIED:
        diffs = md_escape(clip(m.reason, 160))
    if m is not None and m.verdict is Verdict.AMBIGUOUS and m.candidates:
        diffs = (diffs + "<br>" if diffs else "") + "candidates: " + ", ".join(
            md_link(c.doi or "?", doi_url(c.doi)) for c in m.candidates[:3])
    return [md_escape(ref.n if ref.n is not None else ref.key), md_escape(clip(reference_title(ref), 90)),
            md_code(verdict), md_link(doi, doi_url(doi)) if doi else "",
            confidence_text(m), diffs]


def _references(audit: Audit) -> list[str]:
    rows = reference_rows(audit)
    if not rows:
        return ["No references.", ""]
    return _table(["n", "entry", "verdict", "DOI", "confidence", "differences (entry → record)"],
                  [_reference_row(ref, m) for ref, m in rows], ["r", "l", "l", "l", "r", "l"])


def _claims(audit: Audit) -> list[str]:
    rows = claim_rows(audit)
    if not rows:
        return ["No flagged citations.", ""]
    out = []
    for r in rows:
        ev = []
        if r.claim_terms:
            ev.append(f"claim is about: {md_escape(r.claim_terms)}")
        if r.work_about:
            ev.append(f"cited work is about: {md_escape(r.work_about)}")
        if r.better:
            ev.append(f"fits better: {md_escape(r.better)}")
        if not ev:
            ev.append(md_escape(r.finding.message))
        out.append([str(r.line or ""), md_escape(clip(r.sentence, 240)), md_escape(r.marker),
                    md_escape(r.cited), md_code(r.finding.kind), "<br>".join(ev)])
    return _table(["line", "sentence", "marker", "cited entry", "kind", "evidence"], out,
                  ["r", "l", "l", "l", "l", "l"])


def document_markdown(audit: Audit) -> str:
    lines = [f"## {md_escape(audit.document)}", "", "### Summary", "", *_summary(audit),
             "### Findings (worst first)", "", *_findings(audit),
             "### References", "", *_references(audit),
             "### Flagged citations", "", *_claims(audit)]
    if audit.warnings:
        lines += ["### Load warnings", ""]
        lines += [f"- {md_code(w.code)}: {md_escape(w.message)}" for w in audit.warnings] + [""]
    return "\n".join(lines)


def claims_markdown(audits: Sequence[Audit]) -> str:
    """The `claims` stage as one Markdown table: line, sentence, markers, the entries they reach."""
    rows = [[str(r["line"]), md_escape(r["text"]), md_escape(" ".join(r["markers"])), md_escape(r["entries"])]
            for a in audits for r in claim_link_rows(a.claims, a.lists)]
    return "\n".join(_table(["line", "sentence", "markers", "entries"], rows, ["r", "l", "l", "l"]))


def render_markdown(audits: Sequence[Audit], generated_at: str | None = None, view: View = View.CHECK,
                    **_: Any) -> str:
    """The Markdown report of all audits (deterministic: no timestamp unless `generated_at` is given)."""
    if view is View.CLAIMS:
        return claims_markdown(audits)
    stamp = f" on {md_escape(generated_at)}" if generated_at else ""
    parts = ["# citecheck report", "", f"Generated by citecheck {__version__}{stamp}.", ""]
    parts += [document_markdown(a) for a in audits]
    return "\n".join(parts).rstrip() + "\n"
