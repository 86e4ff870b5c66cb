"""Renderers for the `match` stage: one row per reference with verdict, DOI, confidence and diffs."""

from __future__ import annotations

import io
from typing import Any

from citecheck.csvsafe import csv_writer
from citecheck.jsonsafe import dumps as json_dumps  # never NaN/Infinity
from citecheck.model import SCHEMA_VERSION, Match, to_dict
from citecheck.report.refs import short_authors, year_of


def match_dict(m: Match) -> dict[str, Any]:
    ref = m.reference
    return {
        "key": ref.key,
        "n": ref.n,
        "raw": ref.raw,
        "span": to_dict(ref.span),
        "verdict": m.verdict,
        "doi": m.doi,
        "confidence": m.confidence,
        "source": m.record.source if m.record else None,
        "reason": m.reason,
        "fields": ref.fields,
        "record": m.record.fields if m.record else None,
        "diffs": to_dict(m.diffs),
        "candidates": [{"doi": c.doi, "title": c.fields.get("title"), "score": c.score, "source": c.source}
                       for c in m.candidates],
        "warnings": to_dict(ref.warnings),
    }


def diff_text(m: Match) -> str:
    return "; ".join(f"{d.field}: {d.ours or '∅'} → {d.theirs or '∅'} ({d.kind})" for d in m.diffs)


def matches_json(source: str, matches: list[Match]) -> str:
    items = [match_dict(m) for m in matches]
    counts: dict[str, int] = {}
    for m in matches:
        counts[m.verdict] = counts.get(m.verdict, 0) + 1
    payload = {"schema_version": SCHEMA_VERSION, "document": source, "count": len(items), "verdicts": counts,
               "items": items}
    return json_dumps(payload, ensure_ascii=False, indent=2) + "\n"


def matches_jsonl(matches: list[Match]) -> str:
    return "".join(json_dumps(match_dict(m), ensure_ascii=False) + "\n" for m in matches)


def matches_csv(matches: list[Match]) -> str:
    buf = io.StringIO()
    writer = csv_writer(buf)  # cells neutralised against formula injection
    writer.writerow(["key", "n", "verdict", "doi", "confidence", "source", "diffs", "reason", "raw"])
    for m in matches:
        writer.writerow([m.reference.key, m.reference.n, m.verdict, m.doi or "", f"{m.confidence:.3f}",
                         m.record.source if m.record else "", diff_text(m), m.reason, m.reference.raw])
    return buf.getvalue()


_STYLE = {"verified": "green", "corrected": "yellow", "ambiguous": "magenta", "not_found": "red",
          "unchecked": "dim"}


def matches_table(matches: list[Match], console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(matches)} references", expand=True)
    for col, kw in (("#", {"justify": "right"}), ("reference", {"ratio": 3}), ("verdict", {}), ("DOI", {"ratio": 1}),
                    ("conf.", {"justify": "right"}), ("differences", {"ratio": 2})):
        table.add_column(col, overflow="fold", **kw)
    for m in matches:
        f = m.reference.fields
        label = " ".join(x for x in (short_authors(f), year_of(f), str(f.get("title", ""))[:80]) if x)
        table.add_row(Text(str(m.reference.n if m.reference.n is not None else "")), Text(label or m.reference.raw[:80]),
                      Text(m.verdict, style=_STYLE.get(m.verdict, "")), Text(m.doi or ""),
                      Text(f"{m.confidence:.2f}"), Text(diff_text(m) or m.reason))
    console.print(table)
