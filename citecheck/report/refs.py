"""The `refs` stage as a table: one rich table per reference list."""

from __future__ import annotations

from typing import Any

from citecheck.model import ReferenceList


def short_authors(fields: dict[str, Any]) -> str:
    authors = fields.get("author") or []
    names = [a.get("family") or a.get("literal") or "" for a in authors if isinstance(a, dict)]
    names = [n for n in names if n]
    if not names:
        return ""
    return names[0] + (" et al." if len(names) > 2 else f" & {names[1]}" if len(names) == 2 else "")


def issued_year(fields: dict[str, Any]) -> str:
    try:
        return str(fields["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError):
        return ""


def refs_table(lists: list[ReferenceList], console: Any) -> None:
    """A rich table per list: number, authors, year, title, journal, vol/pages, warnings."""
    from rich.table import Table
    from rich.text import Text

    for lst in lists:
        heading = lst.heading or "(no heading)"
        table = Table(title=f"{lst.id} · {heading} · {len(lst.references)} entries · line {lst.span.line}",
                      show_lines=False, expand=True)
        for col, kw in (("#", {"justify": "right"}), ("authors", {}), ("year", {}), ("title", {"ratio": 3}),
                        ("journal", {"ratio": 1}), ("vol(issue):page", {}), ("warnings", {"ratio": 1})):
            table.add_column(col, overflow="fold", **kw)
        for ref in lst.references:
            f = ref.fields
            vol = str(f.get("volume", ""))
            if f.get("issue"):
                vol += f"({f['issue']})"
            if f.get("page"):
                vol += f":{f['page']}"
            cells = (str(ref.n if ref.n is not None else ""), short_authors(f), issued_year(f),
                     str(f.get("title", "")), str(f.get("container-title", "")), vol,
                     ", ".join(sorted({w.code for w in ref.warnings})))
            table.add_row(*(Text(c) for c in cells))  # Text: document text is never markup
        console.print(table)
