"""Renderers for the `refs` stage: reference lists as a table, JSON or JSON lines."""

from __future__ import annotations

from typing import Any

from citecheck.jsonsafe import dumps as json_dumps  # never NaN/Infinity
from citecheck.model import SCHEMA_VERSION, Reference, ReferenceList, to_dict


def reference_dict(ref: Reference) -> dict[str, Any]:
    out = to_dict(ref)
    out["key"] = ref.key
    return out


def refs_json(source: str, lists: list[ReferenceList], warnings: list[Any] | None = None) -> str:
    """`{count, items}` with the lists' own metadata beside them."""
    items = [reference_dict(r) for lst in lists for r in lst.references]
    payload = {
        "schema_version": SCHEMA_VERSION,
        "document": source,
        "count": len(items),
        "lists": [
            {"id": lst.id, "heading": lst.heading, "style": lst.style, "span": to_dict(lst.span),
             "count": len(lst.references), "warnings": to_dict(lst.warnings)}
            for lst in lists
        ],
        "warnings": to_dict(warnings or []),
        "items": items,
    }
    return json_dumps(payload, ensure_ascii=False, indent=2) + "\n"


def refs_jsonl(lists: list[ReferenceList]) -> str:
    return "".join(
        json_dumps(reference_dict(r), ensure_ascii=False) + "\n" for lst in lists for r in lst.references
    )


def short_authors(fields: dict[str, Any]) -> str:
    authors = fields.get("author") or []
    names = [a.get("family") or a.get("literal") or "" for a in authors if isinstance(a, dict)]
    names = [n for n in names if n]
    if not names:
        return ""
    return names[0] + (" et al." if len(names) > 2 else f" & {names[1]}" if len(names) == 2 else "")


def year_of(fields: dict[str, Any]) -> str:
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
            cells = (str(ref.n if ref.n is not None else ""), short_authors(f), year_of(f),
                     str(f.get("title", "")), str(f.get("container-title", "")), vol,
                     ", ".join(sorted({w.code for w in ref.warnings})))
            table.add_row(*(Text(c) for c in cells))  # Text: document text is never markup
        console.print(table)
