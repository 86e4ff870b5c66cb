"""The `csv` output format: one row per reference (`refs`, `matches`) or per citing sentence (`claims`).

Every cell goes through `neutralise_csv_cell`, the one place where document text becomes spreadsheet
text. CSV cells that a spreadsheet will not run as formulas (CSV injection, OWASP).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula
(``=HYPERLINK(…)``, ``=cmd|…``, ``@SUM(…)``). Reference strings, sentences and
headings come from the documents checked, so every cell of every CSV we write
goes through `neutralise_csv_cell`: such a cell gets a leading ``'``, which
spreadsheets show as text and do not evaluate. Leading blanks do not hide a
trigger (`` =1+1`` is neutralised too).
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

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""OWASP's list, plus a newline and the full-width forms some spreadsheets normalise."""


def neutralise_csv_cell(value: Any) -> str:
    """`value` as CSV cell text that no spreadsheet evaluates (None is empty)."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


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
    writer.writerow([neutralise_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([neutralise_csv_cell(v) for v in row])
    return buf.getvalue()
