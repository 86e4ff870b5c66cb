"""The `match` stage as a table: one row per reference with verdict, DOI, confidence and diffs."""

from __future__ import annotations

from typing import Any

from citecheck.model import Match
from citecheck.report.refs import issued_year, short_authors
from citecheck.report.terminal import VERDICT_STYLE


def diffs_line(m: Match) -> str:
    """Every field difference of a match on one line: `year: 2019 → 2020 (wrong_value); …`."""
    return "; ".join(f"{d.field}: {d.ours or '∅'} → {d.theirs or '∅'} ({d.kind})" for d in m.diffs)




def matches_table(matches: list[Match], console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(matches)} references", expand=True)
    for col, kw in (("#", {"justify": "right"}), ("reference", {"ratio": 3}), ("verdict", {}), ("DOI", {"ratio": 1}),
                    ("conf.", {"justify": "right"}), ("differences", {"ratio": 2})):
        table.add_column(col, overflow="fold", **kw)
    for m in matches:
        f = m.reference.fields
        label = " ".join(x for x in (short_authors(f), issued_year(f), str(f.get("title", ""))[:80]) if x)
        table.add_row(Text(str(m.reference.n if m.reference.n is not None else "")), Text(label or m.reference.raw[:80]),
                      Text(m.verdict, style=VERDICT_STYLE.get(m.verdict, "")), Text(m.doi or ""),
                      Text(f"{m.confidence:.2f}"), Text(diffs_line(m) or m.reason))
    console.print(table)
