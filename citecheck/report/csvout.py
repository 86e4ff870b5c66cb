"""The `csv` output format: one row per reference (`refs`, `matches`) or per citing sentence (`claims`).

Every cell goes through `cell`, the one place where document text becomes spreadsheet text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from citecheck.model import Audit
from citecheck.report import View
from citecheck.report.claims import claim_link_rows
from citecheck.report.matches import diffs_line
from citecheck.report.refs import issued_year, short_authors
from citecheck.report.views import reference_rows


def cell(value: Any) -> str:
    """A value as CSV cell text (None is empty)."""
    return "" if value is None else str(value)


def _rows(audits: Sequence[Audit], view: View) -> tuple[list[str], list[list[Any]]]:
    if view is View.CLAIMS:
        header = ["line", "section", "sentence", "markers", "entries"]
        return header, [[r["line"], r["section"], r["text"], " ".join(r["markers"]), r["entries"]]
                        for a in audits for r in claim_link_rows(a.claims, a.lists)]
    if view is View.REFS:
        header = ["key", "n", "authors", "year", "title", "container-title", "volume", "issue", "page", "doi", "raw"]
        return header, [[ref.key, ref.n, short_authors(f), issued_year(f), f.get("title"), f.get("container-title"),
                         f.get("volume"), f.get("issue"), f.get("page"), f.get("DOI"), ref.raw]
                        for a in audits for ref in a.references for f in (ref.fields,)]
    header = ["key", "n", "verdict", "doi", "confidence", "source", "diffs", "reason", "raw"]
    rows = []
    for a in audits:
        for ref, m in reference_rows(a):
            if m is None:
                rows.append([ref.key, ref.n, "", "", "", "", "", "", ref.raw])
            else:
                rows.append([ref.key, ref.n, m.verdict, m.doi or "", f"{m.confidence:.3f}",
                             m.record.source if m.record else "", diffs_line(m), m.reason, ref.raw])
    return header, rows


def render_csv(audits: Sequence[Audit], view: View = View.MATCHES, **_: Any) -> str:
    header, rows = _rows(audits, view)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buf.getvalue()
