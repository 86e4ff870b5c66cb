"""Reports: audits rendered in any registered output format.

`render(audits, fmt, view=...)` is the one entry point: it finds the writer in the
format registry (`citecheck.formats`) and calls it. A `View` says which stage's
results the audits carry — `refs` (lists only), `matches` (lists and matches),
`claims` (citing sentences) or `check` (everything) — so one JSON shape serves
every stage, and the table/CSV writers show the columns that stage has.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from citecheck.formats import FormatError, Role, find_format, formats
from citecheck.model import Audit
from citecheck.report.views import (
    CLAIM_KINDS,
    SEVERITY_ORDER,
    VERDICTS,
    ClaimRow,
    Summary,
    clip,
    reference_rows,
    safe_href,
    short_evidence,
    summarize,
    worst_first,
)


class View(StrEnum):
    REFS = "refs"
    MATCHES = "matches"
    CLAIMS = "claims"
    CHECK = "check"


_ALIASES = {"terminal": "table", "markdown": "md", "htm": "html", "bibtex": "bib"}


def writer_names() -> tuple[str, ...]:
    """Every output format's name (`terminal`, `markdown`, `htm`, `bibtex` are aliases)."""
    return tuple(f.name for f in formats(Role.WRITER))


FORMATS = writer_names()


def render(audits: Sequence[Audit], fmt: str, *, view: View = View.CHECK, **options: Any) -> str:
    """Audits as text in format `fmt`; `options` go to the writer (`generated_at`, `limit`, `style`…).

    Raises `FormatError` for an unknown format or one that does not fit the view (HTML of a refs run).
    """
    writer = find_format(_ALIASES.get(fmt, fmt), role=Role.WRITER)
    if writer.views and view not in writer.views:
        raise FormatError(f"{fmt}: not an output format of `{view}` (choose {', '.join(formats_for(view))})")
    return writer.load()(audits, view=view, **options)


def formats_for(view: View) -> list[str]:
    """The output formats that fit a view."""
    return [f.name for f in formats(Role.WRITER) if not f.views or view in f.views]


__all__ = [
    "CLAIM_KINDS",
    "FORMATS",
    "SEVERITY_ORDER",
    "VERDICTS",
    "ClaimRow",
    "FormatError",
    "Summary",
    "View",
    "clip",
    "formats_for",
    "reference_rows",
    "render",
    "safe_href",
    "short_evidence",
    "summarize",
    "worst_first",
    "writer_names",
]
