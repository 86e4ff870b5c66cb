"""The JSON report: every object the pipeline produced, for programs (documented in docs/schema.json).

Shape: ``{schema_version, generated_by, [generated_at], count, summary, documents: [...]}``
where `count` is the number of documents and each document carries its summary, list
metadata, references (each with its match inline, so a consumer never has to join),
claims, findings (worst first) and load warnings. Nothing varies between runs on the
same input: no timestamp unless the caller injects one, keys in a fixed order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from citecheck import __version__
from citecheck.jsonsafe import dumps as json_dumps  # never NaN/Infinity
from citecheck.model import SCHEMA_VERSION, Audit, Match, Record, Reference, ReferenceList, to_dict
from citecheck.report import SEVERITY_ORDER, VERDICTS, Summary, reference_rows, summarize, worst_first


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
    }


def _total(documents: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {"references": 0, "claims": 0, "findings": 0,
                             "verdicts": dict.fromkeys(VERDICTS, 0),
                             "severities": dict.fromkeys(SEVERITY_ORDER, 0), "kinds": {}}
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


def render_json(audits: Sequence[Audit], generated_at: str | None = None, indent: int | None = 2) -> str:
    """Deterministic JSON text, UTF-8 kept readable (Chinese text is not \\u-escaped)."""
    return json_dumps(report_dict(audits, generated_at), ensure_ascii=False, indent=indent) + "\n"
