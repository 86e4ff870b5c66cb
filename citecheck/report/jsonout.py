"""The JSON report: every object the pipeline produced, for programs (documented in docs/schema.json).

Shape: ``{schema_version, generated_by, [generated_at], count, summary, documents: [...]}``
where `count` is the number of documents and each document carries its summary, list
metadata, references (each with its match inline, so a consumer never has to join),
claims, findings (worst first) and load warnings. Nothing varies between runs on the
same input: no timestamp unless the caller injects one, keys in a fixed order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from typing import Any, TypeVar

from citecheck.jsonsafe import dumps as json_dumps  # never NaN/Infinity
from citecheck.model import (
    SCHEMA_VERSION,
    Audit,
    Citation,
    Claim,
    FieldDiff,
    Finding,
    Issue,
    Match,
    Record,
    Reference,
    ReferenceList,
    Span,
    SupportLink,
    to_dict,
)
from citecheck.report import View
from citecheck.report.claims import claim_link_rows
from citecheck.report.views import SEVERITY_ORDER, VERDICTS, Summary, reference_rows, summarize, worst_first
from citecheck.version import __version__

_T = TypeVar("_T")


def summary_dict(summary: Summary) -> dict[str, Any]:
    return {
        "references": summary.references,
        "claims": summary.claims,
        "findings": summary.findings,
        "verdicts": dict(summary.verdicts),
        "severities": dict(summary.severities),
        "kinds": dict(sorted(summary.kinds.items())),
    }


def record_dict(record: Record) -> dict[str, Any]:
    out = to_dict(record)
    out["doi"] = record.doi
    return out


def match_dict(m: Match) -> dict[str, Any]:
    """A match without its reference (the reference is the enclosing object)."""
    return {
        "verdict": m.verdict,
        "doi": m.doi,
        "confidence": m.confidence,
        "record": record_dict(m.record) if m.record is not None else None,
        "diffs": [dict(to_dict(d), is_error=d.is_error) for d in m.diffs],
        "candidates": [record_dict(c) for c in m.candidates],
        "reason": m.reason,
    }


def reference_dict(ref: Reference, m: Match | None) -> dict[str, Any]:
    out = to_dict(ref)
    out["key"] = ref.key
    out["match"] = match_dict(m) if m is not None else None
    return out


def list_dict(lst: ReferenceList) -> dict[str, Any]:
    """List metadata; its entries are in the document's flat `references` array (by `list_id`)."""
    return {"id": lst.id, "heading": lst.heading, "style": lst.style, "span": to_dict(lst.span),
            "count": len(lst.references), "warnings": to_dict(lst.warnings)}


def document_dict(audit: Audit) -> dict[str, Any]:
    return {
        "document": audit.document,
        "schema_version": audit.schema_version,
        "summary": summary_dict(summarize(audit)),
        "lists": [list_dict(lst) for lst in audit.lists],
        "references": [reference_dict(ref, m) for ref, m in reference_rows(audit)],
        "claims": to_dict(audit.claims),
        "findings": to_dict(worst_first(audit.findings)),
        "warnings": to_dict(audit.warnings),
        "support": to_dict(audit.support),
    }


def _total(documents: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {"references": 0, "claims": 0, "findings": 0,
                             "verdicts": dict.fromkeys(VERDICTS, 0),
                             "severities": {str(s): 0 for s in SEVERITY_ORDER}, "kinds": {}}
    for doc in documents:
        s = doc["summary"]
        for k in ("references", "claims", "findings"):
            total[k] += s[k]
        for group in ("verdicts", "severities", "kinds"):
            for k, v in s[group].items():
                total[group][k] = total[group].get(k, 0) + v
    total["kinds"] = dict(sorted(total["kinds"].items()))
    return total


def report_dict(audits: Sequence[Audit], generated_at: str | None = None) -> dict[str, Any]:
    """The whole report as plain data (what `render_json` serialises, and what the HTML embeds)."""
    documents = [document_dict(a) for a in audits]
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "generated_by": f"citecheck {__version__}"}
    if generated_at is not None:
        out["generated_at"] = generated_at
    out["count"] = len(documents)
    out["summary"] = _total(documents)
    out["documents"] = documents
    return out


def render_json(audits: Sequence[Audit], generated_at: str | None = None, indent: int | None = 2,
                view: View = View.CHECK, **_: Any) -> str:
    """Deterministic JSON text, UTF-8 kept readable (Chinese text is not \\u-escaped).

    Every stage but `claims` writes this one shape (a `refs` run's references carry
    ``"match": null``); `claims` writes `{schema_version, count, items}` of claim rows.
    """
    if view is View.CLAIMS:
        rows = [row for a in audits for row in claim_link_rows(a.claims, a.lists)]
        payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "count": len(rows), "items": rows}
    else:
        payload = report_dict(audits, generated_at)
    return json_dumps(payload, ensure_ascii=False, indent=indent) + "\n"


def render_jsonl(audits: Sequence[Audit], view: View = View.MATCHES, **_: Any) -> str:
    """One JSON object per line: each reference with its match (or each claim row, for `claims`)."""
    if view is View.CLAIMS:
        items = [row for a in audits for row in claim_link_rows(a.claims, a.lists)]
    else:
        items = [dict(reference_dict(ref, m), document=a.document) for a in audits for ref, m in reference_rows(a)]
    return "".join(json_dumps(item, ensure_ascii=False) + "\n" for item in items)


# ---------------------------------------------------------------- and back


def _build(cls: type[_T], data: dict[str, Any], **converted: Any) -> _T:
    """`cls(**data)` restricted to its fields (the report adds derived keys such as `doi`, `is_error`)."""
    names = {f.name for f in dataclass_fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in names}
    values.update(converted)
    return cls(**values)


def _span(d: dict[str, Any] | None) -> Span | None:
    return Span(int(d["start"]), int(d["end"]), int(d["line"])) if d else None


def _issues(items: list[dict[str, Any]] | None) -> list[Issue]:
    return [_build(Issue, d) for d in items or []]


def _record(d: dict[str, Any] | None) -> Record | None:
    return _build(Record, d) if d else None


def audit_from_dict(data: dict[str, Any]) -> Audit:
    """The `Audit` that `document_dict` wrote: what a resumed batch reports is what the first run would.

    The references array holds each list's entries in order (the list's `count` says how many),
    then references matched outside any list; each carries its match inline, so a rebuilt match
    and its list entry are one `Reference` object, as in a fresh audit.
    """
    lists = [_build(ReferenceList, d, span=_span(d["span"]), references=[], warnings=_issues(d.get("warnings")))
             for d in data.get("lists", [])]
    counts = [int(d.get("count", 0)) for d in data.get("lists", [])]
    owner = [lst for lst, n in zip(lists, counts, strict=True) for _ in range(n)]
    matches: list[Match] = []
    for i, d in enumerate(data.get("references", [])):
        ref = _build(Reference, d, span=_span(d["span"]), warnings=_issues(d.get("warnings")))
        if i < len(owner):
            owner[i].references.append(ref)
        m = d.get("match")
        if m is not None:
            matches.append(_build(
                Match, m, reference=ref, record=_record(m.get("record")),
                diffs=[_build(FieldDiff, x) for x in m.get("diffs", [])],
                candidates=[r for r in (_record(x) for x in m.get("candidates", [])) if r is not None]))
    claims = [
        _build(Claim, d, span=_span(d["span"]), citations=[
            _build(Citation, c, span=_span(c["span"]), numbers=tuple(c.get("numbers") or ()),
                   authors=tuple(c.get("authors") or ())) for c in d.get("citations", [])])
        for d in data.get("claims", [])
    ]
    findings = [_build(Finding, d, span=_span(d.get("span"))) for d in data.get("findings", [])]
    support = [_build(SupportLink, d, span=_span(d["span"])) for d in data.get("support", [])]
    return Audit(document=data["document"], lists=lists, matches=matches, claims=claims, findings=findings,
                 warnings=_issues(data.get("warnings")), schema_version=data.get("schema_version", SCHEMA_VERSION),
                 support=support)
