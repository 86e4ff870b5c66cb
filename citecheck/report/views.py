"""What every report format shows, computed once: counts, the worst-first order, a finding's
evidence as short label/value pairs, safe links — so the formats cannot disagree about an audit."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import quote, urlsplit

from citecheck.model import (
    ACCEPTED,
    SEVERITIES,
    Audit,
    Claim,
    FieldDiff,
    Finding,
    Match,
    Reference,
    Severity,
    Verdict,
)

VERDICTS: tuple[Verdict, ...] = tuple(Verdict)
SEVERITY_ORDER: tuple[Severity, ...] = tuple(reversed(SEVERITIES))
"""Worst first: error, warning, info."""

SUPPORT_KINDS = frozenset({"citation_unrelated", "citation_unsupported"})
CLAIM_KINDS = SUPPORT_KINDS | {"dangling_citation", "out_of_order", "markers_without_list"}
"""Finding kinds that concern a citation in the text, shown in the claims table."""


# ---------------------------------------------------------------- counts and order


@dataclass
class Summary:
    """What a reader wants first: how many references fared how, and how bad the findings are."""

    references: int
    claims: int
    verdicts: dict[str, int]
    severities: dict[str, int]
    """Counts by severity name, worst first."""
    kinds: dict[str, int]
    kind_severity: dict[str, Severity] = field(default_factory=dict)

    @property
    def findings(self) -> int:
        return sum(self.severities.values())


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    """Worst severity first, then document order; stable, so equal findings keep the pipeline's order."""
    return sorted(findings, key=lambda f: (-f.severity, f.span.start if f.span else -1))


def reference_rows(audit: Audit) -> list[tuple[Reference, Match | None]]:
    """Every reference with its match: list entries in order, then matches whose entry is in no list."""
    by_id = {id(m.reference): m for m in audit.matches}
    keys = Counter(m.reference.key for m in audit.matches)
    by_key = {m.reference.key: m for m in audit.matches if keys[m.reference.key] == 1}
    rows: list[tuple[Reference, Match | None]] = []
    used: set[int] = set()
    for ref in audit.references:
        m = by_id.get(id(ref)) or by_key.get(ref.key)
        if m is not None and id(m) in used:
            m = None
        if m is not None:
            used.add(id(m))
        rows.append((ref, m))
    rows.extend((m.reference, m) for m in audit.matches if id(m) not in used)
    return rows


def summarize(audit: Audit) -> Summary:
    """Counts per verdict (all five, zeros included), per severity (worst first) and per finding kind."""
    verdicts = dict.fromkeys(VERDICTS, 0)
    rows = reference_rows(audit)
    for _ref, m in rows:
        if m is not None:  # a `refs` run matched nothing: no verdict to count
            verdicts[m.verdict] += 1
    severities = {str(s): 0 for s in SEVERITY_ORDER}
    kinds: Counter[str] = Counter()
    kind_severity: dict[str, Severity] = {}
    for f in audit.findings:
        severities[str(f.severity)] += 1
        kinds[f.kind] += 1
        kind_severity[f.kind] = max(f.severity, kind_severity.get(f.kind, f.severity))
    ordered = sorted(kinds, key=lambda k: (-kind_severity[k], -kinds[k], k))
    return Summary(references=len(rows), claims=len(audit.claims), verdicts=verdicts, severities=severities,
                   kinds={k: kinds[k] for k in ordered}, kind_severity=kind_severity)


def scope_note(audit: Audit) -> str:
    """``offline: cache and local indexes only`` when the run asked no online source, else ``""``."""
    return "offline: cache and local indexes only" if any(w.code == "offline_run" for w in audit.warnings) else ""


# ---------------------------------------------------------------- evidence

_LABELS = {
    "claim_terms": "claim is about", "work_about": "cited work is about", "better": "fits better",
    "expected": "expected", "found": "found", "first_cited_order": "first cited order",
}
_SKIP = frozenset({"raw", "verdict", "confidence", "source", "list_id", "code", "ours", "theirs", "diff",
                   "field", "before", "after", "claim", "sentence", "line", "number",
                   "first_cited_order"})


def clip(text: str, limit: int = 160) -> str:
    """One line, at most `limit` characters (an ellipsis marks the cut)."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def value_text(value: Any, limit: int = 160) -> str:
    """A compact plain-text view of an evidence value (lists joined, dicts as key=value)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return clip(", ".join(value_text(v, 60) for v in value), limit)
    if isinstance(value, dict):
        if "number" in value or "n" in value:
            n = value.get("number", value.get("n"))
            rest = value.get("title") or value.get("entry") or value.get("text") or ""
            return clip(f"[{n}] {value_text(rest, limit)}".strip(), limit)
        if "doi" in value:
            score = value.get("score")
            tail = f" ({value_text(score)})" if isinstance(score, (int, float)) else ""
            return clip(f"{value.get('doi') or '?'}{tail} {value_text(value.get('title'), 60)}".strip(), limit)
        return clip("; ".join(f"{k}={value_text(v, 40)}" for k, v in value.items()), limit)
    return clip(str(value), limit)


def focus(ours: str, theirs: str, width: int = 70) -> tuple[str, str]:
    """Both values cut to the stretch where they differ, with context: long titles stay readable.

    `Cellular senescence in vascular wallmesenchymal stromal cells, a possible…` against the
    record becomes `…in vascular wallmesenchymal stromal…` → `…in vascular wall mesenchymal stromal…`.
    """
    ours, theirs = re.sub(r"\s+", " ", str(ours)).strip(), re.sub(r"\s+", " ", str(theirs)).strip()
    if len(ours) <= width and len(theirs) <= width:
        return ours, theirs
    sm = SequenceMatcher(None, ours, theirs, autojunk=False)
    changes = [op for op in sm.get_opcodes() if op[0] != "equal"]
    if not changes or sm.ratio() < 0.5:
        return clip(ours, width), clip(theirs, width)
    i1, i2, j1, j2 = changes[0][1], changes[-1][2], changes[0][3], changes[-1][4]
    context = max(12, (width - max(i2 - i1, j2 - j1)) // 2)

    def cut(text: str, a: int, b: int) -> str:
        start, end = max(0, a - context), min(len(text), b + context)
        if start < 12:
            start = 0
        elif (space := text.rfind(" ", 0, start + 1)) >= 0 and start - space < 12:
            start = space  # cut at a word boundary
        if end < len(text) and (space := text.find(" ", end)) >= 0 and space - end < 12:
            end = space
        return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")

    return cut(ours, i1, i2), cut(theirs, j1, j2)


def diff_text(diff: FieldDiff | dict[str, Any], width: int = 70) -> str:
    """`year: 2020 → 2021` — the entry's value, then the record's, focused on where they differ."""
    if isinstance(diff, dict):
        fld, ours, theirs = diff.get("field", "?"), diff.get("ours", ""), diff.get("theirs", "")
    else:
        fld, ours, theirs = diff.field, diff.ours, diff.theirs
    ours, theirs = focus(str(ours or ""), str(theirs or ""), width)
    return f"{fld}: {ours or '(none)'} → {theirs or '(none)'}"


def _work_about(ev: dict[str, Any]) -> str:
    """What the cited work is about (`SupportEvidence.work_about`): its top terms, else its title."""
    about = ev.get("work_about") or {}
    return value_text(about.get("top_terms") or about.get("title"), 60) if isinstance(about, dict) else ""


def short_evidence(finding: Finding) -> str:
    """The one line that shows why a finding was raised (terminal and summaries)."""
    ev = finding.evidence or {}
    if "field" in ev and ("ours" in ev or "theirs" in ev):
        return diff_text(ev, 44) + (f" ({ev['diff']})" if ev.get("diff") else "")
    if ev.get("before") or ev.get("after"):
        return f"{clip(ev.get('before', ''), 60)} → {clip(ev.get('after', ''), 60)}"
    if ev.get("notice"):
        return " ".join(str(x) for x in (ev.get("notice_type") or ev["notice"], ev.get("notice_doi"),
                                         f"({ev['notice_date']})" if ev.get("notice_date") else "") if x)
    if ev.get("why"):
        return value_text(ev["why"], 140) + (f" (confidence {ev['confidence']:.2f})"
                                              if isinstance(ev.get("confidence"), float) else "")
    if finding.kind in SUPPORT_KINDS:
        parts = [f"{label}: {value}" for label, value in (
            ("claim", value_text(ev.get("claim_terms"), 60)), ("work", _work_about(ev)),
            (str(ev.get("evidence") or "evidence"), clip(str(ev.get("best_sentence") or ""), 100)),
            ("conflicts", value_text(ev.get("conflicts"), 80)),
            ("better", value_text(ev.get("better"), 60))) if value]
        if parts:
            return "; ".join(parts)
    if "expected" in ev and "found" in ev:
        return f"expected [{ev['expected']}], found [{ev['found']}]" + (
            f" at {ev['marker']} (line {ev['line']})" if ev.get("marker") and ev.get("line") else "")
    if ev.get("marker"):
        return f"{ev['marker']}" + (f" on line {ev['line']}" if ev.get("line") else "")
    if ev.get("candidates"):
        return "candidates: " + value_text(ev["candidates"], 120)
    if ev.get("reason"):
        return clip(str(ev["reason"]), 120)
    if ev.get("entry"):
        return clip(str(ev["entry"]), 120)
    return "; ".join(f"{k}: {v}" for k, v in evidence_pairs(finding)[:3])


def evidence_pairs(finding: Finding) -> list[tuple[str, str]]:
    """Every piece of evidence as (label, text), the telling ones first; for the full reports."""
    ev = finding.evidence or {}
    out: list[tuple[str, str]] = []
    if "field" in ev and ("ours" in ev or "theirs" in ev):
        out.append((str(ev["field"]), diff_text(ev, 100).split(": ", 1)[1]))
        if ev.get("diff"):
            out.append(("diff kind", str(ev["diff"])))
        if ev.get("doi") and str(ev.get("doi")).lower() == str(ev.get("theirs", "")).lower():
            ev = {k: v for k, v in ev.items() if k != "doi"}  # the record's DOI is already shown as its value
    if ev.get("before") or ev.get("after"):
        out.append(("repair", f"{clip(ev.get('before', ''), 100)} → {clip(ev.get('after', ''), 100)}"))
    for k, v in ev.items():
        if k in _SKIP or v in (None, "", [], {}):
            continue
        out.append((_LABELS.get(k, k.replace("_", " ")), value_text(v)))
    if isinstance(ev.get("confidence"), (int, float)) and finding.kind in ("ambiguous", "likely_fabricated"):
        out.append(("confidence", f"{ev['confidence']:.2f}"))
    if ev.get("raw"):
        out.append(("entry", clip(str(ev["raw"]), 200)))
    return out


# ---------------------------------------------------------------- claims

@dataclass
class ClaimRow:
    """A flagged citation: the sentence, its marker, what it cites, and why it was flagged."""

    finding: Finding
    sentence: str
    marker: str
    cited: str
    claim_terms: str
    work_about: str
    better: str
    line: int | None


def _claim_at(claims: Sequence[Claim], finding: Finding) -> Claim | None:
    if finding.span is None:
        return None
    for claim in claims:
        if claim.span.start <= finding.span.start and finding.span.end <= claim.span.end:
            return claim
    return None


def _entry_text(audit: Audit, number: Any, list_id: str | None) -> str:
    for ref in audit.references:
        if ref.n is not None and str(ref.n) == str(number) and (list_id is None or ref.list_id == list_id):
            title = ref.fields.get("title")
            return clip(f"[{ref.n}] " + (str(title) if title else (ref.text or ref.raw)), 140)
    return f"[{number}] (no such entry)" if number is not None else ""


def _better_text(audit: Audit, better: dict[str, Any] | None, list_id: str | None) -> str:
    """The entry that fits the claim better (`SupportEvidence.better`), as `[n] title`."""
    if not isinstance(better, dict) or better.get("number") is None:
        return ""
    return value_text(better, 140) if better.get("title") else _entry_text(audit, better["number"], list_id)


def claim_rows(audit: Audit) -> list[ClaimRow]:
    """Findings about citations in the text, each with its sentence and evidence, worst first."""
    rows: list[ClaimRow] = []
    for f in worst_first(audit.findings):
        ev = f.evidence or {}
        claim = _claim_at(audit.claims, f)
        sentence = str(ev.get("claim") or ev.get("sentence") or (claim.text if claim else ""))
        if f.kind not in CLAIM_KINDS and not (claim and ev.get("marker")):
            continue
        if not sentence and f.kind not in SUPPORT_KINDS:
            continue
        list_id = ev.get("list_id")
        number = ev.get("number", ev.get("found", ev.get("cited")))
        cited = _entry_text(audit, number, list_id) if number is not None else ""
        rows.append(ClaimRow(
            finding=f, sentence=sentence, marker=str(ev.get("marker") or ""), cited=cited,
            claim_terms=value_text(ev.get("claim_terms")),
            work_about=_work_about(ev),
            better=_better_text(audit, ev.get("better"), list_id),
            line=ev.get("line") if isinstance(ev.get("line"), int) else (f.span.line if f.span else None),
        ))
    return rows


# ---------------------------------------------------------------- links

_DOI_RE = re.compile(r"^10\.\d{3,9}/\S+$")


def safe_href(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL without control characters or spaces, else None.

    Everything else (``javascript:``, ``data:``, relative paths) is shown as text, never linked.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(c) < 0x21 or c in "<>\"'`\\" or 0x7F <= ord(c) <= 0x9F for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def doi_url(doi: Any) -> str | None:
    """`https://doi.org/<doi>` with the DOI percent-encoded, or None when it is not a DOI."""
    if not isinstance(doi, str):
        return None
    doi = doi.strip()
    if not _DOI_RE.match(doi):
        return None
    return "https://doi.org/" + quote(doi, safe="/:;=+-._~")


def match_doi(ref: Reference, m: Match | None) -> str | None:
    """The DOI to link: the matched record's, else the one written in the entry."""
    if m is not None and m.doi:
        return m.doi
    doi = ref.fields.get("DOI")
    return doi if isinstance(doi, str) and doi else None


def confidence_text(m: Match | None) -> str:
    """The confidence, only where it means something (a record was found or candidates compared)."""
    if m is None or m.verdict not in {*ACCEPTED, Verdict.AMBIGUOUS}:
        return ""
    return f"{m.confidence:.2f}"


def reference_title(ref: Reference) -> str:
    """Authors-free short view of an entry: its parsed title, else its text."""
    title = ref.fields.get("title")
    return str(title) if title else (ref.text or ref.raw)


__all__ = [
    "CLAIM_KINDS",
    "SEVERITY_ORDER",
    "VERDICTS",
    "ClaimRow",
    "Summary",
    "claim_rows",
    "clip",
    "confidence_text",
    "diff_text",
    "doi_url",
    "evidence_pairs",
    "match_doi",
    "reference_rows",
    "reference_title",
    "safe_href",
    "scope_note",
    "short_evidence",
    "summarize",
    "value_text",
    "worst_first",
]
