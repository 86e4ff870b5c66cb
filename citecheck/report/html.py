"""A single self-contained HTML report: summary, findings with filters, references with diffs, claims.

Safety is by construction, not by care at each call site:

* the jinja2 environment autoescapes everything; the only values marked safe are our
  own static CSS/JS and the embedded JSON, which `json_for_script` escapes so that no
  ``</script>`` or ``<!--`` can appear inside it;
* links are built only through `safe_href`/`doi_url` (absolute http(s) URLs), so a
  ``javascript:`` URL in a record is shown as text, never linked;
* a Content-Security-Policy meta forbids every external load and lets run only the
  inline script and style whose SHA-256 hashes it names; an injected script would not
  run even if escaping ever failed.

The page works offline: no CDN, no fonts, no images, no fetches.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from citecheck.audit import CHECKS
from citecheck.jsonsafe import dumps as json_dumps  # never NaN/Infinity
from citecheck.model import (
    Audit,
    FieldDiff,
    Finding,
    Match,
    Record,
    Reference,
    Severity,
    SupportLink,
    Verdict,
)
from citecheck.report.jsonout import report_dict
from citecheck.report.views import (
    SEVERITY_ORDER,
    VERDICTS,
    ClaimRow,
    Summary,
    claim_rows,
    clip,
    confidence_text,
    doi_url,
    evidence_pairs,
    focus,
    match_doi,
    reference_rows,
    reference_title,
    safe_href,
    summarize,
    worst_first,
)
from citecheck.version import __version__

VERDICT_HELP = {
    "verified": "the record agrees with the entry",
    "corrected": "the work was found; some fields of the entry differ from the record",
    "ambiguous": "several works fit; none was chosen",
    "not_found": "no source knows this work",
    "unchecked": "not checked (no source, or the source failed)",
}


@dataclass
class Segment:
    """A piece of a diffed value; `changed` pieces are highlighted."""

    text: str
    changed: bool


@dataclass
class DiffView:
    field: str
    kind: str
    is_error: bool
    ours: list[Segment]
    theirs: list[Segment]


@dataclass
class LinkView:
    text: str
    href: str | None


@dataclass
class CandidateView:
    doi: LinkView
    title: str
    score: str
    source: str


@dataclass
class ReferenceView:
    n: str
    key: str
    text: str
    title: str
    verdict: str
    doi: LinkView | None
    url: LinkView | None
    confidence: str
    diffs: list[DiffView]
    reason: str
    candidates: list[CandidateView]
    record_source: str
    warnings: list[str]
    line: int


@dataclass
class FindingView:
    severity: Severity
    kind: str
    explain: str
    subject: str
    message: str
    evidence: list[tuple[str, str]]
    line: int | None
    diff: DiffView | None = None


@dataclass
class ClaimView:
    before: str
    marker: str
    after: str
    row: ClaimRow


@dataclass
class DocumentView:
    index: int
    document: str
    summary: Summary
    findings: list[FindingView]
    references: list[ReferenceView]
    claims: list[ClaimView]
    warnings: list[str]
    kinds: list[tuple[str, int, str]] = field(default_factory=list)
    support: list[SupportLink] = field(default_factory=list)
    """Every scored claim–citation link (sortable in the page), in document order."""


# ---------------------------------------------------------------- building the view


_WHOLE_VALUE_KINDS = frozenset({"abbreviation", "wrong_value", "wrong_doi", "missing", "truncated"})


def segments(ours: str, theirs: str, kind: str = "") -> tuple[list[Segment], list[Segment]]:
    """Character diff of two text values, so a one-letter typo is visible at a glance.

    Short values (years, volumes, pages), wholly different values and abbreviations are
    compared whole: highlighting `202[0]` or the letters an abbreviation dropped is noise.
    """
    if (kind in _WHOLE_VALUE_KINDS or min(len(ours), len(theirs)) < 6 or max(len(ours), len(theirs)) > 400):
        return [Segment(ours, False)], [Segment(theirs, False)]
    sm = SequenceMatcher(None, ours, theirs, autojunk=False)
    if sm.ratio() < 0.5:  # unrelated values: highlighting fragments would only add noise
        return [Segment(ours, True)], [Segment(theirs, True)]
    a: list[Segment] = []
    b: list[Segment] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if i2 > i1:
            a.append(Segment(ours[i1:i2], op != "equal"))
        if j2 > j1:
            b.append(Segment(theirs[j1:j2], op != "equal"))
    return a, b


def diff_view(d: FieldDiff) -> DiffView:
    ours, theirs = segments(str(d.ours or ""), str(d.theirs or ""), d.kind)
    return DiffView(field=d.field, kind=d.kind, is_error=d.is_error, ours=ours, theirs=theirs)


def _doi_link(doi: str | None) -> LinkView | None:
    return LinkView(doi, doi_url(doi)) if doi else None


def _candidate(c: Record) -> CandidateView:
    return CandidateView(doi=LinkView(c.doi or "", doi_url(c.doi)), title=clip(str(c.fields.get("title") or ""), 140),
                         score=f"{c.score:.2f}" if c.score else "", source=c.source)


def reference_view(ref: Reference, m: Match | None) -> ReferenceView:
    url = ref.fields.get("URL")
    return ReferenceView(
        n=str(ref.n) if ref.n is not None else "", key=ref.key, text=ref.text or ref.raw,
        title=reference_title(ref), verdict=m.verdict if m is not None else Verdict.UNCHECKED,
        doi=_doi_link(match_doi(ref, m)),
        url=LinkView(str(url), safe_href(url)) if url else None,
        confidence=confidence_text(m),
        diffs=[diff_view(d) for d in m.diffs] if m is not None else [],
        reason=m.reason if m is not None else "",
        candidates=[_candidate(c) for c in m.candidates[:5]] if m is not None else [],
        record_source=m.record.source if m is not None and m.record is not None else "",
        warnings=[w.message for w in ref.warnings], line=ref.span.line,
    )


def finding_view(f: Finding) -> FindingView:
    """A finding row; a field difference in its evidence is shown coloured, focused where the values differ."""
    check = CHECKS.get(f.kind)
    ev = f.evidence or {}
    pairs = evidence_pairs(f)
    diff = None
    if "field" in ev and ("ours" in ev or "theirs" in ev):
        kind = str(ev.get("diff") or f.kind)
        ours, theirs = focus(str(ev.get("ours") or ""), str(ev.get("theirs") or ""), 100)
        diff = diff_view(FieldDiff(str(ev["field"]), ours, theirs, kind))
        pairs = [(k, v) for k, v in pairs if k not in {str(ev["field"]), "diff kind"}]
    return FindingView(severity=f.severity, kind=f.kind, explain=check.explain if check else "",
                       subject=f.subject, message=f.message, evidence=pairs,
                       line=f.span.line if f.span else None, diff=diff)


def claim_view(row: ClaimRow) -> ClaimView:
    """The sentence split around its marker, so the marker can be highlighted without markup in data."""
    s, marker = row.sentence, row.marker
    i = s.rfind(marker) if marker else -1
    if i < 0:
        return ClaimView(s, "", "", row)
    return ClaimView(s[:i], marker, s[i + len(marker):], row)


def document_view(index: int, audit: Audit) -> DocumentView:
    s = summarize(audit)
    return DocumentView(
        index=index, document=audit.document, summary=s,
        findings=[finding_view(f) for f in worst_first(audit.findings)],
        references=[reference_view(r, m) for r, m in reference_rows(audit)],
        claims=[claim_view(r) for r in claim_rows(audit)],
        warnings=[w.message for w in audit.warnings],
        kinds=[(k, n, s.kind_severity.get(k, "")) for k, n in s.kinds.items()],
        support=list(audit.support),
    )


# ---------------------------------------------------------------- assets and safety


@cache
def asset(name: str) -> str:
    """Our own static CSS/JS, shipped beside the template."""
    return resources.files("citecheck.report").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing may load from anywhere; only our inline script and style (by hash) may run."""
    return ("default-src 'none'; "
            f"script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
            "img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
            "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")


def json_for_script(data: Any) -> Markup:
    """JSON that cannot end its `<script type="application/json">` element or open a comment."""
    text = json_dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)  # escaped above for the script-data context


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("citecheck.report", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["clip"] = clip
    return env


def render_html(audits: Sequence[Audit], generated_at: str | None = None, title: str | None = None,
                **_: Any) -> str:
    """The report as one HTML page (deterministic: no timestamp unless `generated_at` is given)."""
    script, style = asset("report.js"), asset("report.css")
    docs = [document_view(i, a) for i, a in enumerate(audits, 1)]
    data = {"report": report_dict(audits, generated_at),
            "checks": {k: {"severity": str(c.severity), "stage": c.stage, "explain": c.explain}
                       for k, c in sorted(CHECKS.items())}}
    if title is None:
        title = "citecheck report" + (f" — {audits[0].document}" if len(audits) == 1 else "")
    return environment().get_template("report.html.j2").render(
        title=title, documents=docs, generated_by=f"citecheck {__version__}", generated_at=generated_at,
        verdicts=VERDICTS, severities=[str(s) for s in SEVERITY_ORDER], verdict_help=VERDICT_HELP,
        csp=content_security_policy(script, style), script=Markup(script), style=Markup(style),
        data_json=json_for_script(data),
    )
