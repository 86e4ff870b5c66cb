"""The `claims` stage's view: one row per citing sentence with the entries its markers reach."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from citecheck.claims.link import Link, clauses, links, short_citation
from citecheck.model import Claim, ReferenceList, to_dict


def _entries_cell(rows: list[Link]) -> str:
    parts: list[str] = []
    for link in rows:
        label = f"[{link.number}]" if link.number is not None else link.citation.marker
        if link.reference is None:
            parts.append(f"{label} (no such entry)" if link.status != "no_list" else f"{label} (no list)")
        else:
            parts.append(f"{label} {short_citation(link.reference)}")
    return "; ".join(parts)


def claim_link_rows(claims: Sequence[Claim], lists: Sequence[ReferenceList]) -> list[dict[str, Any]]:
    """One JSON-ready row per claim: sentence, line, section, and its citations with the entries they reach."""
    table = links(claims, lists)
    by_claim: dict[int, list[Link]] = {}
    for link in table:
        by_claim.setdefault(id(link.claim), []).append(link)
    rows: list[dict[str, Any]] = []
    for claim in claims:
        own = by_claim.get(id(claim), [])
        cites = []
        for cit, clause in zip(claim.citations, clauses(claim), strict=True):
            mine = [link for link in own if link.citation is cit]
            cites.append(
                {
                    **to_dict(cit),
                    "clause": clause,
                    "entries": [
                        {
                            "n": link.number,
                            "key": link.reference.key if link.reference else None,
                            "short": short_citation(link.reference) if link.reference else None,
                            "status": link.status,
                        }
                        for link in mine
                    ],
                }
            )
        rows.append(
            {
                "line": claim.span.line,
                "span": to_dict(claim.span),
                "section": claim.section,
                "text": claim.text,
                "markers": [c.marker for c in claim.citations],
                "entries": _entries_cell(own),
                "citations": cites,
            }
        )
    return rows


def claims_table(rows: list[dict[str, Any]]) -> Any:
    """A rich Table of claim rows; document text goes in as `Text`, never as markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(rows)} claims", expand=True, show_lines=False)
    table.add_column("line", justify="right")
    table.add_column("sentence", ratio=4, overflow="fold")
    table.add_column("markers", ratio=1, overflow="fold")
    table.add_column("entries", ratio=2, overflow="fold")
    for r in rows:
        table.add_row(Text(str(r["line"])), Text(r["text"]), Text(" ".join(r["markers"])), Text(r["entries"]))
    return table
